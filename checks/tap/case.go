package tap

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// Status is the outcome of one test point.
type Status string

// The statuses a case can have.
const (
	StatusPass Status = "pass"
	StatusFail Status = "fail"
	StatusSkip Status = "skip"
)

// Case is one test point of a TAP stream.
type Case struct {
	// ID names the case, stably across runs and unique within the result of
	// Parse; see the package documentation for the rule.
	ID     string
	Status Status
	// Duration is the test point's time: node's duration_ms diagnostic or
	// a "# time=" directive; 0 when the stream does not say.
	Duration time.Duration
	// Message is the SKIP reason, "TODO" and the TODO reason, or a failure's
	// diagnostic message (its YAML message or error key), cut to
	// MaxMessageBytes. It is for people, not for comparing runs.
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

// sortCases sorts cs by ID. IDs are unique by construction; should two
// still meet, the worst status wins, as in package junit.
func sortCases(cs []Case) []Case {
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
