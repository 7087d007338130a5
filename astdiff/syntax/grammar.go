package syntax

// Grammar holds the names of one grammar's node kinds and fields, read once
// from the tree-sitter language. It is immutable and safe to share.
type Grammar struct {
	Lang        Lang
	ABI         uint32
	kinds       []string
	named       []bool
	fields      []string
	byName      map[string][]uint16 // visible named kinds, all ids (aliases share a name)
	tokens      map[string][]uint16 // visible anonymous kinds
	fieldByName map[string]uint16
}

// NewGrammar builds a grammar from its kind and field tables: kinds[id] is
// the name of symbol id (the last one is ERROR, see [Grammar.ErrorKind]), named[id] whether it is named, visible[id] whether
// it can appear in a tree, and fields[id] the name of field id (fields[0]
// is unused). It is exported for tests that build trees by hand.
func NewGrammar(l Lang, abi uint32, kinds []string, named, visible []bool, fields []string) *Grammar {
	g := &Grammar{
		Lang: l, ABI: abi, kinds: kinds, named: named, fields: fields,
		byName: map[string][]uint16{}, tokens: map[string][]uint16{},
		fieldByName: map[string]uint16{},
	}
	for id, name := range kinds {
		if id >= len(visible) || !visible[id] {
			continue
		}
		if named[id] {
			g.byName[name] = append(g.byName[name], uint16(id))
		} else {
			g.tokens[name] = append(g.tokens[name], uint16(id))
		}
	}
	for id, name := range fields {
		if id > 0 && name != "" {
			g.fieldByName[name] = uint16(id)
		}
	}
	return g
}

// Kind returns the name of kind id, or "" when out of range.
func (g *Grammar) Kind(id uint16) string {
	if int(id) < len(g.kinds) {
		return g.kinds[id]
	}
	return ""
}

// Field returns the name of field id, or "" for 0 or out of range.
func (g *Grammar) Field(id uint16) string {
	if int(id) < len(g.fields) {
		return g.fields[id]
	}
	return ""
}

// ErrorKind returns the kind id given to ERROR nodes: the grammar's last
// kind, named "ERROR".
func (g *Grammar) ErrorKind() uint16 { return uint16(len(g.kinds) - 1) }

// KindCount returns the number of symbols in the grammar.
func (g *Grammar) KindCount() int { return len(g.kinds) }

// NamedKind returns every id of the visible named kind called name; more
// than one when the grammar aliases several symbols to one name.
func (g *Grammar) NamedKind(name string) []uint16 { return g.byName[name] }

// Token returns every id of the visible anonymous token called name.
func (g *Grammar) Token(name string) []uint16 { return g.tokens[name] }

// FieldID returns the id of the field called name, or 0.
func (g *Grammar) FieldID(name string) uint16 { return g.fieldByName[name] }

// IsNamed reports whether kind id is a named kind.
func (g *Grammar) IsNamed(id uint16) bool { return int(id) < len(g.named) && g.named[id] }
