package astdiff

import (
	"fmt"
	"strings"

	"github.com/git-proof/git-proof/astdiff/syntax"
)

// spec is one language's table: node kinds by role, written as the
// grammar's names (checked against the pinned grammar by TestSpecKinds), plus
// the few rules that need code. Specs are built by functions, not kept in
// package variables, so nothing here is mutable state.
type spec struct {
	comments    []string          // named kinds that are comments
	atoms       []string          // named kinds hashed as their exact text (string literals)
	trivia      []string          // anonymous tokens left out of every hash (separators, terminators)
	imports     []string          // named kinds of import items
	importUnits []string          // kinds inside an import item compared as a set; else the item
	decls       map[string]string // declaration kind → label word ("func", "class")
	funcs       []string          // decls whose body is implementation: not in signatures; decls in it are local
	containers  []string          // decls whose body holds member decls: not in signatures
	groups      []string          // non-decl kinds that only hold decls (Go `const ( … )`)
	wrappers    []string          // kinds whose declaration is a child (export, decorators, templates)
	topOnly     []string          // decls that are local variables inside a function body
	bodyFields  []string          // field names of bodies
	fields      []string          // other field names the rules use (checked too)
	kinds       []string          // other named kinds the rules use (checked too)
	tokens      []string          // anonymous tokens the rules use (checked too)

	ident     func(v *view, n int32) (name, key string) // display name and pairing key
	label     func(v *view, n int32) string             // optional: label word when it depends on the node
	isDecl    func(v *view, n int32) bool               // optional: filter on decl kinds
	exported  func(v *view, n int32) bool               // public by the language's rule (n unwrapped)
	fileAPI   func(path string, v *view) bool           // whether the file can hold public API
	docstring func(v *view, n int32) bool               // optional: a node that is documentation
}

// specFor returns the table of language l.
func specFor(l syntax.Lang) *spec {
	switch l {
	case syntax.Go:
		return goSpec()
	case syntax.Python:
		return pythonSpec()
	case syntax.JavaScript:
		return jsSpec(false)
	case syntax.TypeScript, syntax.TSX:
		return jsSpec(true)
	case syntax.Rust:
		return rustSpec()
	case syntax.Java:
		return javaSpec()
	case syntax.C:
		return cSpec(false)
	case syntax.CPP:
		return cSpec(true)
	}
	return nil
}

// table is a spec resolved against a grammar: one flag slice per role,
// indexed by kind id. It is immutable once built.
type table struct {
	lang                                                                                  syntax.Lang
	g                                                                                     *syntax.Grammar
	sp                                                                                    *spec
	comment, atom, trivia, imp, importUnit, fn, container, group, wrapper, topOnly, ident []bool
	declLabel                                                                             []string
	body                                                                                  []uint16
}

// newTable resolves sp against g; an unknown kind or field is an error.
func newTable(l syntax.Lang, g *syntax.Grammar, sp *spec) (*table, error) {
	n := g.KindCount()
	t := &table{lang: l, g: g, sp: sp, declLabel: make([]string, n)}
	var missing []string
	named := func(names []string) []bool {
		set := make([]bool, n)
		for _, name := range names {
			ids := g.NamedKind(name)
			if len(ids) == 0 {
				missing = append(missing, name)
			}
			for _, id := range ids {
				set[id] = true
			}
		}
		return set
	}
	t.comment = named(sp.comments)
	t.atom = named(sp.atoms)
	t.imp = named(sp.imports)
	t.importUnit = named(sp.importUnits)
	t.fn = named(sp.funcs)
	t.container = named(sp.containers)
	t.group = named(sp.groups)
	t.wrapper = named(sp.wrappers)
	t.topOnly = named(sp.topOnly)
	t.trivia = make([]bool, n)
	for _, tok := range sp.trivia {
		ids := g.Token(tok)
		if len(ids) == 0 {
			missing = append(missing, fmt.Sprintf("%q", tok))
		}
		for _, id := range ids {
			t.trivia[id] = true
		}
	}
	for kind, lab := range sp.decls {
		ids := g.NamedKind(kind)
		if len(ids) == 0 {
			missing = append(missing, kind)
		}
		for _, id := range ids {
			t.declLabel[id] = lab
		}
	}
	for _, f := range sp.bodyFields {
		id := g.FieldID(f)
		if id == 0 {
			missing = append(missing, "field "+f)
		}
		t.body = append(t.body, id)
	}
	named(sp.kinds)
	for _, tok := range sp.tokens {
		if len(g.Token(tok)) == 0 {
			missing = append(missing, fmt.Sprintf("%q", tok))
		}
	}
	for _, f := range sp.fields {
		if g.FieldID(f) == 0 {
			missing = append(missing, "field "+f)
		}
	}
	t.ident = make([]bool, n)
	for id := 0; id < n; id++ {
		name := g.Kind(uint16(id))
		t.ident[id] = g.IsNamed(uint16(id)) && strings.HasSuffix(name, "identifier")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s table: not in grammar: %s", l, strings.Join(missing, ", "))
	}
	return t, nil
}
