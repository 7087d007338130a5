package syntax

import "time"

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
