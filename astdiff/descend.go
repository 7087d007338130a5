package astdiff

import (
	"fmt"
	"strings"

	"github.com/git-proof/git-proof/astdiff/syntax"
)

// visit compares old node a with new node b inside the hunk's rows.
func (h *hunkRun) visit(a, b int32, f frame) {
	o, n := h.fc.old, h.fc.new
	switch {
	case o.full[a] == n.full[b]:
		return
	case o.isComment[a] && n.isComment[b]:
		h.add(CommentOnly, f, "comment changed")
		return
	case o.node(a).Kind != n.node(b).Kind:
		h.add(CodeChange, f, o.kindName(a)+" replaced by "+n.kindName(b))
		return
	case o.tab.imp[o.node(a).Kind]:
		h.imports = true
		h.add(ImportChange, f, "")
		return
	case o.tab.atom[o.node(a).Kind]:
		h.add(CodeChange, f, leafDetail(o, n, a, b))
		return
	}
	if f.path != nil && f.path.depth >= maxDepth {
		h.add(CodeChange, f, "changed (nesting too deep to follow)")
		return
	}
	if d := wrapDetail(o, n, a, b); d != "" {
		h.add(CodeChange, f, d)
		return
	}
	al := h.fc.align(a, b, f.inFunc)
	found := false
	for _, p := range al.pairs {
		if p.how == byHash {
			h.movedEqual(p, f)
			continue
		}
		if !(f.all || h.ro.touches(o.node(p.o)) || h.rn.touches(n.node(p.n))) {
			continue
		}
		found = true
		h.visitPair(p, f)
		if h.lineLevel != "" {
			return
		}
	}
	var lo, ln []int32
	for _, c := range al.lonelyO {
		if f.all || h.ro.touches(o.node(c)) {
			lo = append(lo, c)
		}
	}
	for _, c := range al.lonelyN {
		if f.all || h.rn.touches(n.node(c)) {
			ln = append(ln, c)
		}
	}
	if len(lo)+len(ln) > 0 {
		h.lonely(lo, ln, f)
		return
	}
	if !found && ((o.node(a).FirstChild < 0 && n.node(b).FirstChild < 0) || o.gap[a] != n.gap[b] || o.tab.atom[o.node(a).Kind]) {
		h.add(CodeChange, f, leafDetail(o, n, a, b))
	}
}

// visitPair descends into one paired child.
func (h *hunkRun) visitPair(p pair, f frame) {
	o, n := h.fc.old, h.fc.new
	if p.o == f.oDecl && p.n == f.nDecl { // the declaration inside its wrapper
		h.visit(p.o, p.n, f)
		return
	}
	do, dn := o.declOf(p.o, f.inFunc), n.declOf(p.n, f.inFunc)
	if do < 0 || dn < 0 {
		nf := f.with(h.fc.step(p.n))
		if p.moved && p.how == byKind && o.full[p.o] == n.full[p.n] {
			h.add(CodeChange, nf, "moved "+n.kindName(p.n))
			return
		}
		h.visit(p.o, p.n, nf)
		return
	}
	nf := f.with(segment{text: n.labelOf(dn) + " " + firstName(n, dn)})
	nf.oItem, nf.oDecl, nf.nItem, nf.nDecl = p.o, do, p.n, dn
	nf.moved = nf.moved || p.moved
	nf.all = nf.all || (p.moved && !(h.ro.touches(o.node(p.o)) && h.rn.touches(n.node(p.n))))
	if o.node(do).HasError() || n.node(dn).HasError() {
		h.lineLevel = "parse error in " + nf.path.text
		return
	}
	switch {
	case p.how == byRename:
		detail := o.labelOf(do) + " " + firstName(o, do) + " → " + firstName(n, dn)
		if bo, bn := o.bodyOf(do), n.bodyOf(dn); bo < 0 || bn < 0 || o.code[bo] != n.code[bn] {
			if o.shape[p.o] != n.shape[p.n] {
				detail += ", content changed"
			}
		}
		h.add(DeclRenamed, nf, detail)
		return
	case o.full[p.o] == n.full[p.n]:
		h.add(FormattingOnly, nf, "moved, unchanged")
		return
	case o.code[p.o] != n.code[p.n] && o.shape[p.o] == n.shape[p.n] && !o.tab.container[o.node(do).Kind]:
		if d := h.renamedIdents(p.o, p.n); d != "" {
			h.add(CodeChange, nf, "identifiers renamed: "+d)
			return
		}
	}
	if o.tab.fn[o.node(do).Kind] {
		nf.inFunc = true
	}
	if (do != p.o || dn != p.n) && o.node(p.o).Kind != n.node(p.n).Kind {
		// A wrapper came or went (export, decorators, template): say so,
		// then compare the declarations themselves.
		if d := wrapDetail(o, n, p.o, p.n); d != "" {
			h.add(CodeChange, nf, d)
			return
		}
		if h.wrapperTouched(o, p.o, do, h.ro) || h.wrapperTouched(n, p.n, dn, h.rn) {
			switch {
			case p.o == do:
				h.add(CodeChange, nf, n.kindName(p.n)+" added")
			case p.n == dn:
				h.add(CodeChange, nf, o.kindName(p.o)+" removed")
			default:
				h.add(CodeChange, nf, o.kindName(p.o)+" replaced by "+n.kindName(p.n))
			}
		}
		h.visit(do, dn, nf)
		return
	}
	h.visit(p.o, p.n, nf)
}

