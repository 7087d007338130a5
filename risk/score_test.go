package risk_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/git-proof/git-proof/proofpack"
	"github.com/git-proof/git-proof/risk"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func pass() *proofpack.TreeResult { return &proofpack.TreeResult{Status: "pass"} }
func fail() *proofpack.TreeResult { return &proofpack.TreeResult{Status: "fail", ExitCode: 1} }

// manyFiles returns n changed Go files spread over dirs directories.
func manyFiles(n, dirs int) []risk.ChangedPath {
	out := make([]risk.ChangedPath, n)
	for i := range out {
		out[i] = risk.ChangedPath{Path: fmt.Sprintf("pkg%02d/file%03d.go", i%dirs, i), Status: 'M', Additions: 10, Deletions: 8}
	}
	return out
}

func oneLineFix() []risk.ChangedPath {
	return []risk.ChangedPath{{Path: "calc/add.go", Status: 'M', Additions: 1, Deletions: 1}}
}

func goModChange() []risk.ChangedPath {
	return []risk.ChangedPath{
		{Path: "tools/go.mod", Status: 'M', Additions: 1},
		{Path: "tools/go.sum", Status: 'M', Additions: 2},
		{Path: "tools/gen.go", Status: 'M', Additions: 6, Deletions: 3},
	}
}

func proofChange() []risk.ChangedPath {
	return []risk.ChangedPath{{Path: ".proof/config.yaml", Status: 'M', Additions: 3, Deletions: 1}}
}

func regression() []risk.ChangedPath {
	return []risk.ChangedPath{{Path: "calc/add.go", Status: 'M', Additions: 5, Deletions: 2}}
}

