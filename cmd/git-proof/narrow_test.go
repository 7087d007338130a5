package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/git-proof/git-proof/proofpack"
)

// TestRunNarrowsRepro: a fix in package a with a new test in a runs the
// repro tree only for ./a. Package b imports a and has a test that fails
// on base's code and passes on the fix; the narrowed repro does not run b,
// yet b's test is fixed as it is with --full-repro, since outside ./a the
// repro tree is base's. A change whose test files include a helper
// package (test/) is not narrowed.
func TestRunNarrowsRepro(t *testing.T) {
	t.Parallel()
	r := newProofRepo(t)
	r.Signing("alice@example.com")
	const testB = "package b\n\nimport (\n\t\"testing\"\n\n\t\"example.com/m/a\"\n)\n\nfunc TestDouble(t *testing.T) {\n\tif a.Add(2, 1) != 3 {\n\t\tt.Fatal(a.Add(2, 1))\n\t}\n}\n"
	r.Write(map[string]string{
		"go.mod":       "module example.com/m\n\ngo 1.21\n",
		"a/a.go":       "package a\n\nfunc Add(x, y int) int { return x * y }\n",
		"a/a_test.go":  "package a\n\nimport \"testing\"\n\nfunc TestZero(t *testing.T) {\n\tif Add(0, 0) != 0 {\n\t\tt.Fatal()\n\t}\n}\n",
		"b/b.go":       "package b\n",
		"b/b_test.go":  testB,
		"c/c.go":       "package c\n\nfunc C() int { return 1 }\n",
		"c/c_test.go":  "package c\n\nimport \"testing\"\n\nfunc TestC(t *testing.T) {\n\tif C() != 1 {\n\t\tt.Fatal()\n\t}\n}\n",
		"_skip/x.go":   "package skip\n",
		"other/go.mod": "module example.com/other\n\ngo 1.21\n",
	})
	r.Commit("base")
	r.Write(map[string]string{
		"a/a.go":        "package a\n\nfunc Add(x, y int) int { return x + y }\n",
		"a/add_test.go": "package a\n\nimport \"testing\"\n\nfunc TestAdd(t *testing.T) {\n\tif Add(2, 3) != 5 {\n\t\tt.Fatal(Add(2, 3))\n\t}\n}\n",
		// Neither is reached by ./... at the top: not a reason to run
		// repro in full, nor a package to name.
		"_skip/x_test.go":      "package skip\n",
		"other/o/o_test.go":    "package o\n",
		"a/testdata/input.txt": "2 3\n",
	})
	r.Commit("a: Add adds")

	const cmd = "go test -json ./..."
	narrow := r.runJSON(0, "--test", cmd).Predicate
	contains(t, "show", r.must(0, "show").stdout, "only ./a (elsewhere the tree is base's)")
	full := r.runJSON(0, "--no-cache", "--full-repro", "--test", cmd).Predicate
	for _, tc := range []struct {
		name string
		p    *proofpack.Predicate
		only []string
	}{{"narrowed", narrow, []string{"./a"}}, {"--full-repro", full, nil}} {
		c := tc.p.Checks[0]
		if !slices.Equal(c.Repro.Only, tc.only) {
			t.Errorf("%s: repro.only = %q; want %q", tc.name, c.Repro.Only, tc.only)
		}
		wantFixed := []string{"example.com/m/a.TestAdd", "example.com/m/b.TestDouble"}
		if !slices.Equal(c.Fixed, wantFixed) || len(c.Regressed)+len(c.Removed) != 0 {
			t.Errorf("%s: fixed %q regressed %q removed %q; want fixed %q", tc.name, c.Fixed, c.Regressed, c.Removed, wantFixed)
		}
		if tc.p.Decision != proofpack.AutoOK {
			t.Errorf("%s: decision %s (%v); want AUTO_OK", tc.name, tc.p.Decision, tc.p.Policy.Reasons)
		}
	}
	// What repro ran: a's tests alone, narrowed; a, b and c in full.
	n, f := narrow.Checks[0].Repro, full.Checks[0].Repro
	if want := []string{"example.com/m/a", "example.com/m/a.TestAdd"}; !slices.Equal(n.FailedTests, want) || n.Passed != 1 {
		t.Errorf("narrowed repro: %d passed, failed %q; want a's tests only: TestZero passed, failed %q", n.Passed, n.FailedTests, want)
	}
	if !slices.Contains(f.FailedTests, "example.com/m/b.TestDouble") || f.Passed < 2 {
		t.Errorf("full repro: %d passed, failed %q; want b and c run too", f.Passed, f.FailedTests)
	}

	// A test helper package among the test files: it may reach any
	// package, so repro runs in full.
	r.Write(map[string]string{
		"test/helper.go": "package test\n\nconst N = 1\n",
		"c/c_test.go":    "package c\n\nimport (\n\t\"testing\"\n\n\t\"example.com/m/test\"\n)\n\nfunc TestC(t *testing.T) {\n\tif C() != test.N {\n\t\tt.Fatal()\n\t}\n}\n",
	})
	r.Commit("c: a test helper")
	// Nothing is fixed (REVIEW, exit 1); what matters is the repro run.
	if p := r.runJSON(1, "--test", cmd).Predicate; p.Checks[0].Repro.Only != nil {
		t.Errorf("helper package: repro.only = %q; want the whole tree", p.Checks[0].Repro.Only)
	}
	if strings.Contains(r.proof("show").stdout, "only ") {
		t.Errorf("helper package: show says the repro was narrowed")
	}
}

