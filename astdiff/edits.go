package astdiff

import (
	"bytes"
	"sort"

	"github.com/git-proof/git-proof/astdiff/syntax"
)

// editsFor turns checked hunks into tree-sitter edits, last hunk first, so
// that each edit is in the old file's coordinates.
func editsFor(old, new lines, hunks []Hunk) []syntax.Edit {
	edits := make([]syntax.Edit, 0, len(hunks))
	for i := len(hunks) - 1; i >= 0; i-- {
		h := hunks[i]
		of, nf := h.oldFrom(), h.newFrom()
		start, oldEnd := old.off(of), old.off(of+h.OldLines)
		ins := new.span(nf, h.NewLines)
		sp := old.point(start)
		np := sp
		if rows := bytes.Count(ins, []byte{'\n'}); rows == 0 {
			np.Col += uint32(len(ins))
		} else {
			np = syntax.Point{Row: sp.Row + uint32(rows), Col: uint32(len(ins) - bytes.LastIndexByte(ins, '\n') - 1)}
		}
		edits = append(edits, syntax.Edit{
			StartByte: uint32(start), OldEndByte: uint32(oldEnd), NewEndByte: uint32(start + len(ins)),
			StartPoint: sp, OldEndPoint: old.point(oldEnd), NewEndPoint: np,
		})
	}
	return edits
}

// point returns the row and column of byte offset off.
func (l lines) point(off int) syntax.Point {
	if off == len(l.src) && off > 0 && l.src[off-1] == '\n' {
		return syntax.Point{Row: uint32(l.rows())}
	}
	r := sort.Search(len(l.start)-1, func(i int) bool { return l.start[i] > off }) - 1
	r = max(r, 0)
	return syntax.Point{Row: uint32(r), Col: uint32(off - l.start[r])}
}

// focusRows returns the rows of each side that the classification looks
// at: every hunk's rows and the row either side (parse errors are looked for
// there too). For a side with no lines these are the two rows around the
// gap, which are the very lines around the other side's rows: the focus is
// the same text on both sides, so the same subtrees are collapsed.
func focusRows(hunks []Hunk) (old, new []syntax.RowRange) {
	side := func(r region) syntax.RowRange {
		lo, hi := r.lo-1, r.hi+1
		if r.gap {
			lo, hi = r.lo-1, r.lo
		}
		return syntax.RowRange{Lo: uint32(max(lo, 0)), Hi: uint32(max(hi, 0))}
	}
	for _, h := range hunks {
		old = append(old, side(oldRegion(h)))
		new = append(new, side(newRegion(h)))
	}
	return old, new
}
