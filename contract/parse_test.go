package contract

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// readFixture reads testdata/contracts/NAME.
func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "contracts", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func parseFixture(t testing.TB, name string) *Contract {
	t.Helper()
	c, err := Parse(readFixture(t, name), name)
	if err != nil {
		t.Fatalf("Parse(%s) = %v", name, err)
	}
	return c
}

func TestParseExample(t *testing.T) {
	t.Parallel()
	c := parseFixture(t, "gp-42.yaml")
	if c.ID != "GP-42" || c.Kind != KindBugfix || c.Risk != RiskLow || c.Title != "semver.Compare orders 1.10.0 before 1.9.0" {
		t.Errorf("header = %q %q %q %q", c.ID, c.Kind, c.Risk, c.Title)
	}
	if !strings.HasPrefix(c.Intent, "semver.Compare must order") || !strings.HasSuffix(c.Intent, "comparison.\n") {
		t.Errorf("intent = %q", c.Intent)
	}
	if c.Bug.Current != `Compare("1.10.0", "1.9.0") returns -1.` || len(c.Bug.Unchanged) != 2 {
		t.Errorf("bug = %+v", c.Bug)
	}
	want := Scope{Allow: []string{"internal/semver/**"}, Deny: []string{"go.mod", "go.sum", "internal/semver/testdata/**"}, MaxFiles: 3}
	if !reflect.DeepEqual(c.Scope, want) {
		t.Errorf("scope = %+v; want %+v", c.Scope, want)
	}
	if len(c.NonGoals) != 2 || len(c.Repro) != 1 || len(c.Acceptance) != 2 || len(c.Holdouts) != 2 {
		t.Fatalf("counts: nonGoals %d repro %d acceptance %d holdouts %d", len(c.NonGoals), len(c.Repro), len(c.Acceptance), len(c.Holdouts))
	}
	r := c.Repro[0]
	if r.ID != "R1" || r.EARS != "" || r.Check == nil || r.Check.TimeoutSec != DefaultTimeoutSec || r.Check.Run[4] != "./internal/semver" {
		t.Errorf("repro = %+v %+v", r, r.Check)
	}
	h := c.Holdouts[1]
	if h.ID != "H2" || len(h.Files) != 1 || h.Files[0].Path != "internal/semver/zz_holdout_h2_test.go" || !strings.HasPrefix(h.Files[0].Content, "package semver\n") {
		t.Errorf("holdout = %+v", h)
	}
	if c.Disclosure.Holdouts != DiscloseAfterRun || c.HoldoutCommitment != nil || c.HoldoutSalt != "" {
		t.Errorf("disclosure %+v commitment %v salt %q", c.Disclosure, c.HoldoutCommitment, c.HoldoutSalt)
	}
	// Defaults are filled in: no disclosure means after-run.
	for _, name := range []string{"vague-feature.yaml", "refactor-medium.yaml", "security-high.yaml"} {
		c := parseFixture(t, name)
		if name == "vague-feature.yaml" && c.Disclosure.Holdouts != DiscloseAfterRun {
			t.Errorf("%s: disclosure = %q; want the default", name, c.Disclosure.Holdouts)
		}
	}
}

// head is a valid contract's first nine lines; cases append to it or
// replace it.
const head = `apiVersion: git-proof.dev/contract/v1
id: X-1
title: t
kind: bugfix
intent: fix it
acceptance:
  - id: AC1
    ears: "THE x SHALL y."
    check: {run: [go, test, ./...]}
`

// top is head without its acceptance section (5 lines).
const top = `apiVersion: git-proof.dev/contract/v1
id: X-1
title: t
kind: bugfix
intent: fix it
`

