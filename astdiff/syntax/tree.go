package syntax

// Node flags, as stored in [Node.Flags].
const (
	FlagNamed     uint16 = 1 << iota // a named node (not an anonymous token)
	FlagExtra                        // an extra (comment, line continuation)
	FlagError                        // an ERROR node
	FlagMissing                      // a MISSING node the parser inserted
	FlagHasError                     // the subtree holds an ERROR or MISSING node
	FlagCollapsed                    // copied without its descendants (see Pair.Focus)
)

// Node is one syntax node, copied out of a tree-sitter tree. Its index in
// [Tree.Nodes] is its pre-order position, so a parent always precedes its
// children. The layout matches the C struct that fills it; do not reorder.
type Node struct {
	Kind  uint16 // grammar symbol id; name via [Grammar.Kind]
	Field uint16 // field id in the parent, 0 if none; name via [Grammar.Field]
	Flags uint16
	pad   uint16

	Start, End uint32 // byte offsets in [Tree.Src]
	StartRow   uint32 // 0-based row of the first byte
	EndRow     uint32 // 0-based row of the last byte (StartRow when empty)
	StartCol   uint32 // byte column of the first byte

	Parent, FirstChild, Next int32 // node indices, -1 when absent
}

// Named reports whether the node is named (not an anonymous token).
func (n *Node) Named() bool { return n.Flags&FlagNamed != 0 }

// Extra reports whether the node is an extra, such as a comment.
func (n *Node) Extra() bool { return n.Flags&FlagExtra != 0 }

// IsError reports whether the node is an ERROR or a MISSING node.
func (n *Node) IsError() bool { return n.Flags&(FlagError|FlagMissing) != 0 }

// Collapsed reports whether the node was copied without its descendants.
func (n *Node) Collapsed() bool { return n.Flags&FlagCollapsed != 0 }

// HasError reports whether the subtree holds an ERROR or MISSING node.
func (n *Node) HasError() bool { return n.Flags&FlagHasError != 0 }

// Tree is a parsed file in Go memory. It is immutable once returned and safe
// for concurrent readers. Nodes[0] is the root.
type Tree struct {
	Lang    Lang
	Grammar *Grammar
	Src     []byte
	Nodes   []Node
	Errors  int // number of ERROR and MISSING nodes
}

// Root returns the index of the root node.
func (t *Tree) Root() int32 { return 0 }

// KindName returns the grammar name of node i's kind.
func (t *Tree) KindName(i int32) string { return t.Grammar.Kind(t.Nodes[i].Kind) }

// FieldName returns the field name of node i in its parent, or "".
func (t *Tree) FieldName(i int32) string { return t.Grammar.Field(t.Nodes[i].Field) }

// Text returns the source bytes of node i.
func (t *Tree) Text(i int32) []byte {
	n := &t.Nodes[i]
	return t.Src[n.Start:n.End]
}

// ChildByField returns the first child of i with the given field id, or -1.
func (t *Tree) ChildByField(i int32, field uint16) int32 {
	if field == 0 {
		return -1
	}
	for c := t.Nodes[i].FirstChild; c >= 0; c = t.Nodes[c].Next {
		if t.Nodes[c].Field == field {
			return c
		}
	}
	return -1
}

// ChildrenByField returns every child of i with the given field id.
func (t *Tree) ChildrenByField(i int32, field uint16) []int32 {
	var out []int32
	if field == 0 {
		return nil
	}
	for c := t.Nodes[i].FirstChild; c >= 0; c = t.Nodes[c].Next {
		if t.Nodes[c].Field == field {
			out = append(out, c)
		}
	}
	return out
}

// FirstNamedChild returns the first named child of i, or -1.
func (t *Tree) FirstNamedChild(i int32) int32 {
	for c := t.Nodes[i].FirstChild; c >= 0; c = t.Nodes[c].Next {
		if t.Nodes[c].Named() && !t.Nodes[c].Extra() {
			return c
		}
	}
	return -1
}

// End returns one past the last node index of the subtree rooted at i.
func (t *Tree) End(i int32) int32 {
	for ; i >= 0; i = t.Nodes[i].Parent {
		if t.Nodes[i].Next >= 0 {
			return t.Nodes[i].Next
		}
	}
	return int32(len(t.Nodes))
}
