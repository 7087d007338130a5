package tap

import "github.com/git-proof/git-proof/checks/testcase"

// Status is the outcome of one test point.
type Status = testcase.Status

// The statuses a test point can have.
const (
	StatusPass = testcase.StatusPass
	StatusFail = testcase.StatusFail
	StatusSkip = testcase.StatusSkip
)

// Case is one test point of a TAP stream. Its ID is unique within the
// result of Parse (see the package documentation for the rule); Duration
// is the test point's time: node's duration_ms diagnostic or a "# time="
// directive, 0 when the stream does not say; Message is the SKIP reason,
// "TODO" and the TODO reason, or a failure's diagnostic message (its YAML
// message or error key), cut to MaxMessageBytes.
type Case = testcase.Case
