package astdiff

import (
	"fmt"
	"sort"
	"strings"

	"github.com/git-proof/git-proof/astdiff/syntax"
)

// fileClassifier labels the hunks of one file from its two views. It caches
// alignments across hunks and is used by one goroutine.
type fileClassifier struct {
	old, new *view
	aligns   map[[2]int32]*alignment
	unitsO   map[uint64]string // import units of each whole file, lazily
	unitsN   map[uint64]string
}

func newFileClassifier(old, new *view) *fileClassifier {
	return &fileClassifier{old: old, new: new, aligns: map[[2]int32]*alignment{}}
}

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

// hunkRun collects the changes of one hunk.
type hunkRun struct {
	fc        *fileClassifier
	ro, rn    region
	changes   []Change
	lineLevel string
	imports   bool // an import change was seen; detail filled at the end
}

func (h *hunkRun) add(c Class, f frame, detail string) {
	if f.moved && detail != "" && !strings.Contains(detail, "moved") {
		detail += " (moved)"
	}
	if len(h.changes) >= maxChanges {
		return
	}
	h.changes = append(h.changes, Change{
		Class: c, Path: renderPath(f.path), Detail: detail,
		Old: h.fc.old.declInfo(f.oItem, f.oDecl), New: h.fc.new.declInfo(f.nItem, f.nDecl),
	})
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

// classify labels one hunk.
func (fc *fileClassifier) classify(hk Hunk) HunkResult {
	h := &hunkRun{fc: fc, ro: oldRegion(hk), rn: newRegion(hk)}
	res := HunkResult{Hunk: hk}
	if where := fc.errorNear(h); where != "" {
		return lineLevel(res, "parse error at "+where)
	}
	root := frame{oItem: -1, oDecl: -1, nItem: -1, nDecl: -1}
	h.visit(0, 0, root)
	if h.lineLevel != "" {
		return lineLevel(res, h.lineLevel)
	}
	if h.imports {
		detail := fc.importDetail(h)
		for i := range h.changes {
			if h.changes[i].Class == ImportChange {
				h.changes[i].Detail = detail
			}
		}
	}
	if len(h.changes) == 0 {
		detail := "layout only"
		if !fc.anyTouch(h) {
			detail = "blank lines"
		}
		h.changes = []Change{{Class: FormattingOnly, Detail: detail}}
	}
	best := 0
	for i, c := range h.changes {
		if c.Class.rank() > h.changes[best].Class.rank() {
			best = i
		}
	}
	p := h.changes[best]
	res.Class, res.Essential, res.Path, res.Old, res.New = p.Class, p.Class.Essential(), p.Path, p.Old, p.New
	res.Changes = append([]Change{p}, append(h.changes[:best:best], h.changes[best+1:]...)...)
	res.Degraded = fc.old.t.Errors > 0 || fc.new.t.Errors > 0
	return res
}

func lineLevel(res HunkResult, reason string) HunkResult {
	res.Class, res.Essential, res.Reason = LineLevel, true, reason
	res.Changes = []Change{{Class: LineLevel, Detail: reason}}
	return res
}

// errorNear returns where a parse error lies on or next to the hunk's rows.
func (fc *fileClassifier) errorNear(h *hunkRun) string {
	for _, s := range []struct {
		name string
		v    *view
		r    region
	}{{"old", fc.old, h.ro}, {"new", fc.new, h.rn}} {
		for _, i := range s.v.errs {
			n := s.v.node(i)
			if s.r.near(n) {
				return fmt.Sprintf("%s %d:%d", s.name, n.StartRow+1, n.StartCol+1)
			}
		}
	}
	return ""
}

// anyTouch reports whether any top-level item touches the hunk.
func (fc *fileClassifier) anyTouch(h *hunkRun) bool {
	for c := fc.old.node(0).FirstChild; c >= 0; c = fc.old.node(c).Next {
		if h.ro.touches(fc.old.node(c)) {
			return true
		}
	}
	for c := fc.new.node(0).FirstChild; c >= 0; c = fc.new.node(c).Next {
		if h.rn.touches(fc.new.node(c)) {
			return true
		}
	}
	return false
}

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

// firstName is the display name of declaration d.
func firstName(v *view, d int32) string {
	name, _ := v.tab.sp.ident(v, d)
	return name
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

// importDetail lists the import units added and removed within the hunk.
func (fc *fileClassifier) importDetail(h *hunkRun) string {
	if fc.unitsO == nil {
		fc.unitsO, fc.unitsN = fc.old.importUnits(region{}, false), fc.new.importUnits(region{}, false)
	}
	var added, removed []string
	for k, s := range fc.new.importUnits(h.rn, true) {
		if _, ok := fc.unitsO[k]; !ok {
			added = append(added, s)
		}
	}
	for k, s := range fc.old.importUnits(h.ro, true) {
		if _, ok := fc.unitsN[k]; !ok {
			removed = append(removed, s)
		}
	}
	sort.Strings(added)
	sort.Strings(removed)
	var parts []string
	if len(added) > 0 {
		parts = append(parts, "import added: "+listKinds(added))
	}
	if len(removed) > 0 {
		parts = append(parts, "import removed: "+listKinds(removed))
	}
	if len(parts) == 0 {
		return "imports regrouped"
	}
	return strings.Join(parts, "; ")
}

// importUnits returns the import units of the file (or only those touching
// r), by code hash.
func (v *view) importUnits(r region, only bool) map[uint64]string {
	out := map[uint64]string{}
	for i := int32(0); i < int32(len(v.t.Nodes)); i++ {
		if !v.tab.imp[v.node(i).Kind] {
			continue
		}
		end := v.t.End(i)
		found := false
		for j := i + 1; j < end; j++ {
			if v.tab.importUnit[v.node(j).Kind] {
				found = true
				if !only || r.touches(v.node(j)) {
					out[v.code[j]] = importText(v, j)
				}
			}
		}
		if !found && (!only || r.touches(v.node(i))) {
			out[v.code[i]] = importText(v, i)
		}
		i = end - 1
	}
	return out
}

// importText is an import unit as shown in a detail.
func importText(v *view, i int32) string {
	return clip(strings.TrimSuffix(squash(v.text(i)), ";"), 80)
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
