package astdiff

import (
	"strings"
)

// segment is one step of a path; transparent ones are left out when
// rendering unless they are last. Paths are linked from the leaf up, so a
// deep descent does not copy them.
type segment struct {
	text        string
	transparent bool
	parent      *segment
	depth       int
}

// frame is the state of the descent at one node pair.
type frame struct {
	path         *segment
	oItem, oDecl int32 // innermost declaration on the old side (item holds it), -1 if none
	nItem, nDecl int32
	inFunc       bool
	moved        bool
	all          bool // a moved declaration: all of it is in the hunk
}

func (f frame) with(s segment) frame {
	s.parent = f.path
	if f.path != nil {
		s.depth = f.path.depth + 1
	}
	f.path = &s
	return f
}

func renderPath(p *segment) string {
	var parts []string
	for s := p; s != nil; s = s.parent {
		if s.transparent && s != p {
			continue
		}
		parts = append(parts, s.text)
	}
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	if len(parts) > maxPathSegments {
		parts = append(append(parts[:4:4], "…"), parts[len(parts)-maxPathSegments+5:]...)
	}
	return strings.Join(parts, " › ")
}

// step names the path segment of new node c: its field, else its kind.
// Groups and unnamed lists (statement_list, expression_list) are
// transparent: left out of the rendered path unless last.
func (fc *fileClassifier) step(c int32) segment {
	v := fc.new
	field := v.t.FieldName(c)
	text := field
	if text == "" {
		text = v.kindName(c)
	}
	if v.isComment[c] && !v.tab.comment[v.node(c).Kind] {
		text = "docstring"
	}
	transparent := v.tab.group[v.node(c).Kind] || (field == "" && strings.HasSuffix(text, "_list"))
	if p := v.node(c).Parent; p >= 0 && v.tab.container[v.node(p).Kind] && v.bodyOf(p) == c {
		transparent = true // "class Shape › method area", not "class Shape › body › method area"
	}
	return segment{text: text, transparent: transparent}
}

// firstName is the display name of declaration d.
func firstName(v *view, d int32) string {
	name, _ := v.tab.sp.ident(v, d)
	return name
}
