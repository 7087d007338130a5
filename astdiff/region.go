package astdiff

import "github.com/git-proof/git-proof/astdiff/syntax"

// region is the rows one side of a hunk covers. A side with no lines is a
// gap between rows lo-1 and lo.
type region struct {
	lo, hi int32 // 0-based rows, inclusive
	gap    bool
}

func oldRegion(h Hunk) region { return sideRegion(h.OldStart, h.OldLines) }
func newRegion(h Hunk) region { return sideRegion(h.NewStart, h.NewLines) }

func sideRegion(start, n int) region {
	if n == 0 {
		return region{lo: int32(start), hi: int32(start) - 1, gap: true}
	}
	return region{lo: int32(start - 1), hi: int32(start - 1 + n - 1)}
}

// touches reports whether node n covers a row of r, or for a gap, spans it.
func (r region) touches(n *syntax.Node) bool {
	if r.gap {
		return int32(n.StartRow) < r.lo && int32(n.EndRow) >= r.lo
	}
	return int32(n.StartRow) <= r.hi && int32(n.EndRow) >= r.lo
}

// near reports whether n is on a row of r or next to it (for parse errors,
// which tree-sitter may place a line off).
func (r region) near(n *syntax.Node) bool {
	lo, hi := r.lo-1, r.hi+1
	if r.gap {
		lo, hi = r.lo-1, r.lo
	}
	return int32(n.StartRow) <= hi && int32(n.EndRow) >= lo
}