var goldenCases = []struct {
	name string
	in   risk.Input
	cfg  risk.Config
}{
	{name: "empty"},
	{
		name: "one-line-fix-fixed",
		in: risk.Input{Paths: oneLineFix(), Checks: []proofpack.Check{
			{Name: "unit", Base: fail(), Head: pass(), Fixed: []string{"calc.TestAdd"}},
		}},
	},
	{
		name: "one-line-fix-no-repro",
		in:   risk.Input{Paths: oneLineFix(), Checks: []proofpack.Check{{Name: "unit", Base: pass(), Head: pass()}}},
	},
	{
		name: "one-line-fix-no-checks",
		in:   risk.Input{Paths: oneLineFix()},
	},
	{
		name: "refactor-300-files",
		in:   risk.Input{Paths: manyFiles(300, 40), Checks: []proofpack.Check{{Name: "unit", Base: pass(), Head: pass()}}},
	},
	{
		name: "refactor-300-files-fixed",
		in: risk.Input{Paths: manyFiles(300, 40), Checks: []proofpack.Check{
			{Name: "unit", Base: fail(), Head: pass(), Fixed: []string{"pkg00.TestA", "pkg01.TestB"}},
		}},
	},
	{
		name: "proof-config",
		in: risk.Input{
			Paths:  proofChange(),
			Checks: []proofpack.Check{{Name: "unit", Base: pass(), Head: pass()}},
		},
	},
	{
		name: "ci-config",
		in: risk.Input{
			Paths: []risk.ChangedPath{
				{Path: ".github/workflows/ci.yml", Status: 'M', Additions: 5, Deletions: 2},
				{Path: "build/Jenkinsfile", Status: 'A', Additions: 30},
				{Path: "main.go", Status: 'M', Additions: 4, Deletions: 4},
			},
			Checks: []proofpack.Check{{Name: "unit", Base: fail(), Head: pass(), Fixed: []string{"main.TestRun"}}},
		},
	},
	{
		name: "go-mod-subdir",
		in: risk.Input{
			Paths:  goModChange(),
			Checks: []proofpack.Check{{Name: "unit", Base: pass(), Head: pass()}},
		},
	},
	{
		name: "regressed-test",
		in: risk.Input{
			Paths: regression(),
			Checks: []proofpack.Check{
				{Name: "unit", Base: pass(), Head: fail(), Regressed: []string{"calc.TestSub"}},
				{Name: "lint", Base: pass(), Head: pass()},
			},
		},
	},
	{
		name: "removed-and-flaky",
		in: risk.Input{
			Paths: []risk.ChangedPath{
				{Path: "calc/add.go", Status: 'M', Additions: 5, Deletions: 2},
				{Path: "calc/add_test.go", Status: 'M', Deletions: 40},
			},
			Checks: []proofpack.Check{{
				Name: "unit", Base: fail(), Head: pass(),
				Fixed:   []string{"calc.TestRace"},
				Removed: []string{"calc.TestOld1", "calc.TestOld2"},
				Flaky:   []string{"calc.TestRace"},
			}},
		},
	},
	{
		// Normalize cut the lists; the counts are exact.
		name: "truncated-counts",
		in: risk.Input{
			Paths: manyFiles(12, 3),
			Checks: []proofpack.Check{
				{Name: "unit", Base: fail(), Head: fail(), Truncated: true,
					Fixed: []string{"a.TestF"}, Regressed: []string{"a.TestR"},
					Counts: proofpack.Counts{Fixed: 80, Regressed: 70}},
				{Name: "e2e", Head: nil, Counts: proofpack.Counts{Removed: 3}},
			},
		},
	},
	{
		name: "unicode-space-newline-paths",
		in: risk.Input{
			Paths: []risk.ChangedPath{
				{Path: "docs/naïve café.md", Status: 'M', Additions: 2, Deletions: 2},
				{Path: "dir with space/file name.go", Status: 'A', Additions: 10},
				{Path: "weird\nname.go", Status: 'M', Additions: 1},
				{Path: ".github/workflows/new\nline.yml", Status: 'A', Additions: 3},
				{Path: "bad\xffutf8/go.mod", Status: 'M', Additions: 1},
				{Path: "日本/画像.png", Status: 'A', Binary: true},
			},
			Checks: []proofpack.Check{{Name: "unit\tall", Base: fail(), Head: pass(), Fixed: []string{"x.Test\nNewline"}}},
		},
	},
	{
		name: "later-issues",
		in: risk.Input{
			Paths: []risk.ChangedPath{
				{Path: "api/server.go", Status: 'M', Additions: 40, Deletions: 25},
				{Path: "api/client.go", Status: 'M', Additions: 3, Deletions: 3},
				{Path: "go.mod", Status: 'M', Additions: 2},
				{Path: "go.sum", Status: 'M', Additions: 4},
			},
			Checks:       []proofpack.Check{{Name: "unit", Base: fail(), Head: pass(), Fixed: []string{"api.TestServe"}}},
			Hunks:        &risk.HunkSummary{Total: 7, Essential: 4, FormattingOnly: 2, CommentOnly: 1, CodeChange: 3, DeclRemoved: 1},
			APIChanges:   3,
			APIBreaks:    1,
			Dependencies: &risk.DepSummary{Added: 1, Changed: 2, Removed: 1},
		},
	},
	{
		// Measured, but nothing to report: no factor is listed.
		name: "later-issues-zero",
		in: risk.Input{
			Paths:        oneLineFix(),
			Checks:       []proofpack.Check{{Name: "unit", Base: fail(), Head: pass(), Fixed: []string{"calc.TestAdd"}}},
			Hunks:        &risk.HunkSummary{Total: 2, FormattingOnly: 1, CommentOnly: 1},
			Dependencies: &risk.DepSummary{},
		},
	},
	{
		name: "clamped",
		in: risk.Input{
			Paths: append(manyFiles(250, 60),
				risk.ChangedPath{Path: ".proof/policy/allow.rego", Status: 'A', Additions: 3},
				risk.ChangedPath{Path: ".github/workflows/release.yml", Status: 'M', Additions: 1},
				risk.ChangedPath{Path: ".husky/pre-push", Status: 'D', Deletions: 4},
				risk.ChangedPath{Path: "web/package-lock.json", Status: 'M', Additions: 900, Deletions: 700},
			),
			Checks:     []proofpack.Check{{Name: "unit", Base: pass(), Head: fail(), Regressed: []string{"a.TestA", "b.TestB"}}},
			APIChanges: 5, APIBreaks: 5,
		},
	},
	{
		name: "custom-rules",
		in: risk.Input{Paths: []risk.ChangedPath{
			{Path: "secrets/keys.go", Status: 'M', Additions: 2, Deletions: 1},
			{Path: "infra/main.tf", Status: 'M', Additions: 2, Deletions: 1},
			{Path: "go.mod", Status: 'M', Additions: 1},
		}},
		// The defaults are replaced, a bad glob matches nothing and an
		// unknown category weighs as custom.
		cfg: risk.Config{Sensitive: []risk.Rule{
			{Glob: "[", Category: "custom"},
			{Glob: "secrets/**", Category: "vault"},
			{Glob: "infra/**"},
			{Glob: "**/*.tf", Category: "ci"},
		}},
	},
	{
		name: "no-rules",
		in:   risk.Input{Paths: []risk.ChangedPath{{Path: ".proof/config.yaml", Status: 'M', Additions: 1}}},
		cfg:  risk.Config{Sensitive: []risk.Rule{}},
	},
}

func TestScoreGolden(t *testing.T) {
	t.Parallel()
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := risk.Score(tc.in, tc.cfg)
			checkInvariants(t, got)
			data, err := json.MarshalIndent(got, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			data = append(data, '\n')
			file := filepath.Join("testdata", tc.name+".golden")
			if *update {
				if err := os.WriteFile(file, data, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run go test ./risk -update to create it)", err)
			}
			if !bytes.Equal(data, want) {
				t.Errorf("Score(%s) =\n%s\nwant (%s)\n%s", tc.name, data, file, want)
			}
		})
	}
}

