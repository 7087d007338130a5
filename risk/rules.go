package risk

import (
	"fmt"
	"slices"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// Categories of sensitive paths, heaviest first. The category decides a
// path's weight in the score (see the package documentation).
const (
	CategoryPolicy = "policy" // what decides about changes: .proof/, CODEOWNERS
	CategoryCI     = "ci"     // what runs the project's checks on a server
	CategoryHooks  = "hooks"  // what runs on developers' machines
	CategoryDeps   = "deps"   // what code is fetched and built in
	CategoryCustom = "custom" // a project's or server's own rules
)

// categories lists the known categories in the order details name them.
func categories() []string {
	return []string{CategoryPolicy, CategoryCI, CategoryHooks, CategoryDeps, CategoryCustom}
}

// Rule marks the changed paths that match Glob as sensitive. Glob is a
// doublestar pattern over slash-separated paths relative to the top of the
// tree: "**/" matches any number of directories, none included, so
// "**/go.mod" matches "go.mod" and "sub/go.mod". Category is one of the
// Category constants; "" means custom.
type Rule struct {
	Glob     string
	Category string
}

// DefaultSensitive returns the rules used when a Config names none. It
// returns a new slice on each call, so a caller may append its own rules:
// append(DefaultSensitive(), projectRules...) keeps every default and lets
// the defaults win where both match (the first matching rule names a path).
//
// Beyond the usual suspects: CODEOWNERS is policy (it decides who must
// review); .gitmodules is deps (it decides what code a checkout fetches).
// .gitattributes is not sensitive by default: git LFS and eol settings
// change it routinely, and its dangerous attributes (filter, diff and merge
// drivers) do nothing without matching settings in the user's own git
// config, which no commit can carry. A project that wants it adds a rule.
func DefaultSensitive() []Rule {
	var rules []Rule
	add := func(category string, globs ...string) {
		for _, g := range globs {
			rules = append(rules, Rule{Glob: g, Category: category})
		}
	}
	add(CategoryPolicy,
		".proof/**",
		"CODEOWNERS", ".github/CODEOWNERS", ".gitlab/CODEOWNERS", "docs/CODEOWNERS",
	)
	// CI systems read these at the top of the tree, except Jenkins, whose
	// pipelines may point at a Jenkinsfile anywhere.
	add(CategoryCI,
		".github/workflows/**", ".github/actions/**",
		".gitlab-ci.yml", ".gitlab/ci/**",
		".circleci/**",
		"**/Jenkinsfile",
		"azure-pipelines.yml",
		".buildkite/**",
		".travis.yml",
		".drone.yml",
		"bitbucket-pipelines.yml",
	)
	add(CategoryHooks,
		".githooks/**", ".husky/**",
		".pre-commit-config.yaml",
		"lefthook.yml", "lefthook.yaml", ".lefthook.yml", ".lefthook.yaml",
	)
	// Manifests and lock files count at any depth: monorepos nest modules.
	add(CategoryDeps,
		"**/go.mod", "**/go.sum", "**/go.work", "**/go.work.sum",
		"**/package.json", "**/package-lock.json", "**/npm-shrinkwrap.json", "**/yarn.lock", "**/pnpm-lock.yaml",
		"**/requirements*.txt", "**/pyproject.toml", "**/poetry.lock", "**/uv.lock", "**/Pipfile", "**/Pipfile.lock",
		"**/Cargo.toml", "**/Cargo.lock",
		"**/pom.xml", "**/build.gradle", "**/build.gradle.kts", "**/gradle.lockfile",
		"**/Gemfile", "**/Gemfile.lock",
		"**/composer.json", "**/composer.lock",
		".gitmodules",
	)
	return rules
}

// RuleError says which rule is malformed and why.
type RuleError struct {
	Index  int // 0-based position in the list given to ValidateRules
	Rule   Rule
	Reason string
}

func (e *RuleError) Error() string {
	return fmt.Sprintf("sensitive[%d] %q (%s): %s", e.Index, e.Rule.Glob, e.Rule.Category, e.Reason)
}

// ValidateRules reports the first malformed rule as a *RuleError: an empty
// glob, one that starts with '/' (git paths are relative and would never
// match), one that is not a valid doublestar pattern, or an unknown
// category. Score itself never fails: a bad glob matches nothing there and
// an unknown category weighs as custom.
func ValidateRules(rules []Rule) error {
	for i, r := range rules {
		if reason := ruleProblem(r); reason != "" {
			return &RuleError{Index: i, Rule: r, Reason: reason}
		}
	}
	return nil
}

func ruleProblem(r Rule) string {
	switch {
	case r.Glob == "":
		return "the glob is empty"
	case strings.HasPrefix(r.Glob, "/"):
		return "the glob starts with '/'; paths are relative to the top of the tree, e.g. \".github/**\""
	case !doublestar.ValidatePattern(r.Glob):
		return "not a valid glob; use slash paths such as \"**/go.mod\" or \".github/**\""
	case r.Category != "" && !slices.Contains(categories(), r.Category):
		return "unknown category; use one of " + strings.Join(categories(), ", ")
	}
	return ""
}

// matcher matches paths against valid rules, the first match winning.
type matcher struct {
	rules []Rule // valid rules only, categories normalised
}

func newMatcher(rules []Rule) matcher {
	m := matcher{rules: make([]Rule, 0, len(rules))}
	for _, r := range rules {
		if r.Glob == "" || strings.HasPrefix(r.Glob, "/") || !doublestar.ValidatePattern(r.Glob) {
			continue
		}
		if !slices.Contains(categories(), r.Category) {
			r.Category = CategoryCustom
		}
		m.rules = append(m.rules, r)
	}
	return m
}

// match returns the first rule that matches path.
func (m matcher) match(path string) (Rule, bool) {
	for _, r := range m.rules {
		if doublestar.MatchUnvalidated(r.Glob, path) {
			return r, true
		}
	}
	return Rule{}, false
}
