package checks

import (
	"reflect"
	"strings"
	"testing"
)

// outcome builds an Outcome from "status id" pairs.
func outcome(pairs ...string) *Outcome {
	o := &Outcome{Format: FormatGoTestJSON}
	for _, p := range pairs {
		st, id, _ := strings.Cut(p, " ")
		o.Results = append(o.Results, Result{ID: id, Status: Status(st)})
	}
	return o
}

func TestCompareRules(t *testing.T) {
	timedOut := func(o *Outcome) *Outcome { o.TimedOut = true; return o }
	unparsed := func(o *Outcome) *Outcome { o.ParseError = "no events"; return o }
	tests := []struct {
		name              string
		base, repro, head *Outcome
		want              Comparison
	}{
		{
			name:  "fixed: fails at repro, passes at head",
			base:  outcome("pass p", "pass p.TestOld"),
			repro: outcome("fail p", "pass p.TestOld", "fail p.TestNew"),
			head:  outcome("pass p", "pass p.TestOld", "pass p.TestNew"),
			want:  Comparison{Fixed: []string{"p.TestNew"}, Added: []string{"p.TestNew"}},
		},
		{
			name:  "passing at repro too is not fixed",
			base:  outcome("pass p"),
			repro: outcome("pass p", "pass p.TestNew"),
			head:  outcome("pass p", "pass p.TestNew"),
			want:  Comparison{Added: []string{"p.TestNew"}},
		},
		{
			name: "no repro: fixed against base",
			base: outcome("fail p", "fail p.TestA"),
			head: outcome("pass p", "pass p.TestA"),
			want: Comparison{Fixed: []string{"p.TestA"}},
		},
		{
			name:  "repro given: base does not count for fixed",
			base:  outcome("fail p.TestA"),
			repro: outcome("pass p.TestA"),
			head:  outcome("pass p.TestA"),
			want:  Comparison{},
		},
		{
			name: "regressed test and package",
			base: outcome("pass p", "pass p.TestA", "pass p.TestB"),
			head: outcome("fail p", "fail p.TestA", "pass p.TestB"),
			want: Comparison{Regressed: []string{"p.TestA"}, FailedAtHead: []string{"p", "p.TestA"}},
		},
		{
			name: "package that no longer builds regresses its tests",
			base: outcome("pass p", "pass p.TestA", "pass p.TestA/sub", "skip p.TestS"),
			head: outcome("fail p"),
			want: Comparison{Regressed: []string{"p.TestA", "p.TestA/sub"}, FailedAtHead: []string{"p"}},
		},
		{
			name:  "build failure at repro counts as fail",
			base:  outcome("pass example.com/m/calc", "pass example.com/m/calc.TestOld"),
			repro: outcome("fail example.com/m/calc"),
			head:  outcome("pass example.com/m/calc", "pass example.com/m/calc.TestOld", "pass example.com/m/calc.TestNew/case_1"),
			want: Comparison{
				Fixed: []string{"example.com/m/calc.TestNew/case_1", "example.com/m/calc.TestOld"},
				Added: []string{"example.com/m/calc.TestNew/case_1"},
			},
		},
		{
			name: "removed tests",
			base: outcome("pass p", "pass p.TestGone", "fail p.TestGoneFailing", "pass q", "pass q.TestQ"),
			head: outcome("pass p"),
			want: Comparison{Removed: []string{"p.TestGone", "p.TestGoneFailing", "q.TestQ"}},
		},
		{
			name: "test missing from a package that ran and failed is removed",
			base: outcome("pass p", "pass p.TestA"),
			head: outcome("fail p", "fail p.TestB"),
			want: Comparison{Regressed: []string{"p"}, Added: []string{"p.TestB"}, Removed: []string{"p.TestA"}, FailedAtHead: []string{"p", "p.TestB"}},
		},
		{
			name:  "package whose binary died before any test",
			base:  outcome("pass p", "pass p.TestA"),
			repro: outcome("fail p"),
			head:  outcome("pass p", "pass p.TestA"),
			want:  Comparison{Fixed: []string{"p.TestA"}},
		},
		{
			name: "nil base: everything at head is added",
			head: outcome("pass p", "pass p.TestA", "fail p.TestB"),
			want: Comparison{Added: []string{"p.TestA", "p.TestB"}, FailedAtHead: []string{"p.TestB"}},
		},
		{
			name:  "nil base with repro",
			repro: outcome("fail p", "fail p.TestA"),
			head:  outcome("pass p", "pass p.TestA"),
			want:  Comparison{Fixed: []string{"p.TestA"}, Added: []string{"p.TestA"}},
		},
		{
			name: "nil head",
			base: outcome("pass p"),
			want: Comparison{Removed: []string{"p"}},
		},
		{
			name: "all nil",
			want: Comparison{},
		},
		{
			name:  "exit-code check",
			base:  &Outcome{Format: FormatExitCode, ExitCode: 0, Results: []Result{{ID: "lint", Status: StatusPass}}},
			repro: &Outcome{Format: FormatExitCode, ExitCode: 0, Results: []Result{{ID: "lint", Status: StatusPass}}},
			head:  &Outcome{Format: FormatExitCode, ExitCode: 1, Results: []Result{{ID: "lint", Status: StatusFail}}},
			want:  Comparison{Regressed: []string{"lint"}, FailedAtHead: []string{"lint"}},
		},
		{
			name:  "exit-code check fixed",
			repro: &Outcome{Format: FormatExitCode, ExitCode: 1, Results: []Result{{ID: "test", Status: StatusFail}}},
			base:  &Outcome{Format: FormatExitCode, ExitCode: 1, Results: []Result{{ID: "test", Status: StatusFail}}},
			head:  &Outcome{Format: FormatExitCode, Results: []Result{{ID: "test", Status: StatusPass}}},
			want:  Comparison{Fixed: []string{"test"}},
		},
		{
			name: "timed out at head: what did not run failed",
			base: outcome("pass p", "pass p.TestA", "pass q", "pass q.TestQ"),
			head: timedOut(outcome("pass p", "pass p.TestA", "fail q.TestQ")),
			want: Comparison{Regressed: []string{"q.TestQ"}, FailedAtHead: []string{"q.TestQ"}},
		},
		{
			name: "timed out at head, but the package ran to the end without the test",
			base: outcome("pass p", "pass p.TestA"),
			head: timedOut(outcome("pass p")),
			want: Comparison{Removed: []string{"p.TestA"}},
		},
		{
			name: "unparsable head report",
			base: outcome("pass p", "pass p.TestA"),
			head: unparsed(outcome()),
			want: Comparison{Regressed: []string{"p.TestA"}},
		},
		{
			name:  "unparsable repro report",
			repro: unparsed(outcome()),
			head:  outcome("pass p", "pass p.TestA"),
			want:  Comparison{Fixed: []string{"p.TestA"}, Added: []string{"p.TestA"}},
		},
		{
			name: "skip is neither pass nor fail; a test that ran at base and is skipped at head is skipped",
			base: outcome("skip p.TestA", "pass p.TestB", "fail p.TestC"),
			head: outcome("fail p.TestA", "skip p.TestB", "skip p.TestC"),
			want: Comparison{Skipped: []string{"p.TestB", "p.TestC"}, FailedAtHead: []string{"p.TestA"}},
		},
		{
			name: "a flaky repro is not a repro",
			base: outcome("pass p", "pass p.TestOld"),
			repro: func() *Outcome {
				o := outcome("fail p", "pass p.TestOld", "fail p.TestNew")
				o.Flaky = []string{"p.TestNew"}
				return o
			}(),
			head: outcome("pass p", "pass p.TestOld", "pass p.TestNew"),
			want: Comparison{Added: []string{"p.TestNew"}, Flaky: []string{"p.TestNew"}},
		},
		{
			name: "a package flaky on its own is reported",
			base: outcome("pass p", "pass p.TestA"),
			repro: func() *Outcome {
				o := outcome("fail p", "pass p.TestA")
				o.Flaky = []string{"p"}
				return o
			}(),
			head: outcome("pass p", "pass p.TestA"),
			want: Comparison{Flaky: []string{"p"}},
		},
		{
			name: "duplicates are reported once",
			base: outcome("pass p.TestA", "pass p.TestA"),
			head: outcome("fail p.TestA", "fail p.TestA"),
			want: Comparison{Regressed: []string{"p.TestA"}, FailedAtHead: []string{"p.TestA"}},
		},
		{
			name: "a subtest is not the package of its sibling",
			base: outcome("pass p", "pass p.TestA", "pass p.TestA/X", "pass p.TestA/X.Y"),
			head: outcome("pass p", "fail p.TestA", "fail p.TestA/X"),
			want: Comparison{
				Regressed:    []string{"p.TestA", "p.TestA/X"},
				Removed:      []string{"p.TestA/X.Y"},
				FailedAtHead: []string{"p.TestA", "p.TestA/X"},
			},
		},
		{
			name: "dotted package paths",
			base: outcome("pass gopkg.in/yaml.v3", "pass gopkg.in/yaml.v3.TestA", "pass gopkg.in/yaml", "pass gopkg.in/yaml.TestB"),
			head: outcome("fail gopkg.in/yaml.v3", "pass gopkg.in/yaml"),
			want: Comparison{
				Regressed:    []string{"gopkg.in/yaml.v3.TestA"},
				Removed:      []string{"gopkg.in/yaml.TestB"},
				FailedAtHead: []string{"gopkg.in/yaml.v3"},
			},
		},
		{
			name: "nested packages do not share results",
			base: outcome("pass a/b", "pass a/b.TestX", "pass a/b/c", "pass a/b/c.TestY"),
			head: outcome("fail a/b", "pass a/b/c"),
			want: Comparison{
				Regressed:    []string{"a/b.TestX"},
				Removed:      []string{"a/b/c.TestY"},
				FailedAtHead: []string{"a/b"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Compare(tt.base, tt.repro, tt.head)
			if !equalComparison(got, tt.want) {
				t.Errorf("Compare:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// equalComparison compares, treating nil and empty lists alike.
func equalComparison(a, b Comparison) bool {
	norm := func(s []string) []string {
		if len(s) == 0 {
			return nil
		}
		return s
	}
	return reflect.DeepEqual(norm(a.Fixed), norm(b.Fixed)) &&
		reflect.DeepEqual(norm(a.Regressed), norm(b.Regressed)) &&
		reflect.DeepEqual(norm(a.Added), norm(b.Added)) &&
		reflect.DeepEqual(norm(a.Removed), norm(b.Removed)) &&
		reflect.DeepEqual(norm(a.Skipped), norm(b.Skipped)) &&
		reflect.DeepEqual(norm(a.Flaky), norm(b.Flaky)) &&
		reflect.DeepEqual(norm(a.FailedAtHead), norm(b.FailedAtHead))
}

// TestCompareReal runs real go tests on the three trees of a bug fix:
// base (buggy code, old tests), repro (buggy code, new tests) and head
// (fixed code, new tests), where head also breaks Double and drops a test.
func TestCompareReal(t *testing.T) {
	t.Parallel()
	buggy := map[string]string{
		"calc/abs.go":    "package calc\n\nfunc Abs(x int) int { return x } // bug: negative x\n",
		"calc/double.go": "package calc\n\nfunc Double(x int) int { return 2 * x }\n",
		"util/util.go":   "package util\n\nfunc Three() int { return 3 }\n",
	}
	fixed := map[string]string{
		"calc/abs.go":    "package calc\n\nfunc Abs(x int) int {\n\tif x < 0 {\n\t\treturn -x\n\t}\n\treturn x\n}\n",
		"calc/double.go": "package calc\n\nfunc Double(x int) int { return x + x + 1 } // regression\n",
		"util/util.go":   "package util\n\nfunc Three() int { return 3 }\n",
	}
	oldTests := map[string]string{
		"calc/calc_test.go": `package calc

import "testing"

func TestAbsPositive(t *testing.T) { if Abs(2) != 2 { t.Fail() } }
func TestDouble(t *testing.T)      { if Double(2) != 4 { t.Fail() } }
func TestLegacy(t *testing.T)      {}
`,
		"util/util_test.go": "package util\n\nimport \"testing\"\n\nfunc TestThree(t *testing.T) { if Three() != 3 { t.Fail() } }\n",
	}
	newTests := map[string]string{
		"calc/calc_test.go": `package calc

import "testing"

func TestAbsPositive(t *testing.T) { if Abs(2) != 2 { t.Fail() } }
func TestDouble(t *testing.T)      { if Double(2) != 4 { t.Fail() } }
func TestAbsNegative(t *testing.T) {
	for _, x := range []int{-1, -7} {
		t.Run("x", func(t *testing.T) { if Abs(x) != -x { t.Errorf("Abs(%d) = %d", x, Abs(x)) } })
	}
}
`,
		"util/util_test.go": "package util\n\nimport \"testing\"\n\nfunc TestThree(t *testing.T) { if Three() != 3 { t.Fail() } }\nfunc TestNew(t *testing.T) {}\n",
	}
	merge := func(a, b map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range a {
			m[k] = v
		}
		for k, v := range b {
			m[k] = v
		}
		return m
	}
	var base, repro, head *Outcome
	for _, tree := range []struct {
		files map[string]string
		out   **Outcome
	}{{merge(buggy, oldTests), &base}, {merge(buggy, newTests), &repro}, {merge(fixed, newTests), &head}} {
		*tree.out, _ = runGo(t, tree.files, "go test -json ./...")
		if (*tree.out).Format != FormatGoTestJSON || (*tree.out).ParseError != "" {
			t.Fatalf("outcome %+v", *tree.out)
		}
	}
	got := Compare(base, repro, head)
	want := Comparison{
		Fixed: []string{
			"example.com/m/calc.TestAbsNegative",
			"example.com/m/calc.TestAbsNegative/x",
			"example.com/m/calc.TestAbsNegative/x#01",
		},
		Regressed: []string{"example.com/m/calc.TestDouble"},
		Added: []string{
			"example.com/m/calc.TestAbsNegative",
			"example.com/m/calc.TestAbsNegative/x",
			"example.com/m/calc.TestAbsNegative/x#01",
			"example.com/m/util.TestNew",
		},
		Removed:      []string{"example.com/m/calc.TestLegacy"},
		FailedAtHead: []string{"example.com/m/calc", "example.com/m/calc.TestDouble"},
	}
	if !equalComparison(got, want) {
		t.Errorf("Compare:\n got %+v\nwant %+v", got, want)
	}
}