// TestRunReproSkipsVet: repro runs the tests on base's code with go vet
// off. Base's package a has a vet finding go test stops at; the fix
// removes it and adds a test. With vet on, the new test would never run on
// base's code and could not show the bug; it runs, fails and is fixed.
func TestRunReproSkipsVet(t *testing.T) {
	t.Parallel()
	r := newProofRepo(t)
	r.Signing("alice@example.com")
	r.Write(map[string]string{
		"go.mod":      "module example.com/m\n\ngo 1.21\n",
		"a/a.go":      "package a\n\nimport \"fmt\"\n\nfunc Add(x, y int) int { return x * y }\n\nfunc Show(x int) string { return fmt.Sprintf(\"%d\", \"x\") }\n",
		"a/a_test.go": "package a\n\nimport \"testing\"\n\nfunc TestZero(t *testing.T) {\n\tif Add(0, 0) != 0 {\n\t\tt.Fatal()\n\t}\n}\n",
	})
	r.Commit("base")
	r.Write(map[string]string{
		"a/a.go":        "package a\n\nimport \"fmt\"\n\nfunc Add(x, y int) int { return x + y }\n\nfunc Show(x int) string { return fmt.Sprintf(\"%d\", x) }\n",
		"a/add_test.go": "package a\n\nimport \"testing\"\n\nfunc TestAdd(t *testing.T) {\n\tif Add(2, 3) != 5 {\n\t\tt.Fatal(Add(2, 3))\n\t}\n}\n",
	})
	r.Commit("a: Add adds")
	// Base failing is not for this test to judge: exit 0 or 1.
	res := r.proof("run", "--json", "--test", "go test -json ./...")
	var out runJSON
	if err := json.Unmarshal([]byte(res.stdout), &out); res.code > 1 || err != nil {
		t.Fatalf("run: exit %d, %v\n%s", res.code, err, res)
	}
	c := out.Predicate.Checks[0]
	if c.Base.Status != "fail" {
		t.Errorf("base: %s; want fail (go test's vet stops at base's Sprintf)", c.Base.Status)
	}
	// With vet on, the package failed on base's code before any test ran,
	// and TestZero, never broken, was listed fixed too.
	if !slices.Contains(c.Repro.FailedTests, "example.com/m/a.TestAdd") || !slices.Equal(c.Fixed, []string{"example.com/m/a.TestAdd"}) {
		t.Errorf("repro failed %q, fixed %q; want TestAdd run on base's code, failing there, and the one fixed", c.Repro.FailedTests, c.Fixed)
	}
}

// TestRunPolicyErrorStopsChecks: the policy compiles while the checks run;
// one that does not compile stops them and is the error reported.
func TestRunPolicyErrorStopsChecks(t *testing.T) {
	t.Parallel()
	r := newProofRepo(t)
	r.Signing("alice@example.com")
	r.ShellBugFix()
	r.Write(map[string]string{".git/admin-policy/admin.rego": "package proof\n\nreview contains \"x\" if {\n"})
	r.Git("config", "proof.policy", "admin-policy")
	marker := filepath.Join(t.TempDir(), "check-finished")
	res := r.must(2, "run", "--check", "slow=sleep 3; touch "+marker)
	contains(t, "run with a broken policy", res.stderr, "admin.rego")
	if _, err := os.Stat(marker); err == nil {
		t.Error("the checks ran to the end although the policy did not compile")
	}
	r.noStrayWorktrees()
}
