package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-proof/git-proof/internal/gittest"
	"github.com/git-proof/git-proof/proofpack"
)

// calcContract is the author's copy of a contract for the shell calc
// fixture: the visible test is add 2 3 = 5; the holdout, never shown,
// checks add 4 4 = 8.
const calcContract = `apiVersion: git-proof.dev/contract/v1
id: CALC-1
title: add subtracts instead of adding
kind: bugfix
risk: low
intent: |
  add must print the sum of its two integer arguments.
bug:
  current: 'add 2 3 prints -1.'
  expected: 'add 2 3 prints 5.'
  unchanged:
    - 'add 0 0 prints 0.'
scope:
  allow: ["calc.sh", "test/**"]
  deny: [".proof/**"]
  maxFiles: 3
nonGoals:
  - "No new functions in calc.sh."
repro:
  - id: R1
    check: {run: ["sh", "test/add.sh"]}
acceptance:
  - id: AC1
    ears: "WHEN add is given two integers, THE add function SHALL print their sum."
    check: {run: ["sh", "test/add.sh"]}
  - id: AC2
    ears: "IF both arguments are 0, THEN add SHALL print 0 and never fail."
    check: {run: ["sh", "test/zero.sh"]}
holdouts:
  - id: H1
    ears: "WHEN add is given 4 and 4, THE add function SHALL print 8."
    files:
      - path: test/zz_holdout_h1.sh
        content: |
          . ./calc.sh
          [ "$(add 4 4)" = 8 ] || { echo "add 4 4 = $(add 4 4)"; exit 1; }
    check: {run: ["sh", "test/zz_holdout_h1.sh"]}
`

// calcHardCoded makes the visible test pass without fixing add.
const calcHardCoded = "add() { if [ \"$1\" = 2 ] && [ \"$2\" = 3 ]; then echo 5; else echo $(($1 - $2)); fi; }\n"

// newContractRepo commits the buggy calc and the redacted contract; the
// author's copy and the holdouts file stay outside the repository.
func newContractRepo(t *testing.T) (r *proofRepo, full, holdouts string) {
	t.Helper()
	r = newProofRepo(t)
	r.Signing("alice@example.com")
	private := t.TempDir()
	full = filepath.Join(private, "CALC-1.full.yaml")
	if err := os.WriteFile(full, []byte(calcContract), 0o600); err != nil {
		t.Fatal(err)
	}
	holdouts = filepath.Join(private, "holdouts", "CALC-1.yaml")
	r.Write(map[string]string{"calc.sh": gittest.CalcBuggy, "test/zero.sh": gittest.TestZero})
	if err := os.MkdirAll(filepath.Join(r.Dir, ".proof", "contracts"), 0o755); err != nil {
		t.Fatal(err)
	}
	r.must(0, "contract", "redact", full, "-o", ".proof/contracts/CALC-1.yaml", "--holdouts-out", holdouts)
	r.Commit("calc: add, and the contract for its bug")
	return r, full, holdouts
}

// TestContractRedact: the engineer's copy has no holdout in it, only the
// commitment; the holdouts file has them and the salt.
func TestContractRedact(t *testing.T) {
	t.Parallel()
	r, _, holdouts := newContractRepo(t)
	red := r.readFile(".proof/contracts/CALC-1.yaml")
	for _, secret := range []string{"add 4 4", "zz_holdout", "H1", "holdoutSalt"} {
		if strings.Contains(red, secret) {
			t.Errorf("the redacted copy contains %q:\n%s", secret, red)
		}
	}
	contains(t, "redacted copy", red, "holdoutCommitment", "count: 1")
	hb, err := os.ReadFile(holdouts)
	if err != nil {
		t.Fatal(err)
	}
	contains(t, "holdouts file", string(hb), "add 4 4", "salt:", "contract: CALC-1")
	// No salt to keep: refused, nothing written.
	res := r.must(2, "contract", "redact", filepath.Join(filepath.Dir(holdouts), "..", "CALC-1.full.yaml"))
	contains(t, "redact without a place for the salt", res.stderr, "--holdouts-out")
}

// TestContractCheck: the grade, with the repro check run on the base tree.
func TestContractCheck(t *testing.T) {
	t.Parallel()
	r, full, _ := newContractRepo(t)
	res := r.must(0, "contract", "check", "--json", ".proof/contracts/CALC-1.yaml")
	var out struct {
		Grade struct {
			Grade      string
			Dimensions []struct {
				Name   string
				Points int
			}
		}
		Repro struct{ Results []struct{ Failed bool } }
	}
	if err := json.Unmarshal([]byte(res.stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, res)
	}
	if len(out.Grade.Dimensions) != 6 || len(out.Repro.Results) != 1 || !out.Repro.Results[0].Failed {
		t.Errorf("grade %+v; want six dimensions and R1 failing on the base tree", out)
	}
	text := r.must(0, "contract", "check", full).stdout
	contains(t, "contract check", text, "grade", "reproduction", "repro R1")
	// A minimum above the grade exits 1.
	if out.Grade.Grade != "A" {
		r.must(1, "contract", "check", "--min-grade", "A", full)
	}
	r.must(2, "contract", "check", "--min-grade", "Z", full)
}

