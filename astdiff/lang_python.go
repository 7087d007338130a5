package astdiff

import (
	"path"
	"strings"
)

// pythonSpec is the table for tree-sitter-python v0.25.0.
func pythonSpec() *spec {
	return &spec{
		comments: []string{"comment"},
		atoms:    []string{"string"},
		trivia:   []string{","},
		imports:  []string{"import_statement", "import_from_statement", "future_import_statement"},
		decls: map[string]string{
			"function_definition": "def",
			"class_definition":    "class",
		},
		funcs:      []string{"function_definition"},
		containers: []string{"class_definition"},
		wrappers:   []string{"decorated_definition"},
		bodyFields: []string{"body"},
		fields:     []string{"name", "definition"},
		kinds:      []string{"expression_statement", "string", "module", "block"},
		ident:      nameIdent,
		exported:   pythonExported,
		fileAPI:    pythonFileAPI,
		docstring:  pythonDocstring,
	}
}

// pythonExported: a name without a leading underscore, or a dunder such as
// __init__, at module level or in a public class (the API walk only enters
// public classes and never function bodies).
func pythonExported(v *view, d int32) bool {
	name := v.nameText(d)
	return !strings.HasPrefix(name, "_") || (strings.HasPrefix(name, "__") && strings.HasSuffix(name, "__"))
}

// pythonFileAPI: not a test module or a file under a tests directory.
func pythonFileAPI(p string, v *view) bool {
	base := path.Base(p)
	if strings.HasPrefix(base, "test_") || strings.HasSuffix(base, "_test.py") || base == "conftest.py" || base == "setup.py" {
		return false
	}
	for _, seg := range strings.Split(path.Dir(p), "/") {
		if seg == "tests" || seg == "test" {
			return false
		}
	}
	return true
}

// pythonDocstring: an expression statement holding only a string, first in
// a module or in the body of a def or class.
func pythonDocstring(v *view, n int32) bool {
	if v.kindName(n) != "expression_statement" {
		return false
	}
	s := v.t.FirstNamedChild(n)
	if s < 0 || v.kindName(s) != "string" || v.node(s).Next >= 0 {
		return false
	}
	p := v.node(n).Parent
	if p < 0 {
		return false
	}
	switch v.kindName(p) {
	case "module":
	case "block":
		gp := v.node(p).Parent
		if gp < 0 || (v.kindName(gp) != "function_definition" && v.kindName(gp) != "class_definition") {
			return false
		}
	default:
		return false
	}
	for c := v.node(p).FirstChild; c >= 0; c = v.node(c).Next {
		if c == n {
			return true
		}
		if v.node(c).Named() && !v.tab.comment[v.node(c).Kind] {
			return false
		}
	}
	return false
}