func TestParseErrors(t *testing.T) {
	t.Parallel()
	holdout := func(path string) string {
		return head + "holdouts:\n  - id: H1\n    ears: e\n    files: [{path: " + path + ", content: x}]\n    check: {run: [go, test]}\n"
	}
	cases := []struct {
		name string
		src  string
		line int
		msg  string
	}{
		{"unknown key", head + "titel: x\n", 10, `unknown key "titel" in the document; did you mean "title"?`},
		{"unknown nested key", top + "acceptance:\n  - id: AC1\n    ears: e\n    check: {rnu: [go]}\n", 9, `unknown key "rnu" in acceptance[0].check; did you mean "run"? the keys are run, expect, timeoutSec`},
		{"duplicate key", head + "id: X-2\n", 10, `key "id" is repeated (first at line 2)`},
		{"anchor", head + "nonGoals: &n [a]\n", 10, "anchor &n is not allowed"},
		{"alias", "x: &a 1\n", 1, "anchor &a is not allowed"},
		{"merge key", head + "bug:\n  <<: {current: a}\n", 11, "merge key << is not allowed"},
		{"custom tag", strings.Replace(head, "title: t", "title: !shout t", 1), 3, "tag !shout is not allowed"},
		{"binary tag", strings.Replace(head, "title: t", "title: !!binary dA==", 1), 3, "tag !!binary is not allowed"},
		{"non-string key", head + "1: x\n", 10, "a key must be a plain string"},
		{"int for string", strings.Replace(head, "id: X-1", "id: 42", 1), 2, `id must be a string, but 42 reads as int; quote it: "42"`},
		{"float for string", strings.Replace(head, "title: t", "title: 1.10", 1), 3, `quote it: "1.10"`},
		{"null value", head + "risk:\n", 10, "risk has no value; give one or remove the key"},
		{"empty string", strings.Replace(head, "title: t", `title: "  "`, 1), 3, "title is empty"},
		{"missing title", strings.Replace(head, "title: t\n", "", 1), 1, "title is missing; add a one-line summary"},
		{"missing apiVersion", "# c\n" + strings.Replace(head, "apiVersion: git-proof.dev/contract/v1\n", "", 1), 2, `apiVersion "" is missing or unknown`},
		{"holdouts apiVersion", strings.Replace(head, "contract/v1", "holdouts/v1", 1), 1, "this is a holdouts file, not a contract"},
		{"bad id", strings.Replace(head, "id: X-1", "id: X 1", 1), 2, `id "X 1" is missing or not 1-64 letters`},
		{"missing acceptance", top, 1, "there is no acceptance criterion"},
		{"empty acceptance", top + "acceptance: []\n", 6, "there is no acceptance criterion"},
		{"bad kind", strings.Replace(head, "kind: bugfix", "kind: bugfx", 1), 4, `kind "bugfx" is missing or unknown; give one of bugfix, feature, refactor, security`},
		{"bad risk", head + "risk: huge\n", 10, `risk "huge" is unknown; give one of low, medium, high`},
		{"bad disclosure", head + "disclosure: {holdouts: sometimes}\n", 10, `disclosure.holdouts "sometimes" is unknown; give after-run or never`},
		{"acceptance without ears", top + "acceptance:\n  - id: AC1\n    check: {run: [go]}\n", 7, "acceptance[0] has no ears sentence"},
		{"repro without check", head + "repro:\n  - id: R1\n    ears: e\n", 11, "repro[0] has no check; a repro criterion is a test that fails before the change"},
		{"duplicate criterion id", head + "  - id: AC1\n    ears: again\n", 10, `criterion id "AC1" is used twice (acceptance[0] and acceptance[1])`},
		{"id shared with repro", head + "repro:\n  - id: AC1\n    check: {run: [go]}\n", 7, `criterion id "AC1" is used twice (repro[0] and acceptance[0])`},
		{"run is a string", top + "acceptance:\n  - id: AC1\n    ears: e\n    check: {run: go test ./...}\n", 9, "acceptance[0].check.run must be a list of arguments, as it runs without a shell"},
		{"run is empty", top + "acceptance:\n  - id: AC1\n    ears: e\n    check: {run: []}\n", 9, "acceptance[0].check.run is empty"},
		{"argv0 with a space", top + "acceptance:\n  - id: AC1\n    ears: e\n    check:\n      run: [\"go test\", ./...]\n", 10, `acceptance[0].check.run[0] "go test" contains a space; there is no shell, so split the command into a list: [go, test]`},
		{"argv0 absolute", top + "acceptance:\n  - id: AC1\n    ears: e\n    check:\n      run:\n        - /usr/bin/go\n", 11, "is an absolute path"},
		{"argv0 leaves the tree", top + "acceptance:\n  - id: AC1\n    ears: e\n    check: {run: [../bin/x]}\n", 9, "leaves the repository"},
		{"argv int", top + "acceptance:\n  - id: AC1\n    ears: e\n    check: {run: [go, test, -count, 1]}\n", 9, "acceptance[0].check.run[3] must be a string, but 1 reads as int"},
		{"timeout too long", top + "acceptance:\n  - id: AC1\n    ears: e\n    check:\n      run: [go]\n      timeoutSec: 4000\n", 11, "acceptance[0].check.timeoutSec is 4000; give 1 to 3600 seconds"},
		{"timeout zero", top + "acceptance:\n  - id: AC1\n    ears: e\n    check: {run: [go], timeoutSec: 0}\n", 9, "timeoutSec is 0"},
		{"timeout not a number", top + "acceptance:\n  - id: AC1\n    ears: e\n    check: {run: [go], timeoutSec: 2m}\n", 9, "timeoutSec must be a whole number"},
		{"exit out of range", top + "acceptance:\n  - id: AC1\n    ears: e\n    check:\n      run: [go]\n      expect: {exit: 300}\n", 11, "expect.exit is 300; an exit status is 0 to 255"},
		{"holdout path absolute", holdout("/etc/passwd"), 13, `holdouts[0].files[0].path "/etc/passwd" is absolute`},
		{"holdout path dotdot", holdout("../x_test.go"), 13, "contains '..'; holdout files must stay inside the repository"},
		{"holdout path unclean", holdout("a//b_test.go"), 13, `is not clean; write it as "a/b_test.go"`},
		{"holdout path dot slash", holdout("./b_test.go"), 13, `is not clean; write it as "b_test.go"`},
		{"holdout path in .git", holdout(".git/hooks/pre-commit"), 13, "is inside .git"},
		{"holdout without content", head + "holdouts:\n  - id: H1\n    ears: e\n    files: [{path: a_test.go}]\n    check: {run: [go]}\n", 13, "holdouts[0].files[0] has no content"},
		{"holdout without check", head + "holdouts:\n  - id: H1\n    ears: e\n", 11, "holdouts[0] has no check"},
		{"holdout file twice", head + "holdouts:\n  - id: H1\n    ears: e\n    files: [{path: a_test.go, content: x}]\n    check: {run: [go]}\n  - id: H2\n    ears: e\n    files: [{path: a_test.go, content: y}]\n    check: {run: [go]}\n",
			17, `holdouts[1].files[0].path "a_test.go" is also written by holdouts[0]`},
		{"holdouts and commitment", holdout("a_test.go") + "holdoutCommitment: {count: 1, sha256: " + strings.Repeat("a", 64) + "}\n", 15, "the contract has both holdouts and holdoutCommitment"},
		{"salt in redacted copy", head + "holdoutCommitment: {count: 1, sha256: " + strings.Repeat("a", 64) + "}\nholdoutSalt: " + strings.Repeat("b", 64) + "\n", 11, "a redacted copy must not carry holdoutSalt"},
		{"bad salt", head + "holdoutSalt: abc\n", 10, "holdoutSalt must be 64 lower-case hex digits"},
		{"commitment count zero", head + "holdoutCommitment:\n  count: 0\n  sha256: " + strings.Repeat("a", 64) + "\n", 11, "holdoutCommitment.count is 0"},
		{"commitment bad hash", head + "holdoutCommitment:\n  count: 1\n  sha256: ABC\n", 12, "holdoutCommitment.sha256 must be 64 lower-case hex digits"},
		{"bad glob", head + "scope:\n  allow: [\"/abs/**\"]\n", 11, `scope.allow[0] "/abs/**" is not a glob relative to the repository root`},
		{"unparsable glob", head + "scope:\n  deny:\n    - x\n    - \"[\"\n", 13, `scope.deny[1] "[" is not a glob`},
		{"maxFiles zero", head + "scope: {maxFiles: 0}\n", 10, "scope.maxFiles is 0; give 1 or more"},
		{"empty list item", head + "nonGoals: [a, \"\"]\n", 10, "nonGoals[1] is empty"},
		{"list expected", head + "nonGoals: none\n", 10, "nonGoals must be a list"},
		{"mapping expected", head + "bug: [a]\n", 10, "bug must be a mapping; write it as key: value lines with the keys current, expected, unchanged"},
		{"document is a list", "- a\n- b\n", 1, "the document must be a mapping"},
		{"second document", head + "---\nid: X-2\n", 10, "a second YAML document starts here"},
		{"empty file", "", 0, "the file is empty"},
		{"comments only", "# nothing\n", 0, "the file is empty"},
		{"empty document", "---\n", 2, "the document is empty"},
		{"syntax error", head + "title: [unclosed\n", 10, "YAML syntax:"},
		{"bad indentation", "apiVersion: x\n  id: y\n", 2, "YAML syntax:"},
		{"bidi control", strings.Replace(head, "title: t", "title: \"a\u202eb\"", 1), 3, "bidirectional control U+202E"},
		{"size", head + "intent2: " + strings.Repeat("x", MaxBytes) + "\n", 0, "over the limit of 1048576"},
	}
	if len(cases) < 20 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := Parse([]byte(tc.src), "c.yaml")
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("Parse = %+v, %v; want an *Error", c, err)
			}
			if pe.File != "c.yaml" || pe.Line != tc.line || !strings.Contains(pe.Msg, tc.msg) {
				t.Errorf("Parse error = %s (line %d); want line %d and %q", err, pe.Line, tc.line, tc.msg)
			}
		})
	}
}

