package contract

import "github.com/bmatcuk/doublestar/v4"

// Allows reports whether a change may touch path (slash-separated,
// relative to the repository root): some allow glob matches it, or there
// are none, and no deny glob matches it. A glob that does not parse
// matches nothing in allow and everything in deny, so that a broken scope
// fails closed.
func (s Scope) Allows(path string) bool {
	for _, g := range s.Deny {
		if ok, err := doublestar.Match(g, path); ok || err != nil {
			return false
		}
	}
	if len(s.Allow) == 0 {
		return true
	}
	for _, g := range s.Allow {
		if ok, err := doublestar.Match(g, path); ok && err == nil {
			return true
		}
	}
	return false
}

// Outside returns, in order, the changed paths the scope does not allow
// (see Allows); nil when every path is in scope.
func (s Scope) Outside(paths []string) []string {
	var out []string
	for _, p := range paths {
		if !s.Allows(p) {
			out = append(out, p)
		}
	}
	return out
}

// ExceedsMaxFiles reports whether a change touching changed files breaks
// the scope's maxFiles bound.
func (s Scope) ExceedsMaxFiles(changed int) bool {
	return s.MaxFiles > 0 && changed > s.MaxFiles
}
