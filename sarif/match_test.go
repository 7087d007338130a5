package sarif_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/git-proof/git-proof/sarif"
)

// fnd builds a finding the way Parse would: keys from the rule, file,
// message, snippet and partial fingerprints.
func fnd(rule, file string, line int, msg, snippet string, partial map[string]string) sarif.Finding {
	f := sarif.Finding{Tool: "t", RuleID: rule, Level: "warning", Message: msg, File: file, StartLine: line, EndLine: line}
	f.Identify(snippet, partial)
	return f
}

func pf(hash string) map[string]string {
	return map[string]string{"primaryLocationLineHash": hash, "primaryLocationStartColumnFingerprint": "4"}
}

// describe lists findings as "rule@file:line", for failure messages.
func describe(fs []sarif.Finding) string {
	var s []string
	for _, f := range fs {
		s = append(s, fmt.Sprintf("%s@%s:%d", f.RuleID, f.File, f.StartLine))
	}
	return "[" + strings.Join(s, " ") + "]"
}

func TestMatch(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name                       string
		base, head                 []sarif.Finding
		wantNew, wantFixed, wantUn string
	}{
		{
			name:   "identical",
			base:   []sarif.Finding{fnd("r", "a.go", 3, "m", "", nil)},
			head:   []sarif.Finding{fnd("r", "a.go", 3, "m", "", nil)},
			wantUn: "[r@a.go:3]", wantNew: "[]", wantFixed: "[]",
		},
		{
			name:   "line shift without fingerprints is unchanged",
			base:   []sarif.Finding{fnd("r", "a.go", 3, "m", "x := 1", nil)},
			head:   []sarif.Finding{fnd("r", "a.go", 10, "m", "x := 1", nil)},
			wantUn: "[r@a.go:10]", wantNew: "[]", wantFixed: "[]",
		},
		{
			name:   "re-indented snippet is unchanged",
			base:   []sarif.Finding{fnd("r", "a.go", 3, "m", "\tx := 1", nil)},
			head:   []sarif.Finding{fnd("r", "a.go", 4, "m", "\t\tx  :=  1\n", nil)},
			wantUn: "[r@a.go:4]", wantNew: "[]", wantFixed: "[]",
		},
		{
			name:    "changed snippet is new",
			base:    []sarif.Finding{fnd("r", "a.go", 3, "m", "x := 1", nil)},
			head:    []sarif.Finding{fnd("r", "a.go", 3, "m", "y := 1", nil)},
			wantNew: "[r@a.go:3]", wantFixed: "[r@a.go:3]", wantUn: "[]",
		},
		{
			name:   "position inside the message is ignored",
			base:   []sarif.Finding{fnd("dupl", "b.go", 12, "12-27 lines are duplicate of `a.go:30-45`", "", nil)},
			head:   []sarif.Finding{fnd("dupl", "b.go", 14, "12-27 lines are duplicate of `a.go:32-47`", "", nil)},
			wantUn: "[dupl@b.go:14]", wantNew: "[]", wantFixed: "[]",
		},
		{
			name:    "changed message is new",
			base:    []sarif.Finding{fnd("r", "a.go", 3, "x declared and not used", "", nil)},
			head:    []sarif.Finding{fnd("r", "a.go", 3, "y declared and not used", "", nil)},
			wantNew: "[r@a.go:3]", wantFixed: "[r@a.go:3]", wantUn: "[]",
		},
		{
			name:    "number in the message is kept",
			base:    []sarif.Finding{fnd("gocyclo", "a.go", 3, "cyclomatic complexity 31 of func f is high (> 30)", "", nil)},
			head:    []sarif.Finding{fnd("gocyclo", "a.go", 3, "cyclomatic complexity 32 of func f is high (> 30)", "", nil)},
			wantNew: "[gocyclo@a.go:3]", wantFixed: "[gocyclo@a.go:3]", wantUn: "[]",
		},
		{
			name:    "moved to another file without fingerprints is new",
			base:    []sarif.Finding{fnd("r", "a.go", 3, "m", "", nil)},
			head:    []sarif.Finding{fnd("r", "b.go", 3, "m", "", nil)},
			wantNew: "[r@b.go:3]", wantFixed: "[r@a.go:3]", wantUn: "[]",
		},
		{
			name:   "moved finding with same fingerprint is unchanged",
			base:   []sarif.Finding{fnd("go/path-injection", "server/files.go", 27, "This path depends on a [user-provided value](1).", "", pf("9d1a3b0c4f7e2a61:1"))},
			head:   []sarif.Finding{fnd("go/path-injection", "server/paths.go", 8, "This path depends on a [user-provided value](2).", "", pf("9d1a3b0c4f7e2a61:1"))},
			wantUn: "[go/path-injection@server/paths.go:8]", wantNew: "[]", wantFixed: "[]",
		},
		{
			name:    "same place, different fingerprint is new",
			base:    []sarif.Finding{fnd("go/path-injection", "a.go", 27, "m", "", pf("aaaa:1"))},
			head:    []sarif.Finding{fnd("go/path-injection", "a.go", 27, "m", "", pf("bbbb:1"))},
			wantNew: "[go/path-injection@a.go:27]", wantFixed: "[go/path-injection@a.go:27]", wantUn: "[]",
		},
		{
			name:    "same fingerprint, different rule is new",
			base:    []sarif.Finding{fnd("js/xss", "a.js", 3, "m", "", pf("aaaa:1"))},
			head:    []sarif.Finding{fnd("js/sql-injection", "a.js", 3, "m", "", pf("aaaa:1"))},
			wantNew: "[js/sql-injection@a.js:3]", wantFixed: "[js/xss@a.js:3]", wantUn: "[]",
		},
		{
			name:    "different rules same message are different",
			base:    []sarif.Finding{fnd("errcheck", "a.go", 3, "error not checked", "", nil)},
			head:    []sarif.Finding{fnd("gosec", "a.go", 3, "error not checked", "", nil)},
			wantNew: "[gosec@a.go:3]", wantFixed: "[errcheck@a.go:3]", wantUn: "[]",
		},
		{
			name: "duplicates count: 2 at base, 3 at head is 1 new",
			base: []sarif.Finding{fnd("r", "a.go", 10, "m", "", nil), fnd("r", "a.go", 20, "m", "", nil)},
			head: []sarif.Finding{fnd("r", "a.go", 10, "m", "", nil), fnd("r", "a.go", 15, "m", "", nil), fnd("r", "a.go", 20, "m", "", nil)},
			// The one that appeared between the two that did not move.
			wantNew: "[r@a.go:15]", wantFixed: "[]", wantUn: "[r@a.go:10 r@a.go:20]",
		},
		{
			name:      "duplicates count: 3 at base, 1 at head is 2 fixed",
			base:      []sarif.Finding{fnd("r", "a.go", 1, "m", "", nil), fnd("r", "a.go", 2, "m", "", nil), fnd("r", "a.go", 3, "m", "", nil)},
			head:      []sarif.Finding{fnd("r", "a.go", 2, "m", "", nil)},
			wantFixed: "[r@a.go:1 r@a.go:3]", wantNew: "[]", wantUn: "[r@a.go:2]",
		},
		{
			name:   "fingerprinted on one side only falls back to the content hash",
			base:   []sarif.Finding{fnd("r", "a.go", 3, "m", "s", nil)},
			head:   []sarif.Finding{fnd("r", "a.go", 5, "m", "s", pf("aaaa:1"))},
			wantUn: "[r@a.go:5]", wantNew: "[]", wantFixed: "[]",
		},
		{
			name: "fingerprinted on both sides never falls back",
			// Same content, but the tool says they are different findings.
			base:    []sarif.Finding{fnd("r", "a.go", 3, "m", "s", pf("aaaa:1"))},
			head:    []sarif.Finding{fnd("r", "a.go", 3, "m", "s", pf("aaaa:2"))},
			wantNew: "[r@a.go:3]", wantFixed: "[r@a.go:3]", wantUn: "[]",
		},
		{
			name:    "nothing at base",
			head:    []sarif.Finding{fnd("r", "b.go", 1, "m", "", nil), fnd("r", "a.go", 9, "m", "", nil)},
			wantNew: "[r@a.go:9 r@b.go:1]", wantFixed: "[]", wantUn: "[]",
		},
		{
			name:      "nothing at head",
			base:      []sarif.Finding{fnd("r", "a.go", 9, "m", "", nil)},
			wantFixed: "[r@a.go:9]", wantNew: "[]", wantUn: "[]",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			gotNew, gotFixed, gotUn := sarif.Match(tc.base, tc.head)
			if describe(gotNew) != tc.wantNew || describe(gotFixed) != tc.wantFixed || describe(gotUn) != tc.wantUn {
				t.Errorf("Match = new %s, fixed %s, unchanged %s; want new %s, fixed %s, unchanged %s",
					describe(gotNew), describe(gotFixed), describe(gotUn), tc.wantNew, tc.wantFixed, tc.wantUn)
			}
			if n := len(gotNew) + len(gotUn); n != len(tc.head) {
				t.Errorf("new + unchanged = %d; want len(head) = %d", n, len(tc.head))
			}
			if n := len(gotFixed) + len(gotUn); n != len(tc.base) {
				t.Errorf("fixed + unchanged = %d; want len(base) = %d", n, len(tc.base))
			}
		})
	}
}

