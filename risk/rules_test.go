package risk_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/git-proof/git-proof/risk"
)

func TestValidateRulesMalformed(t *testing.T) {
	t.Parallel()
	ok := risk.Rule{Glob: "**/*.tf", Category: "custom"}
	for _, tc := range []struct {
		name  string
		rules []risk.Rule
		index int
		want  string // in the message
	}{
		{"empty glob", []risk.Rule{{Glob: "", Category: "ci"}}, 0, "empty"},
		{"absolute", []risk.Rule{ok, {Glob: "/etc/**", Category: "ci"}}, 1, "starts with '/'"},
		{"open bracket", []risk.Rule{ok, ok, {Glob: "src/[a-", Category: "deps"}}, 2, "not a valid glob"},
		{"open brace", []risk.Rule{{Glob: "{a,b", Category: "deps"}}, 0, "not a valid glob"},
		{"trailing escape", []risk.Rule{{Glob: `a\`, Category: "deps"}}, 0, "not a valid glob"},
		{"unknown category", []risk.Rule{ok, {Glob: "secrets/**", Category: "secret"}}, 1, "unknown category"},
		{"category case", []risk.Rule{{Glob: ".github/**", Category: "CI"}}, 0, "unknown category"},
		{"first of two", []risk.Rule{{Glob: "[", Category: "x"}, {Glob: "", Category: "y"}}, 0, "not a valid glob"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := risk.ValidateRules(tc.rules)
			var re *risk.RuleError
			if !errors.As(err, &re) {
				t.Fatalf("ValidateRules(%v) = %v; want a *RuleError", tc.rules, err)
			}
			if re.Index != tc.index || re.Rule != tc.rules[tc.index] {
				t.Errorf("ValidateRules(%v): Index %d, Rule %v; want %d, %v", tc.rules, re.Index, re.Rule, tc.index, tc.rules[tc.index])
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) || !strings.HasPrefix(msg, "sensitive[") {
				t.Errorf("ValidateRules(%v) = %q; want sensitive[%d] … %q", tc.rules, msg, tc.index, tc.want)
			}
		})
	}
}

func TestValidateRulesValid(t *testing.T) {
	t.Parallel()
	for _, rules := range [][]risk.Rule{
		nil,
		{},
		risk.DefaultSensitive(),
		{{Glob: "infra/**"}}, // "" is custom
		{{Glob: "{a,b}/*.{yml,yaml}", Category: "ci"}, {Glob: `weird\[name\]`, Category: "custom"}},
	} {
		if err := risk.ValidateRules(rules); err != nil {
			t.Errorf("ValidateRules(%v) = %v; want nil", rules, err)
		}
	}
}

func TestDefaultSensitive(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		path, category, glob string // category "" = not sensitive
	}{
		{".proof/config.yaml", "policy", ".proof/**"},
		{".proof/policy/allow.rego", "policy", ".proof/**"},
		{"CODEOWNERS", "policy", "CODEOWNERS"},
		{".github/CODEOWNERS", "policy", ".github/CODEOWNERS"},
		{".github/workflows/ci.yml", "ci", ".github/workflows/**"},
		{".github/actions/setup/action.yml", "ci", ".github/actions/**"},
		{".gitlab-ci.yml", "ci", ".gitlab-ci.yml"},
		{".gitlab/ci/build.yml", "ci", ".gitlab/ci/**"},
		{".circleci/config.yml", "ci", ".circleci/**"},
		{"Jenkinsfile", "ci", "**/Jenkinsfile"},
		{"deploy/Jenkinsfile", "ci", "**/Jenkinsfile"},
		{"azure-pipelines.yml", "ci", "azure-pipelines.yml"},
		{".buildkite/pipeline.yml", "ci", ".buildkite/**"},
		{".travis.yml", "ci", ".travis.yml"},
		{".drone.yml", "ci", ".drone.yml"},
		{"bitbucket-pipelines.yml", "ci", "bitbucket-pipelines.yml"},
		{".githooks/pre-commit", "hooks", ".githooks/**"},
		{".husky/pre-push", "hooks", ".husky/**"},
		{".pre-commit-config.yaml", "hooks", ".pre-commit-config.yaml"},
		{"lefthook.yml", "hooks", "lefthook.yml"},
		{"go.mod", "deps", "**/go.mod"},
		{"sub/go.mod", "deps", "**/go.mod"},
		{"a/b/c/go.sum", "deps", "**/go.sum"},
		{"web/package.json", "deps", "**/package.json"},
		{"requirements.txt", "deps", "**/requirements*.txt"},
		{"py/requirements-dev.txt", "deps", "**/requirements*.txt"},
		{"Cargo.lock", "deps", "**/Cargo.lock"},
		{"app/build.gradle.kts", "deps", "**/build.gradle.kts"},
		{".gitmodules", "deps", ".gitmodules"},
		// Not sensitive.
		{".gitattributes", "", ""},
		{"README.md", "", ""},
		{"go.modx", "", ""},
		{"notgo.mod", "", ""},
		{"vendor/.github/workflows/ci.yml", "", ""}, // only the top .github is read
		{".github/ISSUE_TEMPLATE/bug.md", "", ""},
		{".proofs/x", "", ""},
	} {
		r := risk.Score(risk.Input{Paths: []risk.ChangedPath{{Path: tc.path, Status: 'M', Additions: 1}}}, risk.Config{})
		switch {
		case tc.category == "" && r.SensitiveCount != 0:
			t.Errorf("Score(%q).Sensitive = %v; want none", tc.path, r.Sensitive)
		case tc.category == "":
		case len(r.Sensitive) != 1 || r.Sensitive[0].Category != tc.category || r.Sensitive[0].Glob != tc.glob:
			t.Errorf("Score(%q).Sensitive = %v; want %s by %q", tc.path, r.Sensitive, tc.category, tc.glob)
		}
	}
}

// DefaultSensitive returns a fresh slice: a caller's change to one does not
// reach the next.
func TestDefaultSensitiveFresh(t *testing.T) {
	t.Parallel()
	a := risk.DefaultSensitive()
	a[0].Glob = "changed"
	_ = append(a[:1], risk.Rule{Glob: "x"})
	if b := risk.DefaultSensitive(); b[0].Glob != ".proof/**" || b[1].Glob == "x" {
		t.Errorf("DefaultSensitive() = %v after a caller changed an earlier result", b[:2])
	}
}

// The first matching rule names a path, so defaults put first keep their
// categories when a project adds a broader rule.
func TestFirstRuleWins(t *testing.T) {
	t.Parallel()
	rules := append(risk.DefaultSensitive(), risk.Rule{Glob: ".github/**", Category: "custom"})
	in := risk.Input{Paths: []risk.ChangedPath{
		{Path: ".github/workflows/ci.yml", Status: 'M'},
		{Path: ".github/labels.yml", Status: 'M'},
	}}
	got := risk.Score(in, risk.Config{Sensitive: rules}).Sensitive
	want := []struct{ path, cat string }{{".github/labels.yml", "custom"}, {".github/workflows/ci.yml", "ci"}}
	if len(got) != len(want) {
		t.Fatalf("Sensitive = %v; want %v", got, want)
	}
	for i, w := range want {
		if got[i].Path != w.path || got[i].Category != w.cat {
			t.Errorf("Sensitive[%d] = %v; want %s (%s)", i, got[i], w.path, w.cat)
		}
	}
}
