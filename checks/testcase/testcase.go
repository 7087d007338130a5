package testcase

import (
	"bufio"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Status is the outcome of one test case.
type Status string

// The statuses a case can have.
const (
	StatusPass Status = "pass"
	StatusFail Status = "fail"
	StatusSkip Status = "skip"
)

// Severity orders statuses from best to worst: pass 0, skip 1, fail 2.
func Severity(s Status) int {
	switch s {
	case StatusFail:
		return 2
	case StatusSkip:
		return 1
	}
	return 0
}

// Case is one test case of a report. What Duration and Message hold is
// each format's to say (see packages junit and tap).
type Case struct {
	// ID names the case, stably across runs and unique within a parser's
	// result.
	ID     string
	Status Status
	// Duration is the case's time as the report gives it; 0 when it does
	// not.
	Duration time.Duration
	// Message is for people, not for comparing runs.
	Message string
}

// Merge sorts cs by ID and keeps one case per ID: the one with the worst
// status (fail, then skip, then pass), ties broken by message and duration,
// so that the result does not depend on the order of the input.
func Merge(cs []Case) []Case {
	slices.SortFunc(cs, func(a, b Case) int {
		return cmp.Or(
			strings.Compare(a.ID, b.ID),
			Severity(b.Status)-Severity(a.Status),
			strings.Compare(a.Message, b.Message),
			cmp.Compare(a.Duration, b.Duration),
		)
	})
	return slices.CompactFunc(cs, func(a, b Case) bool { return a.ID == b.ID })
}

// CapID cuts an ID longer than limit bytes and ends it with a digest of the
// whole, so that two long IDs that share a prefix stay apart.
func CapID(id string, limit int) string {
	if len(id) <= limit {
		return id
	}
	sum := sha256.Sum256([]byte(id))
	suffix := "…" + hex.EncodeToString(sum[:8])
	return CutUTF8(id, limit-len(suffix)) + suffix
}

// CutUTF8 cuts s to at most n bytes without splitting a character.
func CutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// LimitReader reads at most n bytes from r and fails with tooLarge
// (wrapped, with the limit) when r holds more: unlike io.LimitReader, a
// report cut at the limit is an error, not a shorter report.
func LimitReader(r io.Reader, n int64, tooLarge error) io.Reader {
	return &limitedReader{r: r, n: n, limit: n, tooLarge: tooLarge}
}

type limitedReader struct {
	r        io.Reader
	n, limit int64
	tooLarge error
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n < 0 {
		return 0, fmt.Errorf("%w: more than %d bytes", l.tooLarge, l.limit)
	}
	if int64(len(p)) > l.n+1 {
		p = p[:l.n+1] // one byte more than allowed tells "too large" from EOF
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	if l.n < 0 {
		return n - 1, fmt.Errorf("%w: more than %d bytes", l.tooLarge, l.limit)
	}
	return n, err
}

// ReadError is a failure to read the input EachLine was given (a report
// over its size limit, for one), as opposed to an error of the callback.
type ReadError struct{ Err error }

func (e *ReadError) Error() string { return e.Err.Error() }
func (e *ReadError) Unwrap() error { return e.Err }

// EachLine calls fn with every line of r, its line ending included, up to
// EOF; a line longer than maxLine bytes comes as nil (dropped, but
// counted), and an empty tail after the last newline does not come at
// all. It stops at fn's first error and returns it; a read error comes as
// a *ReadError. Lines are read through a 64 KiB buffer and only a line
// longer than that is copied, so fn must not keep the slice.
func EachLine(r io.Reader, maxLine int, fn func(line []byte) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var long []byte   // a line longer than br's buffer, being assembled
	overlong := false // the current line passed maxLine and is dropped
	for {
		chunk, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			if !overlong && len(long)+len(chunk) <= maxLine {
				long = append(long, chunk...)
			} else {
				overlong, long = true, long[:0]
			}
			continue
		}
		line := chunk
		if len(long) > 0 || overlong {
			if !overlong && len(long)+len(chunk) <= maxLine {
				long = append(long, chunk...)
				line = long
			} else {
				line = nil
			}
		}
		if len(chunk) > 0 || len(long) > 0 || overlong {
			if ferr := fn(line); ferr != nil {
				return ferr
			}
		}
		long, overlong = long[:0], false
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return &ReadError{Err: err}
		}
	}
}
