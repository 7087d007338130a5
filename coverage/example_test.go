package coverage_test

import (
	"fmt"
	"strings"

	"github.com/git-proof/git-proof/coverage"
)

// The front door: a Go profile of the module in svc/, the diff of the
// change, and the coverage of its added lines.
func Example() {
	profile := `mode: set
example.com/shop/price/price.go:5.29,7.26 2 1
example.com/shop/price/price.go:7.26,9.3 1 1
example.com/shop/price/price.go:10.2,10.19 1 1
example.com/shop/price/price.go:10.19,12.3 1 0
example.com/shop/price/price.go:13.2,13.12 1 1
`
	diff := `diff --git a/svc/price/price.go b/svc/price/price.go
index 1111111..2222222 100644
--- a/svc/price/price.go
+++ b/svc/price/price.go
@@ -8,0 +9,4 @@ func Total(items []int) int {
+	}
+	if sum >= 10000 {
+		sum -= sum / 10
+	}
`
	p, err := coverage.ParseGo(strings.NewReader(profile), "example.com/shop", "svc")
	if err != nil {
		fmt.Println(err)
		return
	}
	changed, err := coverage.ChangedFromUnifiedDiff([]byte(diff))
	if err != nil {
		fmt.Println(err)
		return
	}
	res := coverage.OfChanges(p, changed)
	fmt.Printf("%d of %d changed lines covered (%.0f%%)\n", res.Covered, res.Executable, 100*res.Fraction)
	fmt.Println("uncovered:", res.Uncovered)
	// Output:
	// 2 of 4 changed lines covered (50%)
	// uncovered: map[svc/price/price.go:[{11 12}]]
}

// A malformed report is an error that names the line, never a panic.
func ExampleParseLCOV_error() {
	_, err := coverage.ParseLCOV(strings.NewReader("TN:\nDA:3,1\n"), "/work/tree", "")
	fmt.Println(err)
	// Output:
	// lcov: line 2: DA before SF: malformed input
}