// Severity is kept: an unchanged finding is returned as the head has it.
func TestMatchKeepsHeadSeverity(t *testing.T) {
	t.Parallel()
	b := fnd("r", "a.go", 3, "m", "", nil)
	h := b
	h.Level, h.StartLine, h.Suppressed = "error", 7, true
	_, _, un := sarif.Match([]sarif.Finding{b}, []sarif.Finding{h})
	if len(un) != 1 || un[0].Level != "error" || un[0].StartLine != 7 || !un[0].Suppressed {
		t.Errorf("unchanged = %+v; want the head copy (error, line 7, suppressed)", un)
	}
}

// The result does not depend on the order the tool printed findings in, and
// the inputs are left alone.
func TestMatchDeterministic(t *testing.T) {
	t.Parallel()
	base := []sarif.Finding{fnd("r", "a.go", 1, "m", "", nil), fnd("q", "b.go", 2, "n", "", nil), fnd("r", "a.go", 5, "m", "", nil)}
	head := []sarif.Finding{fnd("r", "a.go", 5, "m", "", nil), fnd("r", "a.go", 8, "m", "", nil), fnd("q", "b.go", 2, "n", "", nil), fnd("r", "a.go", 9, "m", "", nil), fnd("z", "c.go", 1, "o", "", nil)}
	n1, f1, u1 := sarif.Match(base, head)
	rb, rh := slices.Clone(base), slices.Clone(head)
	slices.Reverse(rb)
	slices.Reverse(rh)
	n2, f2, u2 := sarif.Match(rb, rh)
	if !slices.Equal(n1, n2) || !slices.Equal(f1, f2) || !slices.Equal(u1, u2) {
		t.Errorf("Match depends on input order:\n%s %s %s\n%s %s %s", describe(n1), describe(f1), describe(u1), describe(n2), describe(f2), describe(u2))
	}
	if got := describe(n1); got != "[r@a.go:9 z@c.go:1]" {
		t.Errorf("new = %s; want [r@a.go:9 z@c.go:1]", got)
	}
	if base[0].RuleID != "r" || base[0].StartLine != 1 || head[0].StartLine != 5 {
		t.Error("Match modified its inputs")
	}
}

