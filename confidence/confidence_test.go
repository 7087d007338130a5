package confidence

import (
	"testing"

	"github.com/git-proof/git-proof/proofpack"
)

func check(head string, regressed ...string) proofpack.Check {
	return proofpack.Check{Name: "unit", Regressed: regressed,
		Head: &proofpack.TreeResult{Status: head}, Base: &proofpack.TreeResult{Status: "pass", Passed: 10}}
}

func rev(vendor, status, verdict string) proofpack.Reviewer {
	return proofpack.Reviewer{Name: vendor + "-" + verdict, Vendor: vendor, Status: status, Verdict: verdict}
}

func TestCompute(t *testing.T) {
	holdouts := func(passed, total int) proofpack.Contract {
		return proofpack.Contract{Status: "used", Holdouts: &proofpack.Holdouts{Total: total, Passed: passed, Failed: total - passed}}
	}
	for _, c := range []struct {
		name string
		p    proofpack.Predicate
		want float64
	}{
		{"nothing ran", proofpack.Predicate{}, round2(0.35*0.5/0.8 + 0.15*1/0.8)},
		{"passing, no contract", proofpack.Predicate{Checks: []proofpack.Check{check("pass")}}, round2((0.30 + 0.15 + 0.35*0.5) / 0.8)},
		{"passing, holdouts pass", proofpack.Predicate{Checks: []proofpack.Check{check("pass")}, Contract: holdouts(2, 2)}, 1},
		{"a holdout fails", proofpack.Predicate{Checks: []proofpack.Check{check("pass")}, Contract: holdouts(1, 2)}, round2((0.30 + 0.15 + 0.35*0.5) / 0.8)},
		{"regressions", proofpack.Predicate{Checks: []proofpack.Check{check("fail", "a", "b")}, Contract: holdouts(2, 2)}, round2((0 + 0.15*0.8 + 0.35) / 0.8)},
		{"one vendor approves twice: one vote, weight 0.1", proofpack.Predicate{
			Checks: []proofpack.Check{check("pass")}, Contract: holdouts(2, 2),
			Reviews: &proofpack.Reviews{Reviewers: []proofpack.Reviewer{rev("acme", "ok", "approve"), rev("acme", "ok", "approve")}},
		}, 1},
		{"three vendors reject: weight capped at 0.2", proofpack.Predicate{
			Checks: []proofpack.Check{check("pass")}, Contract: holdouts(2, 2),
			Reviews: &proofpack.Reviews{Reviewers: []proofpack.Reviewer{rev("a", "ok", "reject"), rev("b", "ok", "reject"), rev("c", "ok", "reject")}},
		}, round2(0.8 / 1.0)},
		{"a vendor's most severe verdict counts", proofpack.Predicate{
			Checks: []proofpack.Check{check("pass")}, Contract: holdouts(2, 2),
			Reviews: &proofpack.Reviews{Reviewers: []proofpack.Reviewer{rev("a", "ok", "approve"), rev("a", "ok", "reject")}},
		}, round2(0.8 / 0.9)},
		{"unavailable reviewers do not vote", proofpack.Predicate{
			Checks: []proofpack.Check{check("pass")}, Contract: holdouts(2, 2),
			Reviews: &proofpack.Reviews{Reviewers: []proofpack.Reviewer{rev("a", "unavailable", ""), rev("b", "skipped", "")}},
		}, 1},
	} {
		got := Compute(&c.p)
		if got.Score != c.want {
			t.Errorf("%s: score %v; want %v (%+v)", c.name, got.Score, c.want, got.Components)
		}
		if len(got.Components) != 4 {
			t.Errorf("%s: %d components; want 4", c.name, len(got.Components))
		}
	}
}

// TestReviewsNeverOutweighHoldouts: unanimous approval from any number of
// vendors cannot lift a record whose holdouts all failed above one whose
// holdouts all passed with every reviewer rejecting.
func TestReviewsNeverOutweighHoldouts(t *testing.T) {
	var approve, reject []proofpack.Reviewer
	for _, v := range []string{"a", "b", "c", "d", "e"} {
		approve = append(approve, rev(v, "ok", "approve"))
		reject = append(reject, rev(v, "ok", "reject"))
	}
	bad := proofpack.Predicate{Checks: []proofpack.Check{check("pass")},
		Contract: proofpack.Contract{Holdouts: &proofpack.Holdouts{Total: 2, Failed: 2}}, Reviews: &proofpack.Reviews{Reviewers: approve}}
	good := proofpack.Predicate{Checks: []proofpack.Check{check("pass")},
		Contract: proofpack.Contract{Holdouts: &proofpack.Holdouts{Total: 2, Passed: 2}}, Reviews: &proofpack.Reviews{Reviewers: reject}}
	if b, g := Compute(&bad).Score, Compute(&good).Score; b >= g {
		t.Errorf("failed holdouts + 5 approvals = %v ≥ passed holdouts + 5 rejections = %v", b, g)
	}
}
