package junit

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// charsetReader lets the decoder read the few non-UTF-8 encodings a JUnit
// writer may declare: ASCII (a subset of UTF-8) and Latin-1.
func charsetReader(charset string, input io.Reader) (io.Reader, error) {
	switch strings.ToLower(charset) {
	case "us-ascii", "ascii":
		return input, nil
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1":
		return &latin1Reader{r: input}, nil
	}
	return nil, fmt.Errorf("unsupported encoding %q: write the report in UTF-8", charset)
}

// latin1Reader turns Latin-1 bytes into UTF-8.
type latin1Reader struct {
	r       io.Reader
	buf     [4096]byte
	pending []byte // encoded bytes that did not fit the caller's buffer
	err     error  // the error of r, held back until pending is read
}

func (l *latin1Reader) Read(p []byte) (int, error) {
	if len(l.pending) > 0 {
		n := copy(p, l.pending)
		l.pending = l.pending[n:]
		if len(l.pending) == 0 {
			return n, l.err
		}
		return n, nil
	}
	if l.err != nil {
		return 0, l.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	// Each input byte takes at most two bytes of output.
	in := l.buf[:max(1, min(len(p)/2, len(l.buf)))]
	n, err := l.r.Read(in)
	out := p[:0]
	for i, b := range in[:n] {
		if len(out)+utf8.RuneLen(rune(b)) > len(p) {
			for _, c := range in[i:n] {
				l.pending = utf8.AppendRune(l.pending, rune(c))
			}
			l.err = err
			return len(out), nil
		}
		out = utf8.AppendRune(out, rune(b))
	}
	return len(out), err
}
