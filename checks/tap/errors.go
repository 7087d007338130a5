package tap

import "fmt"

// sentinel is an error that can be a constant, so that the package keeps
// no mutable state.
type sentinel string

func (e sentinel) Error() string { return string(e) }

// The reasons a stream does not parse. Each reaches the caller wrapped in a
// *ParseError that says on which line.
const (
	// ErrNoTAP: the input holds no version, plan or test point line. Check
	// that the command prints TAP on stdout (node: --test-reporter=tap).
	ErrNoTAP = sentinel("no TAP version, plan or test point line")
	// ErrVersion: a malformed or misplaced version line. Only "TAP version
	// 13" and "TAP version 14" are read, as the stream's first TAP line.
	ErrVersion = sentinel("bad TAP version line")
	// ErrNoPlan: the stream ended without a plan, so it may be cut short
	// (the test process died, or its output was truncated).
	ErrNoPlan = sentinel("no plan: the TAP stream is incomplete")
	// ErrPlan: the test points do not match the plan (tests missing, a
	// number outside it, a second plan, a test point after a closing plan).
	ErrPlan = sentinel("the test points do not match the plan")
	// ErrBailOut: the producer bailed out; the tests after it did not run.
	ErrBailOut = sentinel("bail out: the TAP stream is incomplete")
	// ErrSubtest: an indented subtest has no test point at its parent's
	// level to close it.
	ErrSubtest = sentinel("subtest without its test point")
	// ErrTooLarge: the stream is larger than MaxReportBytes.
	ErrTooLarge = sentinel("TAP stream larger than the limit")
	// ErrTooManyCases: more than MaxCases test points, or a larger plan.
	ErrTooManyCases = sentinel("too many test points")
	// ErrTooDeep: subtests nest deeper than MaxDepth.
	ErrTooDeep = sentinel("subtests nested too deep")
)

// ParseError is a stream that does not parse, or is incomplete: where, and
// why.
type ParseError struct {
	Line int // 1-based line of the problem
	// Err is why: one of the sentinels above, wrapped with detail, or the
	// reader's error.
	Err error
}

func (e *ParseError) Error() string { return fmt.Sprintf("TAP: line %d: %v", e.Line, e.Err) }

func (e *ParseError) Unwrap() error { return e.Err }