// Findings built by hand without keys are matched by their content.
func TestMatchFillsMissingKeys(t *testing.T) {
	t.Parallel()
	b := sarif.Finding{Tool: "review", RuleID: "design", Level: "note", Message: "consider splitting", File: "a.go", StartLine: 3}
	h := b
	h.StartLine = 9
	n, f, u := sarif.Match([]sarif.Finding{b}, []sarif.Finding{h})
	if len(n) != 0 || len(f) != 0 || len(u) != 1 || u[0].Fingerprint == "" {
		t.Errorf("Match(hand-built) = %s %s %s; want one unchanged, with keys", describe(n), describe(f), describe(u))
	}
}

// Real samples: the base is the sample, the head the same sample with every
// line moved and one finding added.
func TestMatchSamples(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"golangci-lint.sarif", "semgrep.sarif", "codeql.sarif", "eslint.sarif"} {
		base := parseFile(t, name, "")
		head := slices.Clone(base)
		for i := range head {
			head[i].StartLine += 40
			head[i].EndLine += 40
		}
		extra := fnd("added", "new.go", 1, "new finding", "", nil)
		head = append(head, extra)
		n, f, u := sarif.Match(base, head)
		if len(n) != 1 || n[0].RuleID != "added" || len(f) != 0 || len(u) != len(base) {
			t.Errorf("%s: Match = new %s, fixed %s, %d unchanged; want only the added one new", name, describe(n), describe(f), len(u))
		}
	}
}

func BenchmarkMatch(b *testing.B) {
	var base, head []sarif.Finding
	for i := range 10000 {
		f := fnd(fmt.Sprintf("r%d", i%50), fmt.Sprintf("f%d.go", i%300), i, "same message", "", nil)
		base = append(base, f)
		f.StartLine += 3
		head = append(head, f)
	}
	b.ResetTimer()
	for range b.N {
		sarif.Match(base, head)
	}
}
