package tap

import (
	"fmt"
	"io"
)

// limitedReader reads at most n bytes from r and fails with ErrTooLarge if
// r holds more.
type limitedReader struct {
	r io.Reader
	n int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n < 0 {
		return 0, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, MaxReportBytes)
	}
	if int64(len(p)) > l.n+1 {
		p = p[:l.n+1] // one byte more than allowed tells "too large" from EOF
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	if l.n < 0 {
		return n - 1, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, MaxReportBytes)
	}
	return n, err
}