// movedEqual reports an unchanged declaration that the hunk removes (or
// inserts) whole while the other side keeps it elsewhere: the equal-subtree
// alignment matched it across the move.
func (h *hunkRun) movedEqual(p pair, f frame) {
	o, n := h.fc.old, h.fc.new
	in := func(r region, nd *syntax.Node) bool {
		return !r.gap && int32(nd.StartRow) >= r.lo && int32(nd.EndRow) <= r.hi
	}
	no, nn := o.node(p.o), n.node(p.n)
	if !(in(h.ro, no) && !h.rn.touches(nn)) && !(in(h.rn, nn) && !h.ro.touches(no)) {
		return // not removed or inserted whole by this hunk
	}
	if d := n.declOf(p.n, f.inFunc); d >= 0 {
		nf := f.with(segment{text: n.labelOf(d) + " " + firstName(n, d)})
		nf.oItem, nf.oDecl, nf.nItem, nf.nDecl = p.o, o.declOf(p.o, f.inFunc), p.n, d
		h.add(FormattingOnly, nf, "moved, unchanged")
	}
}

// wrapperTouched reports whether wrapper w (around declaration d) has a
// part other than d in the hunk's rows, such as a decorator.
func (h *hunkRun) wrapperTouched(v *view, w, d int32, r region) bool {
	if w == d {
		return false
	}
	for c := v.node(w).FirstChild; c >= 0; c = v.node(c).Next {
		if c != d && !v.skip(c) && r.touches(v.node(c)) {
			return true
		}
	}
	return false
}

// lonely reports children with no partner inside the hunk's rows.
func (h *hunkRun) lonely(lo, ln []int32, f frame) {
	o, n := h.fc.old, h.fc.new
	var added, removed []string
	var side func(v *view, items []int32, old bool, out *[]string)
	side = func(v *view, items []int32, old bool, out *[]string) {
		for _, c := range items {
			nd := v.node(c)
			switch {
			case nd.IsError():
				h.lineLevel = fmt.Sprintf("parse error at %d:%d", nd.StartRow+1, nd.StartCol+1)
				return
			case v.isComment[c]:
				if old {
					h.add(CommentOnly, f, "comment removed")
				} else {
					h.add(CommentOnly, f, "comment added")
				}
			case v.tab.imp[nd.Kind]:
				h.imports = true
				h.add(ImportChange, f, "")
			case v.tab.group[nd.Kind]:
				var named []int32
				for _, k := range v.kids(c) {
					if v.node(k).Named() {
						named = append(named, k)
					}
				}
				side(v, named, old, out)
			default:
				d := v.declOf(c, f.inFunc)
				if d < 0 {
					*out = append(*out, nodeWord(v, c))
					continue
				}
				if nd.HasError() {
					h.lineLevel = "parse error in " + v.labelOf(d) + " " + firstName(v, d)
					return
				}
				nf := f.with(segment{text: v.labelOf(d) + " " + firstName(v, d)})
				if old {
					nf.oItem, nf.oDecl = c, d
					h.add(DeclRemoved, nf, "removed "+v.labelOf(d)+" "+firstName(v, d))
				} else {
					nf.nItem, nf.nDecl = c, d
					h.add(DeclAdded, nf, "added "+v.labelOf(d)+" "+firstName(v, d))
				}
			}
		}
	}
	side(o, lo, true, &removed)
	side(n, ln, false, &added)
	if len(added)+len(removed) == 0 {
		return
	}
	if len(added) == 1 && len(removed) == 1 {
		h.add(CodeChange, f, removed[0]+" replaced by "+added[0])
		return
	}
	var parts []string
	if len(added) > 0 {
		parts = append(parts, "added "+listKinds(added))
	}
	if len(removed) > 0 {
		parts = append(parts, "removed "+listKinds(removed))
	}
	h.add(CodeChange, f, strings.Join(parts, "; "))
}
