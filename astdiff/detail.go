package astdiff

import (
	"fmt"
	"strings"
)

// nodeWord names a node in a detail: its kind, or a token's quoted text.
func nodeWord(v *view, c int32) string {
	if v.node(c).Named() {
		return v.kindName(c)
	}
	return fmt.Sprintf("%q", v.text(c))
}

func listKinds(k []string) string {
	if len(k) > 4 {
		return strings.Join(k[:4], ", ") + fmt.Sprintf(" and %d more", len(k)-4)
	}
	return strings.Join(k, ", ")
}

// leafDetail describes a changed leaf or atom: its text before and after
// when short.
func leafDetail(o, n *view, a, b int32) string {
	at, bt := squash(o.text(a)), squash(n.text(b))
	if len(at) <= 40 && len(bt) <= 40 && at != bt {
		return fmt.Sprintf("%s %q → %q", n.kindName(b), at, bt)
	}
	return n.kindName(b) + " changed"
}

// renamedIdents lists the identifier pairs that differ between two subtrees
// of equal shape, restricted to the hunk's rows.
func (h *hunkRun) renamedIdents(a, b int32) string {
	o, n := h.fc.old, h.fc.new
	seen := map[string]bool{}
	var out []string
	var walk func(a, b int32)
	walk = func(a, b int32) {
		if o.shape[a] != n.shape[b] || o.code[a] == n.code[b] || len(out) > 3 {
			return
		}
		if o.node(a).FirstChild < 0 || n.node(b).FirstChild < 0 {
			if o.tab.ident[o.node(a).Kind] && (h.ro.touches(o.node(a)) || h.rn.touches(n.node(b))) {
				s := o.text(a) + " → " + n.text(b)
				if !seen[s] {
					seen[s] = true
					out = append(out, s)
				}
			}
			return
		}
		ka, kb := o.kids(a), n.kids(b)
		var ca, cb []int32
		for _, c := range ka {
			if !o.isComment[c] {
				ca = append(ca, c)
			}
		}
		for _, c := range kb {
			if !n.isComment[c] {
				cb = append(cb, c)
			}
		}
		if len(ca) != len(cb) {
			return
		}
		for i := range ca {
			walk(ca[i], cb[i])
		}
	}
	walk(a, b)
	if len(out) > 3 {
		out = append(out[:3], "…")
	}
	return strings.Join(out, ", ")
}

// wrapDetail describes a node that became part of a larger one
// (`a == 0` → `a == 0 || b`), or the reverse; "" otherwise. Only small
// nodes are tried: wrapping is an expression-level edit.
func wrapDetail(o, n *view, a, b int32) string {
	rest := func(v, w *view, outer, inner int32) ([]string, bool) {
		var others []string
		found := false
		k := 0
		for c := v.node(outer).FirstChild; c >= 0; c = v.node(c).Next {
			if v.skip(c) {
				continue
			}
			if k++; k > maxWrapKids {
				return nil, false
			}
			if !found && v.code[c] == w.code[inner] {
				found = true
				continue
			}
			others = append(others, nodeWord(v, c))
		}
		return others, found
	}
	if others, ok := rest(n, o, b, a); ok {
		return fmt.Sprintf("wrapped in %s with %s", n.kindName(b), listKinds(others))
	}
	if others, ok := rest(o, n, a, b); ok {
		return fmt.Sprintf("unwrapped from %s, dropping %s", o.kindName(a), listKinds(others))
	}
	return ""
}
