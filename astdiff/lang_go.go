package astdiff

import (
	"path"
	"strings"
)

// goSpec is the table for tree-sitter-go v0.25.0.
func goSpec() *spec {
	return &spec{
		comments:    []string{"comment"},
		atoms:       []string{"interpreted_string_literal", "raw_string_literal", "rune_literal"},
		trivia:      []string{";", ","},
		imports:     []string{"import_declaration"},
		importUnits: []string{"import_spec"},
		decls: map[string]string{
			"function_declaration": "func",
			"method_declaration":   "func",
			"type_spec":            "type",
			"type_alias":           "type",
			"const_spec":           "const",
			"var_spec":             "var",
			"package_clause":       "package",
		},
		funcs:      []string{"function_declaration", "method_declaration"},
		groups:     []string{"type_declaration", "const_declaration", "var_declaration"},
		topOnly:    []string{"type_spec", "type_alias", "const_spec", "var_spec"},
		bodyFields: []string{"body"},
		fields:     []string{"name", "receiver", "type"},
		kinds:      []string{"package_identifier", "parameter_declaration", "pointer_type", "generic_type", "parenthesized_type"},
		ident:      goIdent,
		exported:   goExported,
		fileAPI:    goFileAPI,
	}
}

func goIdent(v *view, d int32) (string, string) {
	switch v.kindName(d) {
	case "method_declaration":
		recv, star := goReceiver(v, d)
		name := v.nameText(d)
		return "(" + star + recv + ") " + name, recv + "." + name
	case "const_spec", "var_spec":
		var names []string
		for _, c := range v.fieldAll(d, "name") {
			names = append(names, v.text(c))
		}
		s := strings.Join(names, ", ")
		return s, s
	case "package_clause":
		if c := v.childOfKind(d, "package_identifier"); c >= 0 {
			return v.text(c), ""
		}
		return "", ""
	}
	return nameIdent(v, d)
}

// goReceiver returns the base type name of a method's receiver and "*" if
// it is a pointer.
func goReceiver(v *view, d int32) (string, string) {
	r := v.field(d, "receiver")
	if r < 0 {
		return "", ""
	}
	p := v.childOfKind(r, "parameter_declaration")
	if p < 0 {
		return "", ""
	}
	t := v.field(p, "type")
	star := ""
	for t >= 0 {
		switch v.kindName(t) {
		case "pointer_type":
			star = "*"
			t = v.node(t).FirstChild
			for t >= 0 && !v.node(t).Named() {
				t = v.node(t).Next
			}
			continue
		case "generic_type":
			t = v.field(t, "type")
			continue
		case "parenthesized_type":
			t = v.t.FirstNamedChild(t)
			continue
		}
		return v.text(t), star
	}
	return "", star
}

func goExported(v *view, d int32) bool {
	switch v.kindName(d) {
	case "package_clause":
		return false
	case "method_declaration":
		recv, _ := goReceiver(v, d)
		return upperFirst(recv) && upperFirst(v.nameText(d))
	case "const_spec", "var_spec":
		for _, c := range v.fieldAll(d, "name") {
			if upperFirst(v.text(c)) {
				return true
			}
		}
		return false
	}
	return upperFirst(v.nameText(d))
}

// goFileAPI: not a test file, not under internal/ or testdata/, not main.
func goFileAPI(p string, v *view) bool {
	if strings.HasSuffix(p, "_test.go") {
		return false
	}
	for _, seg := range strings.Split(path.Dir(p), "/") {
		if seg == "internal" || seg == "testdata" {
			return false
		}
	}
	for c := v.node(0).FirstChild; c >= 0; c = v.node(c).Next {
		if v.kindName(c) == "package_clause" {
			name, _ := goIdent(v, c)
			return name != "main"
		}
	}
	return true
}
