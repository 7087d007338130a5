package astdiff

import "unicode"

// declOf returns the declaration that item i stands for, looking through
// wrappers (export, decorators, templates), or -1. Inside a function body
// (inFunc) local variable-like declarations do not count.
func (v *view) declOf(i int32, inFunc bool) int32 {
	for depth := 0; depth < 4; depth++ {
		k := v.node(i).Kind
		if v.tab.wrapper[k] {
			next := int32(-1)
			for c := v.node(i).FirstChild; c >= 0; c = v.node(c).Next {
				ck := v.node(c).Kind
				if v.node(c).Named() && !v.isComment[c] && (v.tab.declLabel[ck] != "" || v.tab.wrapper[ck]) {
					next = c
					break
				}
			}
			if next < 0 {
				return -1
			}
			i = next
			continue
		}
		if v.tab.declLabel[k] == "" || (inFunc && v.tab.topOnly[k]) {
			return -1
		}
		if f := v.tab.sp.isDecl; f != nil && !f(v, i) {
			return -1
		}
		return i
	}
	return -1
}

// labelOf returns the label word of declaration d.
func (v *view) labelOf(d int32) string {
	if f := v.tab.sp.label; f != nil {
		if s := f(v, d); s != "" {
			return s
		}
	}
	return v.tab.declLabel[v.node(d).Kind]
}

// keyOf returns the pairing key of declaration d: label and identity.
func (v *view) keyOf(d int32) string {
	_, key := v.tab.sp.ident(v, d)
	return v.labelOf(d) + " " + key
}

// declInfo describes declaration d; item is the node that holds it (d or
// its wrapper), whose lines are reported.
func (v *view) declInfo(item, d int32) *Decl {
	if d < 0 {
		return nil
	}
	name, _ := v.tab.sp.ident(v, d)
	n := v.node(item)
	return &Decl{Kind: v.labelOf(d), Name: name, Line: int(n.StartRow) + 1, EndLine: int(n.EndRow) + 1}
}

// bodyOf returns the body child of a function or container d, or -1.
func (v *view) bodyOf(d int32) int32 {
	for _, f := range v.tab.body {
		if c := v.t.ChildByField(d, f); c >= 0 {
			return c
		}
	}
	return -1
}

// nameText returns the text of d's "name" field, or "".
func (v *view) nameText(d int32) string {
	if c := v.field(d, "name"); c >= 0 {
		return v.text(c)
	}
	return ""
}

// nameIdent is the usual ident rule: the "name" field, as name and key.
func nameIdent(v *view, d int32) (string, string) {
	s := squash(v.nameText(d))
	return s, s
}

// upperFirst reports whether s starts with an upper-case letter.
func upperFirst(s string) bool {
	for _, r := range s {
		return unicode.IsUpper(r)
	}
	return false
}
