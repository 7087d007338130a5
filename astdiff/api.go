package astdiff

import (
	"sort"

	"github.com/git-proof/git-proof/astdiff/syntax"
)

// apiDecl is one public declaration of a file.
type apiDecl struct {
	key, kind, name string
	sig             string
	sigHash         uint64
	line            int
}

// apiDecls lists the public declarations of the file by the language's
// rules; nil when the file cannot hold API (tests, internal, main, .c …).
func (v *view) apiDecls() []apiDecl {
	if !v.tab.sp.fileAPI(v.path, v) {
		return nil
	}
	var out []apiDecl
	v.walkAPI(0, &out, 0)
	return out
}

func (v *view) walkAPI(n int32, out *[]apiDecl, depth int) {
	if depth > maxAPIDepth {
		return
	}
	for c := v.node(n).FirstChild; c >= 0; c = v.node(c).Next {
		if v.skip(c) || v.isComment[c] {
			continue
		}
		d := v.declOf(c, false)
		if d < 0 {
			if v.node(c).FirstChild >= 0 && !v.tab.imp[v.node(c).Kind] {
				v.walkAPI(c, out, depth+1)
			}
			continue
		}
		if !v.tab.sp.exported(v, d) {
			continue
		}
		name, key := v.tab.sp.ident(v, d)
		sig, h := v.signature(d)
		*out = append(*out, apiDecl{key: v.labelOf(d) + " " + key, kind: v.labelOf(d), name: name,
			sig: sig, sigHash: h, line: int(v.node(c).StartRow) + 1})
		if v.tab.container[v.node(d).Kind] {
			if b := v.bodyOf(d); b >= 0 {
				v.walkAPI(b, out, depth+1)
			}
		}
	}
}

// signature returns the text and hash of d without the body of a function
// or container; other declarations are their own signature.
func (v *view) signature(d int32) (string, uint64) {
	k := v.node(d).Kind
	end := v.node(d).End
	h := v.code[d]
	if v.tab.fn[k] || v.tab.container[k] {
		if b := v.bodyOf(d); b >= 0 {
			end = v.node(b).Start
			h = mix(kCode, uint64(k)+1)
			for _, c := range v.kids(d) {
				if c != b && !v.isComment[c] {
					h = mix(mix(h, uint64(v.node(c).Field)), v.code[c])
				}
			}
		}
	}
	return clip(squash(string(v.src[v.node(d).Start:end])), 200), h
}

// diffAPI pairs the public declarations of both sides by key (equal
// signatures first) and reports what was added, removed or changed.
func diffAPI(lang syntax.Lang, path string, old, new []apiDecl) []APIChange {
	byKey := map[string][]int{}
	for i, d := range old {
		byKey[d.key] = append(byKey[d.key], i)
	}
	usedO := make([]bool, len(old))
	usedN := make([]bool, len(new))
	var out []APIChange
	for pass := 0; pass < 2; pass++ {
		for j, d := range new {
			if usedN[j] {
				continue
			}
			for _, i := range byKey[d.key] {
				if usedO[i] || (pass == 0 && old[i].sigHash != d.sigHash) {
					continue
				}
				usedO[i], usedN[j] = true, true
				if old[i].sigHash != d.sigHash {
					out = append(out, APIChange{Kind: d.kind, Name: d.name, Language: lang, File: path, Change: APISignature,
						OldSignature: old[i].sig, NewSignature: d.sig, OldLine: old[i].line, NewLine: d.line})
				}
				break
			}
		}
	}
	for j, d := range new {
		if !usedN[j] {
			out = append(out, APIChange{Kind: d.kind, Name: d.name, Language: lang, File: path, Change: APIAdded,
				NewSignature: d.sig, NewLine: d.line})
		}
	}
	for i, d := range old {
		if !usedO[i] {
			out = append(out, APIChange{Kind: d.kind, Name: d.name, Language: lang, File: path, Change: APIRemoved,
				OldSignature: d.sig, OldLine: d.line})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		li, lj := out[i].line(), out[j].line()
		if li != lj {
			return li < lj
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// line is where the change is, on the new side when it exists there.
func (c APIChange) line() int {
	if c.NewLine > 0 {
		return c.NewLine
	}
	return c.OldLine
}
