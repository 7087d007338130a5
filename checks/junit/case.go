package junit

import "github.com/git-proof/git-proof/checks/testcase"

// Status is the outcome of one test case.
type Status = testcase.Status

// The statuses a case can have.
const (
	StatusPass = testcase.StatusPass
	StatusFail = testcase.StatusFail
	StatusSkip = testcase.StatusSkip
)

// Case is one test case of a report. Its ID is unique within the result of
// Parse or ParseFiles (see the package documentation for the rule);
// Duration is the case's time attribute, 0 when absent or unreadable;
// Message is the failure, error or skip message (its message attribute,
// else its text), cut to MaxMessageBytes.
type Case = testcase.Case
