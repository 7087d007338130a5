//go:build cgo

package astdiff_test

import (
	"context"
	"fmt"

	"github.com/git-proof/git-proof/astdiff"
)

// The front door: label the hunks of one changed file. Hunks may come from
// `git diff -U0` through ParseDiff; here they are computed.
func ExampleAnalyzer_File() {
	az, err := astdiff.New()
	if err != nil {
		panic(err)
	}
	old := []byte(`package calc

// Add returns a plus b.
func Add(a, b int) int {
	return a + b
}
`)
	new := []byte(`package calc

// Add returns the sum of a and b.
func Add(a, b int) int {
	return a + b
}

func Sub(a, b int) int {
	return a - b
}
`)
	res := az.File(context.Background(), astdiff.FileRequest{Path: "calc/calc.go", Old: old, New: new})
	for _, h := range res.Hunks {
		fmt.Printf("%s %s essential=%v %s\n", h.Hunk, h.Class, h.Essential, h.Path)
	}
	for _, c := range res.API {
		fmt.Printf("API %s: %s %s\n", c.Change, c.Kind, c.NewSignature)
	}
	// Output:
	// -3,1 +3,1 comment-only essential=false comment
	// -6,0 +7,4 decl-added essential=true func Sub
	// API added: func func Sub(a, b int) int
}
