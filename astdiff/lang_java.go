package astdiff

import (
	"path"
	"strings"
)

// javaSpec is the table for tree-sitter-java v0.23.5.
func javaSpec() *spec {
	return &spec{
		comments: []string{"line_comment", "block_comment"},
		atoms:    []string{"string_literal", "character_literal"},
		trivia:   []string{";", ","},
		imports:  []string{"import_declaration"},
		decls: map[string]string{
			"package_declaration":                 "package",
			"class_declaration":                   "class",
			"interface_declaration":               "interface",
			"enum_declaration":                    "enum",
			"record_declaration":                  "record",
			"annotation_type_declaration":         "@interface",
			"method_declaration":                  "method",
			"constructor_declaration":             "constructor",
			"compact_constructor_declaration":     "constructor",
			"field_declaration":                   "field",
			"constant_declaration":                "field",
			"annotation_type_element_declaration": "method",
		},
		funcs:      []string{"method_declaration", "constructor_declaration", "compact_constructor_declaration"},
		containers: []string{"class_declaration", "interface_declaration", "enum_declaration", "record_declaration", "annotation_type_declaration"},
		bodyFields: []string{"body"},
		fields:     []string{"name", "declarator"},
		kinds:      []string{"modifiers", "interface_body", "annotation_type_body"},
		tokens:     []string{"public", "protected", "private"},
		ident:      javaIdent,
		exported:   javaExported,
		fileAPI:    javaFileAPI,
	}
}

func javaIdent(v *view, d int32) (string, string) {
	switch v.kindName(d) {
	case "field_declaration", "constant_declaration":
		var names []string
		for _, c := range v.fieldAll(d, "declarator") {
			names = append(names, v.nameText(c))
		}
		s := strings.Join(names, ", ")
		return s, s
	case "package_declaration":
		if c := v.t.FirstNamedChild(d); c >= 0 {
			return v.text(c), ""
		}
		return "", ""
	}
	return nameIdent(v, d)
}

// javaExported: public or protected, inside public types only (the API
// walk enters exported types only); members of an interface or annotation
// are public unless private.
func javaExported(v *view, d int32) bool {
	if v.kindName(d) == "package_declaration" {
		return false
	}
	mods := v.childOfKind(d, "modifiers")
	has := func(tok string) bool { return mods >= 0 && v.hasToken(mods, tok) }
	if p := v.node(d).Parent; p >= 0 {
		switch v.kindName(p) {
		case "interface_body", "annotation_type_body":
			return !has("private")
		}
	}
	return has("public") || has("protected")
}

// javaFileAPI: not test sources.
func javaFileAPI(p string, v *view) bool {
	base := path.Base(p)
	if strings.HasSuffix(base, "Test.java") || strings.HasSuffix(base, "Tests.java") {
		return false
	}
	for _, seg := range strings.Split(path.Dir(p), "/") {
		if seg == "test" || seg == "tests" {
			return false
		}
	}
	return true
}
