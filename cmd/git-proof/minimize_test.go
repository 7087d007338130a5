package main

import (
	"strings"
	"testing"

	"github.com/git-proof/git-proof/internal/gittest"
)

// TestMinimize: of a fix's three code hunks, the fixed test needs one;
// minimize finds it, marks the other two, and the policy names them.
func TestMinimize(t *testing.T) {
	t.Parallel()
	r := newProofRepo(t)
	r.Signing("alice@example.com")
	r.Write(map[string]string{
		"calc.sh":      "add() { echo $(($1 - $2)); }\n# one\n# two\nsub() { echo $(($1-$2)); }\n# three\n# four\n# end\n",
		"test/zero.sh": gittest.TestZero,
	})
	r.Commit("calc")
	r.Write(map[string]string{
		"calc.sh":     "add() { echo $(($1 + $2)); }\n# one\n# two\nsub() { echo $(( $1 - $2 )); }\n# three\n# four\nmul() { echo $(($1 * $2)); }\n# end\n",
		"test/add.sh": gittest.TestAdd,
	})
	fix := r.Commit("fix add, tidy sub, add mul")

	p := r.runJSON(1, "--minimize", "--test", gittest.ShellJSONCheck).Predicate
	m := p.Minimize
	if m == nil || m.Hunks != 3 || m.Necessary != 1 || !m.Minimal || m.Runs == 0 || m.Runs > 3*3 {
		t.Fatalf("minimize = %+v; want 1 of 3 hunks needed, 1-minimal, within ddmin's bound", m)
	}
	need := map[int]bool{}
	for _, h := range p.Hunks {
		if h.File == "calc.sh" {
			if h.Necessary == nil {
				t.Fatalf("hunk %+v not judged", h)
			}
			need[h.NewStart] = *h.Necessary
		}
	}
	if !need[1] || need[4] || need[7] {
		t.Errorf("necessary by line = %v; want only the fix of add (line 1)", need)
	}
	if !strings.Contains(strings.Join(p.Policy.Reasons, "\n"), "2 hunk(s) are not needed for the fixed tests to pass (git proof minimize): calc.sh:4, calc.sh:7") {
		t.Errorf("reasons %q", p.Policy.Reasons)
	}
	res := r.proof("show", fix)
	contains(t, "show", res.stdout, "minimize: 1 of 3 code hunks needed for 1 fixed test(s)", "not needed")

	// The minimize command is run --minimize; without a fixed test there is
	// nothing to minimize.
	res = r.must(1, "minimize", "--test", gittest.ShellJSONCheck)
	contains(t, "minimize output", res.stdout, "recorded proof for "+fix)
	r.Write(map[string]string{"docs.txt": "d\n"})
	r.Commit("docs")
	res = r.must(1, "minimize", "--test", gittest.ShellJSONCheck)
	contains(t, "minimize without a fix", res.stderr, "nothing to minimize: no test is fixed")
	r.noStrayWorktrees()
}
