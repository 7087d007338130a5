package checks

import "github.com/git-proof/git-proof/checks/testcase"

// Status is the outcome of one named result: the same model the report
// parsers (junit, tap) use.
type Status = testcase.Status

// The statuses a result can have.
const (
	StatusPass = testcase.StatusPass
	StatusFail = testcase.StatusFail
	StatusSkip = testcase.StatusSkip
)

// Result is one named test result: a Go test or subtest
// ("<package>.<Test>/<sub>"), a Go package ("<package>"), or, for a check
// judged by its exit code, the check itself (its name).
type Result struct {
	ID     string
	Status Status
}

// The formats a check's output can be read in.
const (
	FormatGoTestJSON = "go-test-json"
	FormatExitCode   = "exit-code"
)
