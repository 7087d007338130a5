package astdiff

import (
	"bytes"
	"hash/maphash"
	"strings"

	"github.com/git-proof/git-proof/astdiff/syntax"
)

// view is one side of a file: its tree, the language table and the hashes of
// every node. It is built per call of Analyzer.File and used by that call's
// goroutine only (exportNames fills lazily).
type view struct {
	t   *syntax.Tree
	tab *table
	src []byte
	// isComment marks comments and docstrings.
	isComment []bool
	// full ignores layout; code also ignores comments; shape also ignores
	// identifier names; gap hashes the node's own non-blank text outside its
	// children (non-zero only for grammars that leave text uncovered).
	full, code, shape, gap []uint64

	errs        []int32         // ERROR and MISSING nodes
	path        string          // the file's path on this side
	exportNames map[string]bool // lazily: names in JS/TS export clauses
}

func newView(path string, t *syntax.Tree, tab *table, seed maphash.Seed) *view {
	n := len(t.Nodes)
	v := &view{t: t, tab: tab, src: t.Src, path: path,
		isComment: make([]bool, n),
		full:      make([]uint64, n), code: make([]uint64, n), shape: make([]uint64, n), gap: make([]uint64, n)}
	for i := range t.Nodes {
		if tab.comment[t.Nodes[i].Kind] {
			v.isComment[i] = true
		}
		if t.Nodes[i].IsError() {
			v.errs = append(v.errs, int32(i))
		}
	}
	if tab.sp.docstring != nil {
		for i := range t.Nodes {
			if !v.isComment[i] && tab.sp.docstring(v, int32(i)) {
				v.isComment[i] = true
			}
		}
	}
	v.hash(seed)
	return v
}

// skip reports whether child c is left out of hashes and alignments:
// trivia tokens and extras that are not comments (line continuations).
func (v *view) skip(c int32) bool {
	n := &v.t.Nodes[c]
	if v.isComment[c] {
		return false
	}
	if !n.Named() {
		return v.tab.trivia[n.Kind]
	}
	return n.Extra()
}

const (
	kFull  = 0x51ed270b27a3cd8f
	kCode  = 0x2c1b3c6d9a7e4f15
	kShape = 0x7f4a7c159e3779b9
)

// mix folds v into h; the order of calls matters.
func mix(h, v uint64) uint64 {
	h = (h ^ v) * 0x9e3779b97f4a7c15
	h ^= h >> 29
	h *= 0xbf58476d1ce4e5b9
	return h ^ h>>32
}

// hash fills the hashes bottom-up: children follow their parent in
// pre-order, so a reverse scan sees every child before its parent.
func (v *view) hash(seed maphash.Seed) {
	nodes := v.t.Nodes
	var mh maphash.Hash
	mh.SetSeed(seed)
	for i := len(nodes) - 1; i >= 0; i-- {
		n := &nodes[i]
		k := uint64(n.Kind) + 1
		text := v.src[n.Start:n.End]
		switch {
		case v.isComment[i]:
			v.full[i] = mix(mix(kFull, k), commentHash(&mh, text))
			v.code[i], v.shape[i] = kCode, kShape
		case n.FirstChild < 0 || v.tab.atom[n.Kind]:
			th := maphash.Bytes(seed, text)
			v.full[i] = mix(mix(kFull, k), th)
			v.code[i] = mix(mix(kCode, k), th)
			v.shape[i] = v.code[i]
			if v.tab.ident[n.Kind] {
				v.shape[i] = mix(kShape, k)
			}
		default:
			f, c, s := mix(kFull, k), mix(kCode, k), mix(kShape, k)
			var gap uint64
			pos := n.Start
			for ch := n.FirstChild; ch >= 0; ch = nodes[ch].Next {
				cn := &nodes[ch]
				if cn.Start > pos {
					gap = gapHash(seed, gap, v.src[pos:cn.Start])
				}
				pos = max(pos, cn.End)
				if v.skip(ch) {
					continue
				}
				fld := uint64(cn.Field)
				f = mix(mix(f, fld), v.full[ch])
				if v.isComment[ch] {
					continue
				}
				c = mix(mix(c, fld), v.code[ch])
				s = mix(mix(s, fld), v.shape[ch])
			}
			if n.End > pos {
				gap = gapHash(seed, gap, v.src[pos:n.End])
			}
			if gap != 0 {
				f, c, s = mix(f, gap), mix(c, gap), mix(s, gap)
			}
			v.full[i], v.code[i], v.shape[i], v.gap[i] = f, c, s, gap
		}
	}
}

// gapHash folds text into h when it holds anything but white space.
func gapHash(seed maphash.Seed, h uint64, text []byte) uint64 {
	if len(bytes.TrimSpace(text)) == 0 {
		return h
	}
	return mix(h|1, maphash.Bytes(seed, text))
}

// commentHash hashes a comment with each line's surrounding white space
// removed, so re-indenting or a CRLF conversion leaves it equal.
func commentHash(mh *maphash.Hash, text []byte) uint64 {
	mh.Reset()
	for len(text) > 0 {
		line := text
		if i := bytes.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = nil
		}
		mh.Write(bytes.TrimSpace(line))
		mh.WriteByte('\n')
	}
	return mh.Sum64()
}

// node returns node i.
func (v *view) node(i int32) *syntax.Node { return &v.t.Nodes[i] }

// kindName returns the grammar name of node i.
func (v *view) kindName(i int32) string { return v.t.KindName(i) }

// text returns the source of node i.
func (v *view) text(i int32) string { return string(v.t.Text(i)) }

// field returns the first child of i in the named field, or -1.
func (v *view) field(i int32, name string) int32 {
	return v.t.ChildByField(i, v.tab.g.FieldID(name))
}

// fieldAll returns every child of i in the named field.
func (v *view) fieldAll(i int32, name string) []int32 {
	return v.t.ChildrenByField(i, v.tab.g.FieldID(name))
}

// kids returns the children of i that take part in alignment: all but
// trivia tokens and non-comment extras.
func (v *view) kids(i int32) []int32 {
	var out []int32
	for c := v.t.Nodes[i].FirstChild; c >= 0; c = v.t.Nodes[c].Next {
		if !v.skip(c) {
			out = append(out, c)
		}
	}
	return out
}

// childOfKind returns the first child of i whose kind is name, or -1.
func (v *view) childOfKind(i int32, name string) int32 {
	for c := v.t.Nodes[i].FirstChild; c >= 0; c = v.t.Nodes[c].Next {
		if v.kindName(c) == name {
			return c
		}
	}
	return -1
}

// hasToken reports whether i has a direct child token with this text.
func (v *view) hasToken(i int32, tok string) bool {
	for c := v.t.Nodes[i].FirstChild; c >= 0; c = v.t.Nodes[c].Next {
		if v.kindName(c) == tok && !v.t.Nodes[c].Named() {
			return true
		}
	}
	return false
}

// squash collapses runs of white space to one space and trims.
func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

// clip shortens s to at most n bytes on a rune boundary, marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xc0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}
