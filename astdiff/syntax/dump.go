package syntax

import (
	"fmt"
	"strings"
)

// Dump renders the subtree at i as an indented outline, one node a line:
// field, kind, rows and, for leaves, the text. It is meant for tests and
// debugging.
func (t *Tree) Dump(i int32) string {
	var b strings.Builder
	var walk func(i int32, depth int)
	walk = func(i int32, depth int) {
		n := &t.Nodes[i]
		b.WriteString(strings.Repeat("  ", depth))
		if f := t.FieldName(i); f != "" {
			b.WriteString(f + ": ")
		}
		k := t.KindName(i)
		if !n.Named() {
			k = fmt.Sprintf("%q", k)
		}
		fmt.Fprintf(&b, "%s [%d-%d]", k, n.StartRow, n.EndRow)
		if n.IsError() {
			b.WriteString(" !")
		}
		if n.FirstChild < 0 && n.Named() {
			fmt.Fprintf(&b, " %q", t.Text(i))
		}
		b.WriteByte('\n')
		for c := n.FirstChild; c >= 0; c = t.Nodes[c].Next {
			walk(c, depth+1)
		}
	}
	walk(i, 0)
	return b.String()
}
