package risk_test

import (
	"fmt"

	"github.com/git-proof/git-proof/proofpack"
	"github.com/git-proof/git-proof/risk"
)

// The worked example of the package documentation: a fix with its test, a
// CI tweak and a new image.
func ExampleScore() {
	in := risk.Input{
		Paths: []risk.ChangedPath{
			{Path: "calc/add.go", Status: 'M', Additions: 12, Deletions: 3},
			{Path: "calc/add_test.go", Status: 'M', Additions: 20},
			{Path: ".github/workflows/ci.yml", Status: 'M', Additions: 2, Deletions: 1},
			{Path: "docs/logo.png", Status: 'A', Binary: true},
		},
		Checks: []proofpack.Check{{
			Name:  "unit",
			Head:  &proofpack.TreeResult{Status: "pass"},
			Fixed: []string{"calc.TestAddOverflow"},
		}},
	}
	r := risk.Score(in, risk.Config{})
	for _, f := range r.Factors {
		fmt.Printf("%-16s %+.2f  %s\n", f.Name, f.Points, f.Detail)
	}
	fmt.Printf("score %.2f\n", r.Score)
	for _, s := range r.Sensitive {
		fmt.Printf("sensitive: %s (%s, %s)\n", s.Path, s.Category, s.Glob)
	}
	// Output:
	// blast-radius     +0.21  4 files, 38 lines, 3 packages
	// binary-files     +0.01  1 binary file: docs/logo.png
	// sensitive-paths  +0.36  touches .github/workflows/ci.yml (ci)
	// fixed-tests      -0.05  fixes calc.TestAddOverflow (unit): it fails without the change and passes with it
	// score 0.53
	// sensitive: .github/workflows/ci.yml (ci, .github/workflows/**)
}