// TestContractHoldouts: a fix that hard-codes the visible test's expected
// value passes the visible tests and is BLOCKed by the holdout; the real
// fix passes it. Holdout files never reach the user's checkout.
func TestContractHoldouts(t *testing.T) {
	t.Parallel()
	r, _, holdouts := newContractRepo(t)
	r.Git("config", "proof.holdoutsDir", filepath.Dir(holdouts))
	r.Write(map[string]string{"calc.sh": calcHardCoded, "test/add.sh": gittest.TestAdd})
	r.Commit("calc: fix add (hard-coded)")
	p := r.runJSON(1, "--contract", ".proof/contracts/CALC-1.yaml", "--test", gittest.ShellJSONCheck).Predicate
	if p.Decision != proofpack.Block {
		t.Fatalf("hard-coded fix: decision %s (%v); want BLOCK", p.Decision, p.Policy.Reasons)
	}
	if got := strings.Join(p.Checks[0].Fixed, ","); got != "shell.Test_add" {
		t.Errorf("the visible test: fixed %q; want shell.Test_add (it passes the visible tests)", got)
	}
	h := p.Contract.Holdouts
	if h == nil || h.Total != 1 || h.Failed != 1 || h.Results[0].Status != "fail" {
		t.Fatalf("holdouts %+v; want H1 failed", h)
	}
	contains(t, "reasons", strings.Join(p.Policy.Reasons, "\n"), "holdout H1 failed")
	contains(t, "note", r.Git("notes", "--ref=proof", "show", "HEAD"), "holdout 0/1")

	// The real fix, in place of the hard-coded one.
	r.Git("reset", "-q", "--hard", "HEAD~1")
	r.Write(map[string]string{"calc.sh": gittest.CalcFixed, "test/add.sh": gittest.TestAdd})
	r.Commit("calc: fix add")
	p = r.runJSON(0, "--contract", ".proof/contracts/CALC-1.yaml", "--test", gittest.ShellJSONCheck).Predicate
	c := p.Contract
	if p.Decision != proofpack.AutoOK || c.Holdouts == nil || c.Holdouts.Passed != 1 {
		t.Fatalf("real fix: decision %s, holdouts %+v, reasons %v; want AUTO_OK with H1 passing", p.Decision, c.Holdouts, p.Policy.Reasons)
	}
	if c.ID != "CALC-1" || c.Commitment == nil || c.Commitment.Count != 1 || c.Salt == "" || c.Grade == nil || c.SHA256 == "" || c.FullSHA256 == "" || c.SHA256 == c.FullSHA256 {
		t.Errorf("contract record %+v; want id, commitment, salt, grade and two different digests", c)
	}
	if len(c.Repro) != 1 || c.Repro[0].Status != "pass" || c.Repro[0].Base.ExitCode == 0 || c.Repro[0].Head.ExitCode != 0 {
		t.Errorf("repro %+v; want R1 failing on base's code and passing on head", c.Repro)
	}
	if len(c.Acceptance) != 2 || c.Acceptance[0].Status != "pass" || c.Acceptance[1].Status != "pass" {
		t.Errorf("acceptance %+v; want AC1 and AC2 passing", c.Acceptance)
	}
	if c.Scope == nil || len(c.Scope.Outside) != 0 || c.Scope.Files != 2 {
		t.Errorf("scope %+v; want 2 files, none outside", c.Scope)
	}
	if p.Confidence == nil || p.Confidence.Score <= 0.9 {
		t.Errorf("confidence %+v; want above 0.9 with every check and holdout passing", p.Confidence)
	}
	if _, err := os.Stat(filepath.Join(r.Dir, "test", "zz_holdout_h1.sh")); !os.IsNotExist(err) {
		t.Errorf("the holdout's file is in the user's checkout (%v)", err)
	}
	r.noStrayWorktrees()
	show := r.must(0, "show").stdout
	contains(t, "show", show, "contract: CALC-1", "holdouts   1/1 pass", "repro      R1", "acceptance AC1", "confidence:")
	r.must(0, "verify", "HEAD")
}

// TestContractScopeAndRefusals: a change outside the scope goes to
// REVIEW; holdouts tracked in the repository, or missing, are refused.
func TestContractScopeAndRefusals(t *testing.T) {
	t.Parallel()
	r, full, holdouts := newContractRepo(t)
	r.Git("config", "proof.holdoutsDir", filepath.Dir(holdouts))
	r.Write(map[string]string{"calc.sh": gittest.CalcFixed, "test/add.sh": gittest.TestAdd, "README": "calc\n"})
	r.Commit("calc: fix add, and a README")
	p := r.runJSON(1, "--contract", ".proof/contracts/CALC-1.yaml", "--test", gittest.ShellJSONCheck).Predicate
	if p.Decision != proofpack.Review {
		t.Errorf("out of scope: decision %s; want REVIEW", p.Decision)
	}
	contains(t, "reasons", strings.Join(p.Policy.Reasons, "\n"), "outside the contract's scope: README")

	// The author's copy, committed: whoever makes the change can read it.
	b, _ := os.ReadFile(full)
	r.Write(map[string]string{"full.yaml": string(b)})
	r.Commit("oops: the author's contract")
	res := r.must(2, "run", "--contract", "full.yaml", "--test", gittest.ShellCheck)
	contains(t, "tracked holdouts", res.stderr, "tracked in this repository")

	// The redacted copy without its holdouts: refused, not run without them.
	r.Git("config", "--unset", "proof.holdoutsDir")
	res = r.must(2, "run", "--contract", ".proof/contracts/CALC-1.yaml", "--test", gittest.ShellCheck)
	contains(t, "missing holdouts", res.stderr, "commits to 1 holdout", "--holdouts")

	// Holdouts that do not match the commitment: refused.
	other := filepath.Join(t.TempDir(), "CALC-1.yaml")
	hb, _ := os.ReadFile(holdouts)
	if err := os.WriteFile(other, []byte(strings.Replace(string(hb), "add 4 4", "add 4 5", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	res = r.must(2, "run", "--contract", ".proof/contracts/CALC-1.yaml", "--holdouts", other, "--test", gittest.ShellCheck)
	contains(t, "tampered holdouts", res.stderr, "commitment")
}
