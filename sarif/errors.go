package sarif

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error this package returns wraps one of them, inside
// a *ParseError that says where the problem is.
var (
	// ErrNotSARIF: the input is not a JSON object (empty, binary, plain text,
	// broken JSON). Check that the tool was asked for SARIF output
	// (golangci-lint --output.sarif.path, semgrep --sarif, eslint -f
	// @microsoft/eslint-formatter-sarif, codeql --format=sarif-latest).
	ErrNotSARIF = errors.New("not a SARIF log")

	// ErrVersion: the log is not SARIF 2.1.0. Upgrade the tool or ask it for
	// 2.1.0; older and newer versions differ in shape and are not guessed at.
	ErrVersion = errors.New("unsupported SARIF version")

	// ErrInvalid: the log is JSON of the right version but breaks a rule of
	// SARIF 2.1.0 that this package relies on (a result without a rule id, a
	// message that cannot be resolved, a field of the wrong type). The tool's
	// output is malformed; report it upstream.
	ErrInvalid = errors.New("invalid SARIF")

	// ErrLimit: the input exceeds one of the limits in limits.go (size,
	// nesting, number of runs or findings, length of an identifier). Narrow
	// what the tool analyses, or split the report.
	ErrLimit = errors.New("over limit")

	// ErrToolFailed: the log says the tool did not complete
	// (invocation.executionSuccessful is false), so its findings are
	// incomplete and cannot show that nothing new was found. Fix the tool's
	// run (its notifications say why) and run again.
	ErrToolFailed = errors.New("tool reported failure")
)

// ParseError reports where in the input a problem was found.
type ParseError struct {
	// Where is a JSON path ("runs[0].results[3].message") for SARIF, or
	// "line N" for go vet output and for JSON syntax errors. Empty when the
	// problem concerns the input as a whole.
	Where string
	// Err wraps one of the sentinel errors.
	Err error
}

func (e *ParseError) Error() string {
	if e.Where == "" {
		return "sarif: " + e.Err.Error()
	}
	return "sarif: " + e.Where + ": " + e.Err.Error()
}

func (e *ParseError) Unwrap() error { return e.Err }

// errAt builds a *ParseError whose Err wraps sentinel with a formatted reason.
func errAt(where string, sentinel error, format string, args ...any) error {
	return &ParseError{Where: where, Err: fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...))}
}
