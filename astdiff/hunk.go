package astdiff

import (
	"bytes"
	"errors"
	"fmt"
)

// Hunk is one change region in the numbers `git diff -U0` prints:
// "@@ -OldStart,OldLines +NewStart,NewLines @@". Lines are 1-based; a side
// with no lines names the line after which the other side's lines go (0 at
// the top of the file).
type Hunk struct {
	OldStart, OldLines int
	NewStart, NewLines int
}

// String renders the hunk as git does in its header, without the @@.
func (h Hunk) String() string {
	return fmt.Sprintf("-%d,%d +%d,%d", h.OldStart, h.OldLines, h.NewStart, h.NewLines)
}

// oldFrom returns the 0-based row where the old side of h starts; for an
// empty side it is the row after the insertion point.
func (h Hunk) oldFrom() int {
	if h.OldLines == 0 {
		return h.OldStart
	}
	return h.OldStart - 1
}

func (h Hunk) newFrom() int {
	if h.NewLines == 0 {
		return h.NewStart
	}
	return h.NewStart - 1
}

// ErrHunkMismatch means the hunks given do not turn the old content into the
// new one; the file is labelled line-level.
var ErrHunkMismatch = errors.New("hunks do not match the contents")

// lines indexes the starts of the lines of a file.
type lines struct {
	src   []byte
	start []int // start[i] is the offset of row i; len(start) == rows+1, last = len(src)
}

func splitLines(src []byte) lines {
	start := make([]int, 1, bytes.Count(src, []byte{'\n'})+2)
	for i, c := range src {
		if c == '\n' && i+1 < len(src) {
			start = append(start, i+1)
		}
	}
	if len(src) == 0 {
		start = start[:0]
	}
	return lines{src: src, start: append(start, len(src))}
}

// rows returns the number of lines.
func (l lines) rows() int { return len(l.start) - 1 }

// off returns the byte offset where row starts (len(src) past the end).
func (l lines) off(row int) int {
	if row >= len(l.start) {
		return len(l.src)
	}
	return l.start[row]
}

// span returns the bytes of rows [from, from+n).
func (l lines) span(from, n int) []byte { return l.src[l.off(from):l.off(from+n)] }

// checkHunks verifies that hunks are ordered, in range and turn old into new:
// every line outside them must be the same on both sides.
func checkHunks(old, new lines, hunks []Hunk) error {
	po, pn := 0, 0 // next unchecked row on each side
	for i, h := range hunks {
		if h.OldStart < 0 || h.OldLines < 0 || h.NewStart < 0 || h.NewLines < 0 ||
			(h.OldLines == 0 && h.NewLines == 0) {
			return fmt.Errorf("hunk %d (%s): %w", i+1, h, ErrHunkMismatch)
		}
		of, nf := h.oldFrom(), h.newFrom()
		if of < po || nf < pn || of+h.OldLines > old.rows() || nf+h.NewLines > new.rows() ||
			of-po != nf-pn || !bytes.Equal(old.span(po, of-po), new.span(pn, nf-pn)) {
			return fmt.Errorf("hunk %d (%s): %w", i+1, h, ErrHunkMismatch)
		}
		po, pn = of+h.OldLines, nf+h.NewLines
	}
	if old.rows()-po != new.rows()-pn || !bytes.Equal(old.span(po, old.rows()-po), new.span(pn, new.rows()-pn)) {
		return fmt.Errorf("after the last hunk: %w", ErrHunkMismatch)
	}
	return nil
}
