package contract

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/grade")

func TestGradeGolden(t *testing.T) {
	t.Parallel()
	failed := &ReproEvidence{Base: "1a2b3c4d5e6f7a8b9c0d", Results: []ReproResult{{ID: "R1", ExitCode: 1, Failed: true}}}
	passed := &ReproEvidence{Base: "1a2b3c4d5e6f7a8b9c0d", Results: []ReproResult{{ID: "R1", ExitCode: 0}}}
	cases := []struct {
		golden, fixture string
		repro           *ReproEvidence
		grade           string
	}{
		{"gp-42-reproduced", "gp-42.yaml", failed, "A"},
		{"gp-42-not-run", "gp-42.yaml", nil, "C"},
		{"vague-feature", "vague-feature.yaml", nil, "F"},
		{"refactor-medium", "refactor-medium.yaml", nil, "B"},
		{"security-high-reproduced", "security-high.yaml", failed, "A"},
		{"security-high-not-reproduced", "security-high.yaml", passed, "C"},
	}
	for _, tc := range cases {
		r := Grade(parseFixture(t, tc.fixture), tc.repro)
		if r.Grade != tc.grade {
			t.Errorf("Grade(%s) = %s (%d); want %s", tc.golden, r.Grade, r.Score, tc.grade)
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			t.Fatal(err)
		}
		got := buf.Bytes()
		path := filepath.Join("testdata", "grade", tc.golden+".json")
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -update ./contract to write it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("Grade(%s) =\n%s\nwant (%s)\n%s", tc.golden, got, path, want)
		}
	}
}

func TestGradeShape(t *testing.T) {
	t.Parallel()
	names := []string{DimTestability, DimReproduction, DimNegativeCoverage, DimScope, DimClarity, DimCompleteness}
	for _, c := range []*Contract{nil, {}, parseFixture(t, "gp-42.yaml"), parseFixture(t, "vague-feature.yaml")} {
		r := Grade(c, nil)
		if r.Max != 100 || len(r.Dimensions) != 6 {
			t.Fatalf("Grade = max %d, %d dimensions; want 100 and 6", r.Max, len(r.Dimensions))
		}
		sum := 0
		for i, d := range r.Dimensions {
			if d.Name != names[i] || d.Points < 0 || d.Points > d.Max || d.Reason == "" {
				t.Errorf("dimension %d = %+v", i, d)
			}
			sum += d.Points
		}
		if sum != r.Score {
			t.Errorf("Score = %d; dimensions sum to %d", r.Score, sum)
		}
	}
	// The redacted copy grades as the author's copy does.
	c := parseFixture(t, "gp-42.yaml")
	red, err := Redact(c, testSalt)
	if err != nil {
		t.Fatal(err)
	}
	ev := &ReproEvidence{Results: []ReproResult{{ID: "R1", ExitCode: 1, Failed: true}}}
	if a, b := Grade(c, ev), Grade(red, ev); !reflect.DeepEqual(a, b) {
		t.Errorf("Grade(author's) = %+v\nGrade(redacted) = %+v", a, b)
	}
}

func TestGradeReasons(t *testing.T) {
	t.Parallel()
	dim := func(r Report, name string) Dimension {
		for _, d := range r.Dimensions {
			if d.Name == name {
				return d
			}
		}
		t.Fatalf("no dimension %s", name)
		return Dimension{}
	}
	c := parseFixture(t, "gp-42.yaml")
	if d := dim(Grade(c, nil), DimReproduction); d.Points != 0 || d.Reason != "not run: run `git proof contract check` in the repository" {
		t.Errorf("not run: %+v", d)
	}
	if d := dim(Grade(c, &ReproEvidence{}), DimReproduction); d.Points != 0 || !strings.Contains(d.Reason, "no result for R1") {
		t.Errorf("no results: %+v", d)
	}
	c.Repro = nil
	if d := dim(Grade(c, &ReproEvidence{}), DimReproduction); d.Points != 0 || !strings.Contains(d.Reason, "no repro criteria") {
		t.Errorf("no repro: %+v", d)
	}
	v := parseFixture(t, "vague-feature.yaml")
	r := Grade(v, nil)
	if d := dim(r, DimTestability); d.Points != 0 || !strings.Contains(d.Reason, "no check on AC1, AC2") || !strings.Contains(d.Reason, "AC3 (runs true)") {
		t.Errorf("testability: %+v", d)
	}
	if d := dim(r, DimReproduction); d.Points != 0 || !strings.Contains(d.Reason, "nothing shows the feature works") {
		t.Errorf("feature reproduction: %+v", d)
	}
	if d := dim(r, DimClarity); !strings.Contains(d.Reason, `"handles" in AC1`) || !strings.Contains(d.Reason, "[NEEDS CLARIFICATION] in AC2") {
		t.Errorf("clarity: %+v", d)
	}
	v.Scope = Scope{Allow: []string{"**"}}
	if d := dim(Grade(v, nil), DimScope); d.Points != 0 || !strings.Contains(d.Reason, "matches every path") {
		t.Errorf("unbounded scope: %+v", d)
	}
}

func TestLetterAndBelow(t *testing.T) {
	t.Parallel()
	for score, want := range map[int]string{100: "A", 90: "A", 89: "B", 80: "B", 79: "C", 70: "C", 69: "D", 60: "D", 59: "F", 0: "F"} {
		if got := letter(score, 100); got != want {
			t.Errorf("letter(%d) = %s; want %s", score, got, want)
		}
	}
	r := Report{Grade: "C"}
	for min, want := range map[string]bool{"A": true, "B": true, "c": false, "D": false, "F": false, "E": true, "": true} {
		if got := r.Below(min); got != want {
			t.Errorf("Report{C}.Below(%q) = %v; want %v", min, got, want)
		}
	}
	if !ValidGrade("b") || ValidGrade("E") {
		t.Error("ValidGrade")
	}
}

func TestScope(t *testing.T) {
	t.Parallel()
	s := parseFixture(t, "gp-42.yaml").Scope
	got := s.Outside([]string{"internal/semver/semver.go", "go.mod", "internal/semver/testdata/x", "cmd/main.go", "internal/semver/a/b.go"})
	want := []string{"go.mod", "internal/semver/testdata/x", "cmd/main.go"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Outside = %q; want %q", got, want)
	}
	if s.ExceedsMaxFiles(3) || !s.ExceedsMaxFiles(4) || (Scope{}).ExceedsMaxFiles(1000) {
		t.Error("ExceedsMaxFiles")
	}
	if out := (Scope{}).Outside([]string{"a", "b/c"}); out != nil {
		t.Errorf("empty scope: Outside = %q; want nil", out)
	}
	// A broken glob fails closed.
	if (Scope{Deny: []string{"["}}).Allows("a") || (Scope{Allow: []string{"["}}).Allows("[") {
		t.Error("a broken glob let a path through")
	}
}
