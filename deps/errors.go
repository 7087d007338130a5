package deps

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

var (
	// ErrTooLarge: a file is larger than MaxFileSize, or a field longer than
	// MaxFieldLength. Recover by treating the file's dependencies as unknown.
	ErrTooLarge = errors.New("too large")

	// ErrTooMany: more than MaxFiles files or MaxDependencies dependencies.
	// Recover by treating the delta as incomplete.
	ErrTooMany = errors.New("too many entries")

	// ErrTooDeep: requirements includes nest deeper than MaxIncludeDepth, or
	// a lock file's tree deeper than MaxNesting. The part beyond is skipped.
	ErrTooDeep = errors.New("nested too deep")

	// ErrSyntax: a file is not well-formed for its format (bad JSON, TOML,
	// go.mod or PEP 508). Fix the file; its dependencies are left out.
	ErrSyntax = errors.New("syntax error")

	// ErrInvalid: a file is well-formed but an entry is not what its format
	// allows (a dependency given as a number, a name with spaces). The entry
	// is left out; the rest of the file counts.
	ErrInvalid = errors.New("invalid entry")
)

// ParseError says which file, and where known which line, could not be used.
// Err wraps one of the package's sentinels and, where there is one, the
// underlying parser's error.
type ParseError struct {
	File string // repo-relative slash path
	Line int    // 1-based; 0 when the format or library does not tell
	Err  error
}

// Error is "file:line: message", or "file: message" when the line is unknown.
func (e *ParseError) Error() string {
	if e.Line > 0 {
		return e.File + ":" + strconv.Itoa(e.Line) + ": " + e.Err.Error()
	}
	return e.File + ": " + e.Err.Error()
}

// Unwrap gives Err, for errors.Is with the sentinels.
func (e *ParseError) Unwrap() error { return e.Err }

// errAt builds a ParseError for file at line whose message wraps kind.
func errAt(file string, line int, kind error, format string, args ...any) *ParseError {
	return errWrap(file, line, kind, fmt.Errorf(format, args...))
}

// errWrap builds a ParseError that wraps both kind and the library error
// cause, so errors.Is finds the sentinel and errors.As the library's type.
func errWrap(file string, line int, kind, cause error) *ParseError {
	return &ParseError{File: file, Line: line, Err: fmt.Errorf("%w: %w", kind, clipped{cause})}
}

// clipped shortens an error's message to MaxMessageLength: messages quote
// the input, and the input is untrusted and may be huge.
type clipped struct{ err error }

func (c clipped) Error() string {
	s := c.err.Error()
	if len(s) <= MaxMessageLength {
		return s
	}
	return strings.ToValidUTF8(s[:MaxMessageLength], "") + "…"
}

func (c clipped) Unwrap() error { return c.err }
