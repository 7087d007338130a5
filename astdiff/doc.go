// Package astdiff labels each hunk of a change by what it does to the
// syntax tree: formatting-only, comment-only, import-change, decl-added,
// decl-removed, decl-renamed, code-change (with a path such as
// "func Add › body › return_statement"), or line-level with the reason no
// syntax judgement was made. It also lists the public API declarations
// added, removed or re-signed, by each language's export rule.
//
// The front door is [Analyzer.File]: give it a path, the old and new
// contents and the hunks of `git diff -U0` (see [ParseDiff]), or let it
// compute them ([LineDiff]). Parsing is done by the cgo package
// astdiff/syntax, which copies each tree into Go memory and closes it at
// once; everything here is pure Go over those copies. Built without cgo,
// every hunk is line-level with the reason "no cgo".
//
// Languages: Go, Python, JavaScript, TypeScript, TSX, Rust, Java, C and
// C++, each with a table of node kinds (lang_*.go) checked against the
// pinned grammar by TestSpecKinds.
package astdiff
