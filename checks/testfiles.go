package checks

import (
	"errors"
	"fmt"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// DefaultTestGlobs returns the globs that name test files when a project
// names none: the usual conventions of Go, Python, JS/TS, Rust and Java. It
// returns a new slice on each call, so callers may change it.
func DefaultTestGlobs() []string {
	const js = "{js,jsx,ts,tsx,mjs,cjs}"
	return []string{
		// Go
		"**/*_test.go",
		"**/testdata/**",
		// Python
		"**/test_*.py",
		"**/*_test.py",
		"**/conftest.py",
		// Python and Rust: "**/" also matches no directory, so this covers
		// a crate's top-level tests/ too.
		"**/tests/**",
		// JS/TS
		"**/*.test." + js,
		"**/*.spec." + js,
		"**/__tests__/**",
		"**/test/**",
		// Java (Maven, Gradle)
		"**/src/test/**",
	}
}

// IsTestFile tells whether path, a slash-separated path relative to the top
// of the tree (as git prints it), matches one of globs. A glob that is not
// valid matches nothing; ValidateGlobs reports it.
func IsTestFile(path string, globs []string) bool {
	for _, g := range globs {
		if validateGlob(g) == nil && doublestar.MatchUnvalidated(g, path) {
			return true
		}
	}
	return false
}

// ValidateGlobs reports the first glob that is not a valid doublestar
// pattern over slash-separated paths relative to the top of the tree.
func ValidateGlobs(globs []string) error {
	for i, g := range globs {
		if err := validateGlob(g); err != nil {
			return fmt.Errorf("test glob %d %q: %w", i+1, g, err)
		}
	}
	return nil
}

func validateGlob(g string) error {
	switch {
	case g == "":
		return errors.New("empty")
	case strings.HasPrefix(g, "/"):
		// git paths are relative: a leading '/' would match nothing.
		return errors.New("starts with '/': paths are relative to the top of the tree")
	case !doublestar.ValidatePattern(g):
		return errors.New("not a valid glob (use slash paths such as \"**/*_test.go\")")
	}
	return nil
}
