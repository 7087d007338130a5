package astdiff

import (
	"path"
	"strings"
)

// rustSpec is the table for tree-sitter-rust v0.24.0.
func rustSpec() *spec {
	return &spec{
		comments: []string{"line_comment", "block_comment"},
		atoms:    []string{"string_literal", "raw_string_literal", "char_literal"},
		trivia:   []string{","},
		imports:  []string{"use_declaration", "extern_crate_declaration"},
		decls: map[string]string{
			"function_item":           "fn",
			"function_signature_item": "fn",
			"struct_item":             "struct",
			"enum_item":               "enum",
			"union_item":              "union",
			"trait_item":              "trait",
			"impl_item":               "impl",
			"mod_item":                "mod",
			"const_item":              "const",
			"static_item":             "static",
			"type_item":               "type",
			"macro_definition":        "macro",
		},
		funcs:      []string{"function_item"},
		containers: []string{"trait_item", "impl_item", "mod_item"},
		bodyFields: []string{"body"},
		fields:     []string{"name", "trait", "type"},
		kinds:      []string{"visibility_modifier"},
		ident:      rustIdent,
		exported:   rustExported,
		fileAPI:    rustFileAPI,
	}
}

func rustIdent(v *view, d int32) (string, string) {
	if v.kindName(d) == "impl_item" {
		s := ""
		if t := v.field(d, "type"); t >= 0 {
			s = squash(v.text(t))
		}
		if tr := v.field(d, "trait"); tr >= 0 {
			s = squash(v.text(tr)) + " for " + s
		}
		return s, s
	}
	return nameIdent(v, d)
}

// rustExported: `pub` exactly (pub(crate) and pub(super) are internal);
// every item of a public trait; an inherent impl block is a container whose
// `pub` items count, a trait impl adds no API of its own.
func rustExported(v *view, d int32) bool {
	switch v.kindName(d) {
	case "impl_item":
		return v.field(d, "trait") < 0
	case "macro_definition":
		return false
	}
	if p := v.node(d).Parent; p >= 0 {
		if gp := v.node(p).Parent; gp >= 0 && v.kindName(gp) == "trait_item" {
			return true
		}
	}
	m := v.childOfKind(d, "visibility_modifier")
	return m >= 0 && v.text(m) == "pub"
}

// rustFileAPI: library sources only (not tests/, benches/, examples/,
// build scripts or binaries).
func rustFileAPI(p string, v *view) bool {
	base := path.Base(p)
	if base == "build.rs" || base == "main.rs" {
		return false
	}
	for _, seg := range strings.Split(path.Dir(p), "/") {
		switch seg {
		case "tests", "benches", "examples", "bin":
			return false
		}
	}
	return true
}
