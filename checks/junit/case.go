package junit

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// Status is the outcome of one test case.
type Status string

// The statuses a case can have.
const (
	StatusPass Status = "pass"
	StatusFail Status = "fail"
	StatusSkip Status = "skip"
)

// Case is one test case of a report.
type Case struct {
	// ID names the case, stably across runs and unique within the result of
	// Parse or ParseFiles; see the package documentation for the rule.
	ID     string
	Status Status
	// Duration is the case's time attribute; 0 when absent or unreadable.
	Duration time.Duration
	// Message is the failure, error or skip message (its message attribute,
	// else its text), cut to MaxMessageBytes. It is for people, not for
	// comparing runs.
	Message string
}

// severity orders statuses from best to worst.
func severity(s Status) int {
	switch s {
	case StatusFail:
		return 2
	case StatusSkip:
		return 1
	}
	return 0
}

// merge sorts cs by ID and keeps one case per ID: the one with the worst
// status (fail, then skip, then pass), ties broken by message and duration,
// so that the result does not depend on the order of the input.
func merge(cs []Case) []Case {
	slices.SortFunc(cs, func(a, b Case) int {
		return cmp.Or(
			strings.Compare(a.ID, b.ID),
			severity(b.Status)-severity(a.Status),
			strings.Compare(a.Message, b.Message),
			cmp.Compare(a.Duration, b.Duration),
		)
	})
	return slices.CompactFunc(cs, func(a, b Case) bool { return a.ID == b.ID })
}