func TestErrorFormat(t *testing.T) {
	t.Parallel()
	_, err := Parse([]byte(strings.Replace(head, "kind: bugfix", "kind: fix", 1)), ".proof/contracts/X-1.yaml")
	want := `.proof/contracts/X-1.yaml:4: kind "fix" is missing or unknown; give one of bugfix, feature, refactor, security`
	if err == nil || err.Error() != want {
		t.Errorf("Parse error = %v; want %s", err, want)
	}
	_, err = Parse([]byte(head+"title: [x\n"), "c.yaml")
	var pe *Error
	if !errors.As(err, &pe) || pe.Unwrap() == nil || !strings.Contains(err.Error(), "; check indentation") {
		t.Errorf("syntax error = %v; want a wrapped YAML error with a hint", err)
	}
	for _, e := range []*Error{{File: "f", Msg: "m"}, {Line: 3, Msg: "m"}, {Msg: "m"}} {
		if got := e.Error(); !strings.HasSuffix(got, "m") || strings.HasPrefix(got, ":") {
			t.Errorf("Error() = %q", got)
		}
	}
}

func TestParseAccepts(t *testing.T) {
	t.Parallel()
	for _, src := range []string{
		head + "risk: high\nscope: {}\nbug: {}\nnonGoals: []\n",
		head + "repro:\n  - id: R1\n    check: {run: [./scripts/repro.sh], expect: {exit: 1}, timeoutSec: 3600}\n",
		"%YAML 1.1\n---\n" + head, // yaml.v3 knows no other version
		head + "holdouts:\n  - id: H1\n    ears: e\n    files: [{path: pkg/.hidden/a_test.go, content: \"\"}]\n    check: {run: [make, check]}\n",
		strings.Replace(head, "title: t", "title: !!str 1.10", 1),
	} {
		if _, err := Parse([]byte(src), "c.yaml"); err != nil {
			t.Errorf("Parse(%q) = %v", src, err)
		}
	}
	// Spelled-out defaults read the same as left-out ones.
	a, err := Parse([]byte(head), "a.yaml")
	if err != nil {
		t.Fatal(err)
	}
	b, err := Parse([]byte(strings.Replace(head, "{run: [go, test, ./...]}", "{run: [go, test, ./...], expect: {exit: 0}, timeoutSec: 120}", 1)+"disclosure: {holdouts: after-run}\n"), "b.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Errorf("defaults: %+v != %+v", a, b)
	}
}

