package coverage

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Limits on untrusted input: every report and diff this package reads comes
// from a check command or from git, and a hostile or broken one must cost a
// bounded amount of memory and time. They are kept together here so that a
// reviewer can see them at a glance.
const (
	// MaxInputBytes is the largest coverage report or diff read. A Go
	// profile of a very large monorepo is tens of MiB; LCOV about as much.
	MaxInputBytes = 256 << 20
	// MaxFiles is the most distinct files one report or diff may name.
	MaxFiles = 200_000
	// MaxLine is the largest line number accepted. No hand-written source
	// file comes near it; a larger number means a broken or hostile report.
	MaxLine = 10_000_000
	// maxColumn bounds the columns of Go profile blocks.
	maxColumn = 1 << 30
	// maxLineBytes is the longest single line accepted; a path is at most a
	// few KiB, so 1 MiB is generous.
	maxLineBytes = 1 << 20
	// maxOutside caps how many out-of-tree names a Profile remembers.
	maxOutside = 1000
)

// Errors. Each names what went wrong; the recovery follows in its comment.
var (
	// ErrMalformed: the input does not follow its format. Check that the
	// check's coverage file is the kind declared (Go coverprofile or LCOV)
	// and that the tool finished writing it; regenerate it.
	ErrMalformed = errors.New("malformed input")
	// ErrTooLarge: the input passes one of the limits above (bytes, files or
	// line numbers). Narrow the report to the project's own code.
	ErrTooLarge = errors.New("input too large")
	// ErrUnsupported: valid input of a kind this package does not read
	// (a combined diff of a merge). Diff the two trees with `git diff`.
	ErrUnsupported = errors.New("unsupported input")
)

// ParseError reports where a report or diff went wrong: the format, the
// 1-based line of the input (0 when the whole input is at fault) and the
// cause, which wraps one of ErrMalformed, ErrTooLarge or ErrUnsupported.
type ParseError struct {
	Format string // "coverprofile", "lcov" or "diff"
	Line   int
	Err    error
}

// Error says "format: line N: cause".
func (e *ParseError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %v", e.Format, e.Err)
	}
	return fmt.Sprintf("%s: line %d: %v", e.Format, e.Line, e.Err)
}

// Unwrap returns the cause, for errors.Is with the sentinels.
func (e *ParseError) Unwrap() error { return e.Err }

// errAt builds a ParseError whose cause wraps kind with a message.
func errAt(format string, line int, kind error, msg string, args ...any) error {
	return &ParseError{Format: format, Line: line, Err: fmt.Errorf("%s: %w", fmt.Sprintf(msg, args...), kind)}
}

// limitedReader reads at most MaxInputBytes and says so when r holds more.
type limitedReader struct {
	r        io.Reader
	n        int64 // bytes left
	exceeded bool
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		// One byte more tells a file of exactly the limit from a larger one.
		var b [1]byte
		n, err := l.r.Read(b[:])
		if n > 0 {
			l.exceeded = true
			return 0, ErrTooLarge
		}
		return 0, err
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

// lineScanner reads an input line by line under the limits, counting lines
// for error messages.
type lineScanner struct {
	format string
	s      *bufio.Scanner
	n      int // number of the line last returned, 1-based
}

// newLineScanner reads r, refusing more than maxBytes (MaxInputBytes but in
// tests).
func newLineScanner(r io.Reader, format string, maxBytes int64) *lineScanner {
	lr := &limitedReader{r: r, n: maxBytes}
	s := bufio.NewScanner(lr)
	s.Buffer(make([]byte, 0, 64<<10), maxLineBytes)
	s.Split(func(data []byte, atEOF bool) (int, []byte, error) {
		if atEOF && lr.exceeded {
			// Do not hand out the cut-off last line as if it were whole.
			return 0, nil, fmt.Errorf("more than %d bytes: %w", maxBytes, ErrTooLarge)
		}
		return bufio.ScanLines(data, atEOF)
	})
	return &lineScanner{format: format, s: s}
}

// next returns the next line without its line ending ("\n" or "\r\n").
// The slice is valid until the following call.
func (ls *lineScanner) next() ([]byte, bool) {
	if !ls.s.Scan() {
		return nil, false
	}
	ls.n++
	return bytes.TrimSuffix(ls.s.Bytes(), []byte("\r")), true
}

// err is the read error, if any, as a ParseError.
func (ls *lineScanner) err() error {
	err := ls.s.Err()
	switch {
	case err == nil:
		return nil
	case errors.Is(err, bufio.ErrTooLong):
		return errAt(ls.format, ls.n+1, ErrTooLarge, "line longer than %d bytes", maxLineBytes)
	case errors.Is(err, ErrTooLarge):
		return &ParseError{Format: ls.format, Err: err}
	default:
		return &ParseError{Format: ls.format, Line: ls.n, Err: fmt.Errorf("read: %w", err)}
	}
}
