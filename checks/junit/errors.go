package junit

import (
	"encoding/xml"
	"errors"
	"fmt"
)

// sentinel is an error that can be a constant, so that the package keeps
// no mutable state.
type sentinel string

func (e sentinel) Error() string { return string(e) }

// The reasons a report does not parse. Each reaches the caller wrapped in a
// *ParseError that says where.
const (
	// ErrNoReport: the input holds no <testsuites> or <testsuite> element.
	// The command did not write a JUnit report there: check the check's
	// `report:` glob, or that the tool prints the report on stdout.
	ErrNoReport = sentinel("no <testsuites> or <testsuite> element")
	// ErrNotJUnit: a top-level element is not <testsuites> or <testsuite>.
	// Point the check at the JUnit XML file, not another XML output.
	ErrNotJUnit = sentinel("not a JUnit report")
	// ErrTooLarge: the report is larger than MaxReportBytes. Split it into
	// several files and read them with a glob.
	ErrTooLarge = sentinel("report larger than the limit")
	// ErrTooManyCases: the report holds more than MaxCases test cases.
	ErrTooManyCases = sentinel("too many test cases")
	// ErrTooDeep: elements nest deeper than MaxDepth.
	ErrTooDeep = sentinel("elements nested too deep")
	// ErrNoFiles: ParseFiles was given no file: the report glob matched
	// nothing, so the command did not write its report.
	ErrNoFiles = sentinel("no report files")
)

// ParseError is a report that does not parse: where, and why.
type ParseError struct {
	Line   int   // 1-based line of the problem
	Column int   // 1-based column (in bytes) of the problem
	Offset int64 // byte offset of the problem
	// Err is why: one of the sentinels above (possibly wrapped with detail),
	// an *xml.SyntaxError, or the reader's error.
	Err error
}

func (e *ParseError) Error() string {
	msg := e.Err.Error()
	var se *xml.SyntaxError
	if errors.As(e.Err, &se) {
		// The syntax error repeats the line; say it once.
		msg = "XML syntax error: " + se.Msg
	}
	return fmt.Sprintf("JUnit XML: line %d, column %d: %s", e.Line, e.Column, msg)
}

func (e *ParseError) Unwrap() error { return e.Err }
