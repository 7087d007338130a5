package astdiff

import (
	"testing"

	"github.com/git-proof/git-proof/astdiff/syntax"
)

// TestSpecKinds checks every node kind, token and field that a language
// table names against the pinned grammar, so a grammar bump that renames
// one fails here.
func TestSpecKinds(t *testing.T) {
	if !syntax.Available() {
		t.Skip("needs cgo")
	}
	for _, l := range syntax.Langs() {
		t.Run(string(l), func(t *testing.T) {
			g, err := syntax.LoadGrammar(l)
			if err != nil {
				t.Fatalf("LoadGrammar(%s) = %v", l, err)
			}
			sp := specFor(l)
			if sp == nil {
				t.Fatalf("specFor(%s) = nil", l)
			}
			tab, err := newTable(l, g, sp)
			if err != nil {
				t.Fatalf("newTable(%s) = %v", l, err)
			}
			for _, k := range append(append(append([]string{}, sp.funcs...), sp.containers...), sp.topOnly...) {
				if sp.decls[k] == "" {
					t.Errorf("%s: %q is a func, container or topOnly kind but not a declaration", l, k)
				}
			}
			if g.Kind(g.ErrorKind()) != "ERROR" {
				t.Errorf("%s: ErrorKind() names %q; want ERROR", l, g.Kind(g.ErrorKind()))
			}
			if len(tab.body) == 0 || sp.ident == nil || sp.exported == nil || sp.fileAPI == nil {
				t.Errorf("%s: table lacks a body field or a rule", l)
			}
		})
	}
}

// TestSpecMissingKind shows that a kind the grammar lacks is reported.
func TestSpecMissingKind(t *testing.T) {
	if !syntax.Available() {
		t.Skip("needs cgo")
	}
	g, err := syntax.LoadGrammar(syntax.Go)
	if err != nil {
		t.Fatal(err)
	}
	sp := goSpec()
	sp.comments = append(sp.comments, "no_such_kind")
	if _, err := newTable(syntax.Go, g, sp); err == nil {
		t.Errorf("newTable with no_such_kind = nil error; want one")
	}
}