// checkInvariants checks what holds of every score: in [0, 1] in
// hundredths, the factors add up to it, blast-radius first and clamp last,
// the sensitive paths sorted and counted.
func checkInvariants(t *testing.T, r proofpack.Risk) {
	t.Helper()
	if r.Score < 0 || r.Score > 1 || math.IsNaN(r.Score) {
		t.Errorf("Score = %v; want in [0, 1]", r.Score)
	}
	if h := r.Score * 100; math.Abs(h-math.Round(h)) > 1e-9 {
		t.Errorf("Score = %v; want hundredths", r.Score)
	}
	sum := 0
	for i, f := range r.Factors {
		h := f.Points * 100
		if math.Abs(h-math.Round(h)) > 1e-9 {
			t.Errorf("factor %s points = %v; want hundredths", f.Name, f.Points)
		}
		sum += int(math.Round(h))
		if f.Detail == "" {
			t.Errorf("factor %s has no detail", f.Name)
		}
		if f.Name == risk.FactorClamp && i != len(r.Factors)-1 {
			t.Errorf("clamp is factor %d of %d; want last", i, len(r.Factors))
		}
	}
	if len(r.Factors) == 0 || r.Factors[0].Name != risk.FactorBlastRadius {
		t.Errorf("factors = %v; want blast-radius first", r.Factors)
	}
	if want := int(math.Round(r.Score * 100)); sum != want {
		t.Errorf("factors sum to %d hundredths; score is %d", sum, want)
	}
	if r.SensitiveCount != len(r.Sensitive) || r.Sensitive == nil {
		t.Errorf("SensitiveCount = %d, len(Sensitive) = %d (nil: %v)", r.SensitiveCount, len(r.Sensitive), r.Sensitive == nil)
	}
	for i := 1; i < len(r.Sensitive); i++ {
		if r.Sensitive[i-1].Path > r.Sensitive[i].Path {
			t.Errorf("Sensitive not sorted: %q before %q", r.Sensitive[i-1].Path, r.Sensitive[i].Path)
		}
	}
}

// The numbers the package documentation quotes.
func TestDocNumbers(t *testing.T) {
	t.Parallel()
	paths := []risk.ChangedPath{
		{Path: "calc/add.go", Status: 'M', Additions: 12, Deletions: 3},
		{Path: "calc/add_test.go", Status: 'M', Additions: 20},
		{Path: ".github/workflows/ci.yml", Status: 'M', Additions: 2, Deletions: 1},
		{Path: "docs/logo.png", Status: 'A', Binary: true},
	}
	fixed := []proofpack.Check{{Name: "unit", Head: pass(), Fixed: []string{"calc.TestAddOverflow"}}}
	noFixed := []proofpack.Check{{Name: "unit", Head: pass()}}
	noCI := []risk.ChangedPath{paths[0], paths[1], paths[3]}
	regressed := []proofpack.Check{{Name: "unit", Base: pass(), Head: fail(), Regressed: []string{"calc.TestSub"}}}
	mediumChange := func() []risk.ChangedPath {
		out := manyFiles(10, 3) // 10 files, 180 lines, 3 packages
		out[0].Additions += 20
		return out
	}
	for _, tc := range []struct {
		name string
		in   risk.Input
		want float64
	}{
		{"worked example", risk.Input{Paths: paths, Checks: fixed}, 0.53},
		{"without the fixed test", risk.Input{Paths: paths, Checks: noFixed}, 0.68},
		{"without the CI tweak", risk.Input{Paths: noCI, Checks: fixed}, 0.14},
		{"one-line fix, fixed", risk.Input{Paths: oneLineFix(), Checks: fixed}, 0.03},
		{"one-line fix, not fixed", risk.Input{Paths: oneLineFix(), Checks: noFixed}, 0.16},
		{"medium change, fixed", risk.Input{Paths: mediumChange(), Checks: fixed}, 0.24},
		{"medium change, not fixed", risk.Input{Paths: mediumChange(), Checks: noFixed}, 0.39},
		{"go.mod", risk.Input{Paths: goModChange(), Checks: noFixed}, 0.40},
		{"300-file refactor", risk.Input{Paths: manyFiles(300, 40), Checks: noFixed}, 0.70},
		{"300-file refactor, fixed", risk.Input{Paths: manyFiles(300, 40), Checks: fixed}, 0.55},
		{".proof/", risk.Input{Paths: proofChange(), Checks: noFixed}, 0.58},
		{"regression", risk.Input{Paths: regression(), Checks: regressed}, 0.88},
	} {
		if got := risk.Score(tc.in, risk.Config{}).Score; got != tc.want {
			t.Errorf("Score(%s) = %v; want %v (as the package documentation says)", tc.name, got, tc.want)
		}
	}
}
