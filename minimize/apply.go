package minimize

import (
	"bytes"
	"fmt"
	"sort"
)

// Hunk is one `git diff -U0` hunk of a file: old lines
// [OldStart, OldStart+OldLines) become new lines [NewStart,
// NewStart+NewLines), 1-based; a hunk with no old lines inserts after old
// line OldStart (0: at the top), one with no new lines deletes.
type Hunk struct {
	OldStart, OldLines, NewStart, NewLines int
}

// Apply returns old with the hunks for which keep is true applied, the
// new lines taken from new (the file at head). Applying every hunk gives
// new; applying none gives old. Line endings are kept as they are.
func Apply(old, new []byte, hunks []Hunk, keep []bool) ([]byte, error) {
	if len(keep) != len(hunks) {
		return nil, fmt.Errorf("apply: %d flags for %d hunks", len(keep), len(hunks))
	}
	ol, nl := lines(old), lines(new)
	order := make([]int, len(hunks))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return hunks[order[a]].OldStart < hunks[order[b]].OldStart })
	var out bytes.Buffer
	cursor := 0 // old lines [0, cursor) are written
	for _, i := range order {
		h := hunks[i]
		start := h.OldStart - 1 // 0-based first old line replaced
		if h.OldLines == 0 {
			start = h.OldStart // insert after old line OldStart
		}
		end := start + h.OldLines
		nstart := h.NewStart - 1
		if h.NewLines == 0 {
			nstart = h.NewStart
		}
		nend := nstart + h.NewLines
		if start < cursor || end > len(ol) || nstart < 0 || nend > len(nl) || start < 0 {
			return nil, fmt.Errorf("apply: hunk -%d,%d +%d,%d does not fit the file (%d old, %d new lines)",
				h.OldStart, h.OldLines, h.NewStart, h.NewLines, len(ol), len(nl))
		}
		for _, l := range ol[cursor:start] {
			out.Write(l)
		}
		cursor = start
		if !keep[i] {
			continue
		}
		for _, l := range nl[nstart:nend] {
			out.Write(l)
		}
		cursor = end
	}
	for _, l := range ol[cursor:] {
		out.Write(l)
	}
	return out.Bytes(), nil
}

// lines splits b after each newline; a last line without one is kept.
func lines(b []byte) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			out = append(out, b)
			break
		}
		out = append(out, b[:i+1])
		b = b[i+1:]
	}
	return out
}
