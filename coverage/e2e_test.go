package coverage

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-proof/git-proof/internal/gittest"
)

// The fixture: one repository with a Go module in svc/ and a Node package in
// web/, and one commit that changes both.
var (
	e2eBase = map[string]string{
		"README.md":  "# shop\n",
		"svc/go.mod": "module example.com/shop\n\ngo 1.22\n",
		"svc/price/price.go": `package price

// Total returns the sum of the items' prices in cents.
func Total(items []int) int {
	sum := 0
	for _, it := range items {
		sum += it
	}
	return sum
}
`,
		"svc/price/price_test.go": `package price

import "testing"

func TestTotal(t *testing.T) {
	if got := Total([]int{1, 2}); got != 3 {
		t.Fatalf("Total = %d", got)
	}
}
`,
		"web/package.json": `{"name": "web", "private": true}` + "\n",
		"web/src/math.js": `'use strict';

// sign returns the sign of x.
function sign(x) {
  if (x > 0) {
    return 1;
  }
  if (x < 0) {
    return -1;
  }
  return 0;
}

module.exports = { sign };
`,
		"web/test/math.test.js": `'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { sign } = require('../src/math.js');

test('sign', () => {
  assert.strictEqual(sign(3), 1);
});
`,
	}
	e2eHead = map[string]string{
		"README.md": "# shop\n\nPrices and maths.\n",
		// Lines 3-4 (comment), 10-12 (a discount, tested) and 15-22 (Refund,
		// never called) are new.
		"svc/price/price.go": `package price

// Total returns the sum of the items' prices in cents, less a discount
// of 10% from 10000 cents on.
func Total(items []int) int {
	sum := 0
	for _, it := range items {
		sum += it
	}
	if sum >= 10000 {
		sum -= sum / 10
	}
	return sum
}

// Refund is never tested.
func Refund(sum int) int {
	if sum < 0 {
		return 0
	}
	return -sum
}
`,
		// A new file: the early return never runs, but the if line does.
		"svc/price/tax.go": `package price

// Tax returns the tax on cents at rate percent.
func Tax(cents, rate int) int {
	if rate <= 0 {
		return 0
	}
	return cents * rate / 100
}
`,
		"svc/price/price_test.go": `package price

import "testing"

func TestTotal(t *testing.T) {
	if got := Total([]int{1, 2}); got != 3 {
		t.Fatalf("Total = %d", got)
	}
	if got := Total([]int{20000}); got != 18000 {
		t.Fatalf("Total = %d", got)
	}
	if got := Tax(1000, 20); got != 200 {
		t.Fatalf("Tax = %d", got)
	}
}
`,
		// A file of code no report mentions.
		"svc/tools/gen.py": "print('generated')\n",
		// clamp (lines 14-23) is new; its early returns never run.
		"web/src/math.js": `'use strict';

// sign returns the sign of x.
function sign(x) {
  if (x > 0) {
    return 1;
  }
  if (x < 0) {
    return -1;
  }
  return 0;
}

// clamp limits x to [lo, hi].
function clamp(x, lo, hi) {
  if (x < lo) {
    return lo;
  }
  if (x > hi) {
    return hi;
  }
  return x;
}

module.exports = { sign, clamp };
`,
		"web/test/math.test.js": `'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { sign, clamp } = require('../src/math.js');

test('sign', () => {
  assert.strictEqual(sign(3), 1);
});

test('clamp', () => {
  assert.strictEqual(clamp(5, 0, 10), 5);
});
`,
	}
)

