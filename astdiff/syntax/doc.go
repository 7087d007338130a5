// Package syntax parses source files with tree-sitter and copies each tree
// into an immutable, flat Go slice, closing the C tree at once.
//
// It is the only package of astdiff that uses cgo. Everything above it works
// on [Tree] values, which are plain Go memory: safe to share between
// goroutines, free of finalizers, and usable in tests without a C compiler.
// Built without cgo, [NewParser] and [LoadGrammar] return [ErrNoCgo] and the
// callers fall back to line-level results.
//
// Grammars are the official tree-sitter modules pinned in go.mod (Go,
// Python, JavaScript, TypeScript/TSX, Rust, Java, C, C++).
package syntax
