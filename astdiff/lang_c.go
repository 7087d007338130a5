package astdiff

import (
	"strings"

	"github.com/git-proof/git-proof/astdiff/syntax"
)

// cSpec is the table for tree-sitter-c v0.24.1 and, with cpp, for
// tree-sitter-cpp v0.23.4.
func cSpec(cpp bool) *spec {
	sp := &spec{
		comments: []string{"comment"},
		atoms:    []string{"string_literal", "char_literal", "system_lib_string"},
		trivia:   []string{";", ","},
		imports:  []string{"preproc_include"},
		decls: map[string]string{
			"function_definition":  "func",
			"declaration":          "var",
			"type_definition":      "typedef",
			"struct_specifier":     "struct",
			"union_specifier":      "union",
			"enum_specifier":       "enum",
			"preproc_def":          "macro",
			"preproc_function_def": "macro",
		},
		funcs:      []string{"function_definition"},
		topOnly:    []string{"declaration", "type_definition", "struct_specifier", "union_specifier", "enum_specifier"},
		bodyFields: []string{"body"},
		fields:     []string{"name", "declarator"},
		kinds:      []string{"storage_class_specifier", "preproc_ifdef", "function_declarator", "field_declaration_list"},
		ident:      cIdent,
		label:      cLabel,
		isDecl:     cIsDecl,
		exported:   cExported,
		fileAPI:    func(p string, v *view) bool { return syntax.IsHeader(p) },
	}
	if !cpp {
		return sp
	}
	sp.atoms = append(sp.atoms, "raw_string_literal")
	sp.imports = append(sp.imports, "using_declaration")
	for k, l := range map[string]string{
		"class_specifier":      "class",
		"namespace_definition": "namespace",
		"alias_declaration":    "using",
		"concept_definition":   "concept",
		"field_declaration":    "field",
	} {
		sp.decls[k] = l
	}
	sp.containers = []string{"class_specifier", "struct_specifier", "union_specifier", "namespace_definition"}
	sp.wrappers = []string{"template_declaration"}
	sp.topOnly = append(sp.topOnly, "class_specifier", "alias_declaration")
	sp.kinds = append(sp.kinds, "access_specifier")
	return sp
}

// cIsDecl: a struct, union, enum or class specifier declares only with a body.
func cIsDecl(v *view, d int32) bool {
	switch v.kindName(d) {
	case "struct_specifier", "union_specifier", "enum_specifier", "class_specifier":
		return v.field(d, "body") >= 0
	}
	return true
}

// cDeclarators returns the innermost names of d's declarators.
func cDeclarators(v *view, d int32) []int32 {
	var out []int32
	for _, c := range v.fieldAll(d, "declarator") {
		for i := 0; i < 32; i++ {
			next := v.field(c, "declarator")
			if next < 0 {
				break
			}
			c = next
		}
		out = append(out, c)
	}
	return out
}

// cIsFunc reports whether a declarator chain of d is a function declarator.
func cIsFunc(v *view, d int32) bool {
	for _, c := range v.fieldAll(d, "declarator") {
		for i := 0; i < 32 && c >= 0; i++ {
			if v.kindName(c) == "function_declarator" {
				return true
			}
			c = v.field(c, "declarator")
		}
	}
	return false
}

func cLabel(v *view, d int32) string {
	switch v.kindName(d) {
	case "declaration":
		if cIsFunc(v, d) {
			return "func"
		}
	case "field_declaration":
		if cIsFunc(v, d) {
			return "method"
		}
	}
	return ""
}

func cIdent(v *view, d int32) (string, string) {
	switch v.kindName(d) {
	case "function_definition", "declaration", "field_declaration", "type_definition":
		var names []string
		for _, c := range cDeclarators(v, d) {
			names = append(names, squash(v.text(c)))
		}
		s := strings.Join(names, ", ")
		return s, s
	case "namespace_definition":
		if s := squash(v.nameText(d)); s != "" {
			return s, s
		}
		return "(anonymous)", "(anonymous)"
	}
	return nameIdent(v, d)
}

// cExported: in a header, every declaration that is not static; an include
// guard is not API; in C++ a named namespace is, and class members in a
// public or protected section.
func cExported(v *view, d int32) bool {
	if st := v.childOfKind(d, "storage_class_specifier"); st >= 0 && v.text(st) == "static" {
		return false
	}
	switch v.kindName(d) {
	case "namespace_definition":
		return v.field(d, "name") >= 0
	case "preproc_def":
		if p := v.node(d).Parent; p >= 0 && v.kindName(p) == "preproc_ifdef" && v.nameText(p) == v.nameText(d) {
			return false
		}
	}
	item := d
	for p := v.node(item).Parent; p >= 0 && v.tab.wrapper[v.node(p).Kind]; p = v.node(item).Parent {
		item = p
	}
	list := v.node(item).Parent
	if list < 0 || v.kindName(list) != "field_declaration_list" {
		return true
	}
	access := "public"
	if cls := v.node(list).Parent; cls >= 0 && v.kindName(cls) == "class_specifier" {
		access = "private"
	}
	for c := v.node(list).FirstChild; c >= 0 && c != item; c = v.node(c).Next {
		if v.kindName(c) == "access_specifier" {
			access = strings.TrimSpace(v.text(c))
		}
	}
	return access == "public" || access == "protected"
}