// TestEndToEnd runs the real tools: git for the diff, `go test
// -coverprofile` in svc/ and Node's own coverage in web/, then measures the
// commit's changed lines against both profiles merged.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test and node")
	}
	t.Parallel()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed")
	}
	r := gittest.New(t)
	r.Write(e2eBase)
	base := r.Commit("base")
	r.Write(e2eHead)
	head := r.Commit("discount, refund, tax, clamp")
	env := append(r.Env, "GOWORK=off", "GOFLAGS=-count=1", "NODE_OPTIONS=", "NO_COLOR=1")
	out := t.TempDir()

	// The change, as run.go will take it.
	diff := command(t, r.Dir, env, "git", "diff", "-U0", "--no-color", "--no-ext-diff",
		"--src-prefix=a/", "--dst-prefix=b/", base, head)
	changed, err := ChangedFromUnifiedDiff(diff)
	if err != nil {
		t.Fatalf("ChangedFromUnifiedDiff: %v\n%s", err, diff)
	}
	wantChanged := `"README.md" 2-3
"svc/price/price.go" 3-4,10-12,15-22
"svc/price/price_test.go" 9-14
"svc/price/tax.go" 1-9
"svc/tools/gen.py" 1
"web/src/math.js" 14-25
"web/test/math.test.js" 4,9-12
`
	if got := renderChanged(changed); got != wantChanged {
		t.Fatalf("changed lines of\n%s\n=\n%s\nwant\n%s", diff, got, wantChanged)
	}

	// Go: a real coverprofile of the module in svc/.
	goOut := filepath.Join(out, "cover.out")
	command(t, filepath.Join(r.Dir, "svc"), env, "go", "test", "-coverprofile="+goOut, "./...")
	goProfile := parse(t, goOut, func(f *os.File) (*Profile, error) { return ParseGo(f, "example.com/shop", "svc") })

	// Node: its built-in coverage as LCOV, run in web/ (relative SF paths).
	lcovOut := filepath.Join(out, "lcov.info")
	nodeRun := exec.Command(node, "--test", "--experimental-test-coverage", "--test-reporter=lcov",
		"--test-reporter-destination="+lcovOut, "test/math.test.js")
	nodeRun.Dir, nodeRun.Env = filepath.Join(r.Dir, "web"), env
	if b, err := nodeRun.CombinedOutput(); err != nil {
		t.Skipf("this node cannot write LCOV (%v): %s", err, b)
	}
	jsProfile := parse(t, lcovOut, func(f *os.File) (*Profile, error) { return ParseLCOV(f, r.Dir, "web") })

	// Test files are not code under test: drop them as run.go does with the
	// project's test globs.
	for f := range changed {
		if strings.HasSuffix(f, "_test.go") || strings.Contains(f, "/test/") {
			delete(changed, f)
		}
	}
	res := OfChanges(Merge(goProfile, jsProfile), changed)
	// price.go: 3-4 and 15-16 are comments and blank lines (no block);
	//   10-12 ran; 17-21 never ran (22, Refund's closing brace, is in no
	//   block).
	// tax.go: 4-5 ran (5 shares the if line with the early return's block),
	//   6-7 did not, 8 ran.
	// math.js: git aligned the change as 14-25 (the blank line 13 stays).
	//   Node calls every line of the file executable, comments and blank
	//   lines included: 14-16 ran (the comment, clamp's first line and
	//   first if), 17-18 did not, 19 ran, 20-21 did not, 22-25 ran.
	// Go 13 executable, 6 covered; JS 12 and 8.
	// gen.py is code no report covers; README.md is not code.
	want := `executable 25 covered 14 fraction 0.5600 files 3
uncovered svc/price/price.go 17-21
uncovered svc/price/tax.go 6-7
uncovered web/src/math.js 17-18,20-21
nodata svc/tools/gen.py
`
	if got := renderResult(res); got != want {
		t.Errorf("OfChanges =\n%s\nwant\n%s\nGo profile:\n%s\nLCOV:\n%s", got, want, renderProfile(goProfile), renderProfile(jsProfile))
	}
}

func command(t *testing.T, dir string, env []string, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir, cmd.Env = dir, env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, b, stderr.Bytes())
	}
	return b
}

func parse(t *testing.T, file string, fn func(*os.File) (*Profile, error)) *Profile {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := fn(f)
	if err != nil {
		data, _ := os.ReadFile(file)
		t.Fatalf("parse %s: %v\n%s", file, err, data)
	}
	checkProfileInvariants(t, p)
	return p
}
