package astdiff

import (
	"path"
	"strings"
)

// jsSpec is the table for tree-sitter-javascript v0.25.0 and, with ts, for
// tree-sitter-typescript v0.23.2 (TypeScript and TSX).
func jsSpec(ts bool) *spec {
	sp := &spec{
		comments: []string{"comment"},
		atoms:    []string{"string", "template_string", "regex"},
		trivia:   []string{";", ","},
		imports:  []string{"import_statement"},
		decls: map[string]string{
			"function_declaration":           "function",
			"generator_function_declaration": "function",
			"class_declaration":              "class",
			"method_definition":              "method",
			"field_definition":               "field",
			"lexical_declaration":            "let",
			"variable_declaration":           "var",
		},
		funcs:      []string{"function_declaration", "generator_function_declaration", "method_definition"},
		containers: []string{"class_declaration"},
		wrappers:   []string{"export_statement"},
		topOnly:    []string{"lexical_declaration", "variable_declaration"},
		bodyFields: []string{"body"},
		fields:     []string{"name", "declaration", "kind", "property"},
		kinds:      []string{"variable_declarator", "export_statement", "export_clause", "export_specifier", "class_body"},
		ident:      jsIdent,
		label:      jsLabel,
		exported:   jsExported,
		fileAPI:    jsFileAPI,
	}
	if !ts {
		sp.comments = append(sp.comments, "html_comment")
		sp.kinds = append(sp.kinds, "field_definition")
		return sp
	}
	sp.kinds = append(sp.kinds, "interface_body", "object_type", "accessibility_modifier", "ambient_declaration", "module", "internal_module")
	delete(sp.decls, "field_definition")
	for k, l := range map[string]string{
		"public_field_definition":    "field",
		"interface_declaration":      "interface",
		"type_alias_declaration":     "type",
		"enum_declaration":           "enum",
		"abstract_class_declaration": "class",
		"internal_module":            "namespace",
		"module":                     "module",
		"function_signature":         "function",
		"method_signature":           "method",
		"abstract_method_signature":  "method",
		"property_signature":         "property",
	} {
		sp.decls[k] = l
	}
	sp.containers = append(sp.containers, "abstract_class_declaration", "interface_declaration", "internal_module", "module")
	sp.wrappers = append(sp.wrappers, "ambient_declaration", "expression_statement")
	return sp
}

func jsLabel(v *view, d int32) string {
	if v.kindName(d) == "lexical_declaration" {
		if k := v.field(d, "kind"); k >= 0 {
			return v.text(k)
		}
	}
	return ""
}

func jsIdent(v *view, d int32) (string, string) {
	switch v.kindName(d) {
	case "lexical_declaration", "variable_declaration":
		var names []string
		for c := v.node(d).FirstChild; c >= 0; c = v.node(c).Next {
			if v.kindName(c) == "variable_declarator" {
				if n := v.field(c, "name"); n >= 0 {
					names = append(names, squash(v.text(n)))
				}
			}
		}
		s := strings.Join(names, ", ")
		return s, s
	case "field_definition":
		if n := v.field(d, "property"); n >= 0 {
			s := v.text(n)
			return s, s
		}
	case "module", "internal_module":
		s := strings.Trim(squash(v.nameText(d)), `"'`)
		return s, s
	}
	return nameIdent(v, d)
}

// jsExported: a top-level declaration under `export` (or named in an
// `export { … }` clause; every one in a .d.ts file), or a member of an
// exported class or interface that is not private.
func jsExported(v *view, d int32) bool {
	p := v.node(d).Parent
	if p >= 0 && (v.kindName(p) == "export_statement" || v.kindName(p) == "ambient_declaration") {
		return true
	}
	if p >= 0 && (v.kindName(p) == "class_body" || v.kindName(p) == "interface_body" || v.kindName(p) == "object_type") {
		name, _ := jsIdent(v, d)
		if strings.HasPrefix(name, "#") {
			return false
		}
		if m := v.childOfKind(d, "accessibility_modifier"); m >= 0 && strings.TrimSpace(v.text(m)) == "private" {
			return false
		}
		return true
	}
	if p == 0 {
		if strings.HasSuffix(v.path, ".d.ts") {
			return true
		}
		if v.exportNames == nil {
			v.exportNames = jsExportClauseNames(v)
		}
		name, _ := jsIdent(v, d)
		return v.exportNames[name]
	}
	return false
}

// jsExportClauseNames returns the local names listed in top-level
// `export { a, b as c }` clauses.
func jsExportClauseNames(v *view) map[string]bool {
	names := map[string]bool{}
	for c := v.node(0).FirstChild; c >= 0; c = v.node(c).Next {
		if v.kindName(c) != "export_statement" || v.field(c, "source") >= 0 {
			continue
		}
		cl := v.childOfKind(c, "export_clause")
		if cl < 0 {
			continue
		}
		for s := v.node(cl).FirstChild; s >= 0; s = v.node(s).Next {
			if v.kindName(s) == "export_specifier" {
				names[v.nameText(s)] = true
			}
		}
	}
	return names
}

// jsFileAPI: not a test or spec file, nor under __tests__; a .d.ts file
// declares API by itself.
func jsFileAPI(p string, v *view) bool {
	base := path.Base(p)
	for _, s := range []string{".test.", ".spec."} {
		if strings.Contains(base, s) {
			return false
		}
	}
	for _, seg := range strings.Split(path.Dir(p), "/") {
		if seg == "__tests__" || seg == "test" || seg == "tests" {
			return false
		}
	}
	return true
}
