package checks

// Status is the outcome of one named result.
type Status string

// The statuses a result can have.
const (
	StatusPass Status = "pass"
	StatusFail Status = "fail"
	StatusSkip Status = "skip"
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
