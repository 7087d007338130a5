package syntax

import (
	"cmp"
	"slices"
	"time"
)

// Point is a 0-based row and byte column.
type Point struct{ Row, Col uint32 }

// Edit describes one replaced byte range for an incremental parse, in the
// coordinates of the document before the edit. The layout matches
// tree-sitter's TSInputEdit; do not reorder.
type Edit struct {
	StartByte, OldEndByte, NewEndByte    uint32
	StartPoint, OldEndPoint, NewEndPoint Point
}

// Limits bound the work of one parse.
type Limits struct {
	Timeout  time.Duration // per parse; 0 means none
	MaxNodes int           // per tree; 0 means none
}

// RowRange is an inclusive range of 0-based rows. Its layout is two
// uint32s, as the C side reads it; do not reorder.
type RowRange struct{ Lo, Hi uint32 }

// CollapseMin is the fewest descendants a subtree needs to be collapsed.
// Small subtrees are always copied: they are cheap and keep names, access
// specifiers and export lists readable everywhere.
const CollapseMin = 64

// Pair is the input of [Parser.ParsePair].
type Pair struct {
	Old, New []byte
	// Edits say how Old becomes New; without them New is parsed in full.
	Edits []Edit
	// Focus turns on lazy copying: a subtree that meets none of its side's
	// focus rows and has more than CollapseMin descendants is copied as one
	// node flagged FlagCollapsed. Rows outside every hunk are the same text
	// on both sides, so such nodes compare by their text.
	Focus              bool
	FocusOld, FocusNew []RowRange
}

// mergeRanges sorts ranges and merges overlapping or adjacent ones.
func mergeRanges(rs []RowRange) []RowRange {
	out := slices.Clone(rs)
	slices.SortFunc(out, func(a, b RowRange) int { return cmp.Compare(a.Lo, b.Lo) })
	merged := out[:0]
	for _, r := range out {
		if r.Hi < r.Lo {
			continue
		}
		if n := len(merged); n > 0 && r.Lo <= merged[n-1].Hi+1 {
			merged[n-1].Hi = max(merged[n-1].Hi, r.Hi)
			continue
		}
		merged = append(merged, r)
	}
	return merged
}
