// Package astdiff labels each hunk of a change by what it does to the
// syntax tree: formatting-only, comment-only, import-change, decl-added,
// decl-removed, decl-renamed, code-change (with a path such as
// "func Add › body › return_statement"), or line-level with the reason no
// syntax judgement was made. It also lists the public API declarations
// added, removed or re-signed, by each language's export rule.
//
// The front door is [Analyzer.File]: give it a path, the old and new
// contents and the hunks of `git diff -U0` (read with [ParseDiff]), or let
// it compute them ([LineDiff]). It never fails: whatever stops the syntax
// analysis (binary, unsupported language, size, invalid UTF-8, parse
// timeout, hunks that do not match the contents, no cgo) makes the file's
// hunks line-level with the reason.
//
// Parsing is done by the cgo package astdiff/syntax, which copies each tree
// into Go memory and closes it at once; everything here is pure Go over
// those copies. The new side is parsed incrementally from the old tree with
// the hunks as edits, and subtrees away from every hunk are copied as one
// node compared by text ([WithFullReparse] turns both off; tests check the
// two paths agree). Built without cgo, every hunk of a supported language is
// line-level with the reason "no cgo".
//
// Languages: Go, Python, JavaScript, TypeScript, TSX, Rust, Java, C and
// C++, each with a table of node kinds (lang_*.go) checked against the
// pinned grammar by TestSpecKinds.
package astdiff
