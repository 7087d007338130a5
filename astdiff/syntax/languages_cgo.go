//go:build cgo

package syntax

import (
	"fmt"
	"unsafe"

	ts "github.com/tree-sitter/go-tree-sitter"
	tsc "github.com/tree-sitter/tree-sitter-c/bindings/go"
	tscpp "github.com/tree-sitter/tree-sitter-cpp/bindings/go"
	tsgo "github.com/tree-sitter/tree-sitter-go/bindings/go"
	tsjava "github.com/tree-sitter/tree-sitter-java/bindings/go"
	tsjs "github.com/tree-sitter/tree-sitter-javascript/bindings/go"
	tspy "github.com/tree-sitter/tree-sitter-python/bindings/go"
	tsrust "github.com/tree-sitter/tree-sitter-rust/bindings/go"
	tsts "github.com/tree-sitter/tree-sitter-typescript/bindings/go"
)

// languagePointer returns the static TSLanguage of l.
func languagePointer(l Lang) (unsafe.Pointer, error) {
	switch l {
	case Go:
		return tsgo.Language(), nil
	case Python:
		return tspy.Language(), nil
	case JavaScript:
		return tsjs.Language(), nil
	case TypeScript:
		return tsts.LanguageTypescript(), nil
	case TSX:
		return tsts.LanguageTSX(), nil
	case Rust:
		return tsrust.Language(), nil
	case Java:
		return tsjava.Language(), nil
	case C:
		return tsc.Language(), nil
	case CPP:
		return tscpp.Language(), nil
	}
	return nil, fmt.Errorf("%w: %q", ErrUnsupported, l)
}

// LoadGrammar reads the kind and field names of l's pinned grammar through
// the official binding's Language lookups.
func LoadGrammar(l Lang) (*Grammar, error) {
	ptr, err := languagePointer(l)
	if err != nil {
		return nil, err
	}
	lang := ts.NewLanguage(ptr)
	n := lang.NodeKindCount()
	kinds := make([]string, n)
	named := make([]bool, n)
	visible := make([]bool, n)
	for id := uint16(0); uint32(id) < n; id++ {
		kinds[id] = lang.NodeKindForId(id)
		named[id] = lang.NodeKindIsNamed(id)
		visible[id] = lang.NodeKindIsVisible(id)
	}
	// One more kind for ERROR nodes, whose symbol (65535) is out of range.
	kinds = append(kinds, "ERROR")
	named = append(named, true)
	visible = append(visible, true)
	fields := make([]string, lang.FieldCount()+1)
	for id := uint16(1); int(id) < len(fields); id++ {
		fields[id] = lang.FieldNameForId(id)
	}
	return NewGrammar(l, lang.AbiVersion(), kinds, named, visible, fields), nil
}
