package risk

import "github.com/git-proof/git-proof/proofpack"

// Input is what a score is computed from: the change and the evidence
// about it. The zero value of every optional field means "not measured" and
// adds no points, so a new kind of evidence is a new optional field and an
// older caller keeps its scores.
type Input struct {
	// Paths is every changed path of the diff base → head, not capped.
	// Each path should appear once, as the canonical diff lists it.
	Paths []ChangedPath
	// Checks are the checks as recorded, with their name lists and counts
	// (a list cut by Normalize is counted by its Counts).
	Checks []proofpack.Check

	// Hunks counts hunks by class (package astdiff); nil when the hunks
	// were not classified.
	Hunks *HunkSummary
	// APIChanges counts public declarations added, removed or with a
	// changed signature; APIBreaks counts those removed or re-signed, so
	// APIBreaks <= APIChanges. Zero when not measured.
	APIChanges int
	APIBreaks  int
	// Dependencies counts the dependency delta of the manifests; nil when
	// not measured.
	Dependencies *DepSummary
}

// ChangedPath is one path of the diff base → head.
type ChangedPath struct {
	// Path is slash-separated and relative to the top of the tree, as git
	// prints it (unquoted: it may hold spaces, newlines, any byte).
	Path string
	// Status is the raw diff status: 'A', 'D', 'M' or 'T'.
	Status byte
	// Additions and Deletions are line counts; 0 for a binary file.
	Additions, Deletions int
	// Binary is set when git shows no line counts for the path.
	Binary bool
}

// HunkSummary counts the hunks of a change by class, as package astdiff
// labels them. Essential counts the hunks whose class can change behaviour
// (every class but formatting-only and comment-only).
type HunkSummary struct {
	Total     int // every hunk of the change
	Essential int // hunks that can change behaviour
	// One count per class; a hunk counts under its own (most significant)
	// class, so these add up to Total.
	FormattingOnly int
	CommentOnly    int
	ImportChange   int
	DeclAdded      int
	DeclRemoved    int
	DeclRenamed    int
	CodeChange     int
	LineLevel      int
}

// DepSummary counts the dependency delta between base and head.
type DepSummary struct {
	Added   int // dependencies new at head
	Removed int // dependencies gone at head
	Changed int // dependencies whose version or source changed
}
