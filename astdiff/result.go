package astdiff

import (
	"time"

	"github.com/git-proof/git-proof/astdiff/syntax"
)

// FileResult is the analysis of one changed file.
type FileResult struct {
	Path     string
	Language syntax.Lang // "" when no grammar covers the file
	Hunks    []HunkResult
	API      []APIChange // public declarations added, removed or changed
	// APISkipped says why API changes were not looked for ("parse errors",
	// "not a public source file"); empty when they were.
	APISkipped string
	// Reason is set when the whole file is line-level ("binary", "no cgo",
	// "unsupported language .toml", "file 1.2 MiB over limit 1 MiB", …).
	Reason string
	// ParseErrors lists where the grammar failed, as "old 12:4" / "new 3:1".
	ParseErrors []string
	Stats       Stats
}

// Stats measures the work done on one file.
type Stats struct {
	Bytes    int           // bytes parsed, both sides
	Nodes    int           // syntax nodes copied, both sides
	Parse    time.Duration // parsing and copying both trees
	Classify time.Duration // everything after parsing
}

// HunkResult is the label of one hunk.
type HunkResult struct {
	Hunk
	Class     Class
	Essential bool
	// Path locates the primary change, e.g. "func Add › body › return_statement".
	Path string
	// Old and New are the innermost declarations enclosing the primary change
	// on each side, paired by kind and name; nil at file level or where the
	// side has no such declaration (an added one has no Old).
	Old, New *Decl
	Reason   string // why the hunk is line-level
	// Degraded is set when the file has parse errors outside this hunk.
	Degraded bool
	// Changes lists every change found in the hunk, the primary one first.
	Changes []Change
}

// Change is one labelled difference inside a hunk.
type Change struct {
	Class    Class
	Path     string
	Old, New *Decl
	Detail   string // e.g. `import added: "hash/crc32"`, "moved", "identifiers renamed: a → b"
}

// Decl is a declaration as the language's table knows it.
type Decl struct {
	Kind    string // label word: "func", "method", "class", "struct", …
	Name    string // display name, e.g. "Add", "(*conn) Close"
	Line    int    // 1-based first line
	EndLine int    // 1-based last line
}

// Label renders the declaration as "func Add".
func (d *Decl) Label() string {
	if d == nil {
		return ""
	}
	if d.Name == "" {
		return d.Kind
	}
	return d.Kind + " " + d.Name
}

// APIChange is one public declaration added, removed or with a changed
// signature, by the language's export rule.
type APIChange struct {
	Kind                       string // label word, as in Decl
	Name                       string
	Language                   syntax.Lang
	File                       string
	Change                     string // "added", "removed" or "signature"
	OldSignature, NewSignature string
	OldLine, NewLine           int
}

// API change kinds.
const (
	APIAdded     = "added"
	APIRemoved   = "removed"
	APISignature = "signature"
)