func TestParseHoldoutsErrors(t *testing.T) {
	t.Parallel()
	salt := strings.Repeat("ab", 32)
	good := "apiVersion: git-proof.dev/holdouts/v1\ncontract: GP-42\nsalt: " + salt + "\nholdouts:\n  - id: H1\n    ears: e\n    check: {run: [go]}\n"
	if _, err := ParseHoldouts([]byte(good), "h.yaml"); err != nil {
		t.Fatalf("ParseHoldouts(good) = %v", err)
	}
	cases := []struct {
		name, src string
		line      int
		msg       string
	}{
		{"contract apiVersion", strings.Replace(good, "holdouts/v1", "contract/v1", 1), 1, "this is a contract, not a holdouts file"},
		{"bad salt", strings.Replace(good, salt, "xyz", 1), 3, "salt must be 64 lower-case hex digits"},
		{"bad contract id", strings.Replace(good, "GP-42", "\"GP 42\"", 1), 2, `contract "GP 42" is missing or not a contract id`},
		{"missing holdouts", strings.Split(good, "holdouts:\n")[0], 1, "missing key holdouts"},
		{"unknown key", good + "extra: 1\n", 8, `unknown key "extra"`},
		{"duplicate holdout", good + "  - id: H1\n    ears: f\n    check: {run: [go]}\n", 8, `criterion id "H1" is used twice`},
		{"bad path", strings.Replace(good, "    check:", "    files: [{path: /x, content: y}]\n    check:", 1), 7, "is absolute"},
		{"alias", good + "x: *a\n", 0, "YAML syntax: unknown anchor"},
		{"two documents", good + "---\na: 1\n", 8, "a second YAML document"},
	}
	cases = append(cases, struct {
		name, src string
		line      int
		msg       string
	}{"a contract", string(readFixture(t, "gp-42.yaml")), 2, "this is a contract, not a holdouts file"})
	if _, err := Parse([]byte(good), "h.yaml"); err == nil || !strings.Contains(err.Error(), "h.yaml:1: this is a holdouts file, not a contract") {
		t.Errorf("Parse(holdouts file) = %v", err)
	}
	for _, tc := range cases {
		_, err := ParseHoldouts([]byte(tc.src), "h.yaml")
		var pe *Error
		if !errors.As(err, &pe) || pe.Line != tc.line || !strings.Contains(pe.Msg, tc.msg) {
			t.Errorf("%s: ParseHoldouts = %v; want line %d and %q", tc.name, err, tc.line, tc.msg)
		}
	}
}

func TestValidateBuiltInGo(t *testing.T) {
	t.Parallel()
	c := &Contract{APIVersion: APIVersion, ID: "G-1", Title: "t", Kind: KindFeature, Intent: "i",
		Acceptance: []Criterion{{ID: "AC1", EARS: "THE x SHALL y.", Check: &Check{Run: []string{"go", "test"}}}}}
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate = %v; want defaults to count as filled in", err)
	}
	c.Acceptance[0].Check.Run = []string{"/bin/sh", "-c", "x"}
	var pe *Error
	if err := c.Validate(); !errors.As(err, &pe) || pe.Line != 0 || !strings.Contains(err.Error(), "absolute path") {
		t.Errorf("Validate = %v; want an absolute-path *Error without a line", err)
	}
}
