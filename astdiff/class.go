package astdiff

// Class is the label of a hunk or of one change in it.
type Class string

// The classes, from least to most significant; a hunk takes the most
// significant class of its changes.
const (
	FormattingOnly Class = "formatting-only" // same tree ignoring layout (and moves of unchanged declarations)
	CommentOnly    Class = "comment-only"    // only comments or docstrings differ
	ImportChange   Class = "import-change"   // the import set changed (or was regrouped)
	DeclAdded      Class = "decl-added"      // a declaration was added
	DeclRemoved    Class = "decl-removed"    // a declaration was removed
	DeclRenamed    Class = "decl-renamed"    // a declaration was renamed (its body may differ too)
	CodeChange     Class = "code-change"     // code inside a declaration changed; see Path
	LineLevel      Class = "line-level"      // no syntax judgement; see Reason
)

// rank orders classes by significance.
func (c Class) rank() int {
	switch c {
	case FormattingOnly:
		return 0
	case CommentOnly:
		return 1
	case ImportChange:
		return 2
	case DeclAdded:
		return 3
	case DeclRemoved:
		return 4
	case DeclRenamed:
		return 5
	case CodeChange:
		return 6
	}
	return 7
}

// Essential reports whether a change of class c can alter behaviour: false
// only for formatting-only and comment-only.
func (c Class) Essential() bool { return c != FormattingOnly && c != CommentOnly }
