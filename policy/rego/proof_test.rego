package proof_test

import data.proof

pass_tree := {"status": "pass", "exitCode": 0}

fail_tree := {"status": "fail", "exitCode": 1}

check(overrides) := object.union(
	{
		"name": "unit", "base": pass_tree, "repro": fail_tree, "head": pass_tree,
		"fixed": ["m.TestBug"], "regressed": [], "added": ["m.TestBug"], "removed": [], "flaky": [],
		"counts": {"fixed": 1, "regressed": 0, "added": 1, "removed": 0},
	},
	overrides,
)

signed := {"signed": true, "verified": true, "trusted": true}

test_auto_ok if {
	proof.decision == "AUTO_OK" with input as {"proofpack": {"checks": [check({})]}, "signer": signed}
}

test_regressed_blocks if {
	c := check({"regressed": ["m.TestOld"], "counts": {"fixed": 1, "regressed": 1, "added": 1, "removed": 0}})
	proof.decision == "BLOCK" with input as {"proofpack": {"checks": [c]}, "signer": signed}
	count(proof.deny) == 1 with input as {"proofpack": {"checks": [c]}, "signer": signed}
}

test_removed_blocks if {
	c := check({"removed": ["m.TestGone"], "counts": {"fixed": 1, "regressed": 0, "added": 1, "removed": 1}})
	proof.decision == "BLOCK" with input as {"proofpack": {"checks": [c]}, "signer": signed}
}

test_head_fails_base_passed_blocks if {
	c := check({"head": fail_tree, "fixed": [], "counts": {"fixed": 0, "regressed": 0, "added": 0, "removed": 0}})
	proof.decision == "BLOCK" with input as {"proofpack": {"checks": [c]}, "signer": signed}
}

test_no_fix_reviews if {
	c := check({"fixed": [], "counts": {"fixed": 0, "regressed": 0, "added": 0, "removed": 0}})
	proof.decision == "REVIEW" with input as {"proofpack": {"checks": [c]}, "signer": signed}
}

test_unsigned_reviews if {
	proof.decision == "REVIEW" with input as {"proofpack": {"checks": [check({})]}, "signer": {"signed": false}}
}

test_no_checks_reviews if {
	proof.decision == "REVIEW" with input as {"proofpack": {"checks": []}, "signer": signed}
}

test_head_fails_like_base_reviews if {
	c := check({"base": fail_tree, "head": fail_tree})
	proof.decision == "REVIEW" with input as {"proofpack": {"checks": [c]}, "signer": signed}
}

test_every_non_auto_ok_has_reasons if {
	c := check({"fixed": [], "counts": {"fixed": 0, "regressed": 0, "added": 0, "removed": 0}})
	count(proof.review) > 0 with input as {"proofpack": {"checks": [c]}, "signer": signed}
}

approval := {"principal": "bob@example.com", "keyid": "SHA256:bob", "reason": "read it", "createdAt": "2026-01-01T00:00:00Z"}

signed_by_agent := {"signed": true, "verified": true, "trusted": true, "principal": "agent@example.com", "keyid": "SHA256:agent"}

no_fix := check({"fixed": [], "counts": {"fixed": 0, "regressed": 0, "added": 0, "removed": 0}})

test_review_approved_under_approval_rule if {
	inp := {"proofpack": {"checks": [no_fix]}, "signer": signed_by_agent, "approvals": [approval], "rule": {"require": "approval"}}
	proof.decision == "AUTO_OK" with input as inp
	proof.approved_by == {"bob@example.com"} with input as inp
	count(proof.review) > 0 with input as inp
}

test_approval_ignored_under_auto_ok_rule if {
	inp := {"proofpack": {"checks": [no_fix]}, "signer": signed_by_agent, "approvals": [approval], "rule": {"require": "AUTO_OK"}}
	proof.decision == "REVIEW" with input as inp
}

test_self_approval_does_not_count if {
	self := object.union(approval, {"principal": "agent@example.com"})
	inp := {"proofpack": {"checks": [no_fix]}, "signer": signed_by_agent, "approvals": [self], "rule": {"require": "approval"}}
	proof.decision == "REVIEW" with input as inp
	same_key := object.union(approval, {"keyid": "SHA256:agent"})
	proof.decision == "REVIEW" with input as object.union(inp, {"approvals": [same_key]})
}

test_approval_never_overrides_deny if {
	c := check({"regressed": ["m.TestOld"], "counts": {"fixed": 1, "regressed": 1, "added": 1, "removed": 0}})
	inp := {"proofpack": {"checks": [c]}, "signer": signed_by_agent, "approvals": [approval], "rule": {"require": "approval"}}
	proof.decision == "BLOCK" with input as inp
}

test_high_risk_reviews if {
	r := {"score": 0.9, "factors": [{"name": "blast-radius", "points": 0.9, "detail": "300 files"}], "sensitive": []}
	proof.decision == "REVIEW" with input as {"proofpack": {"checks": [check({})], "risk": r}, "signer": signed}
	proof.decision == "AUTO_OK" with input as {"proofpack": {"checks": [check({})], "risk": r}, "signer": signed}
		with data.config.riskThreshold as 0.95
}

test_sensitive_paths_review if {
	r := {"score": 0.1, "factors": [], "sensitive": [{"path": ".github/workflows/ci.yml", "glob": ".github/workflows/**", "category": "ci"}]}
	inp := {"proofpack": {"checks": [check({})], "risk": r}, "signer": signed}
	proof.decision == "REVIEW" with input as inp
	some msg in proof.review with input as inp
	contains(msg, ".github/workflows/ci.yml")
}

test_dependency_changes_only_raise_risk if {
	r := {"score": 0.1, "factors": [], "sensitive": [{"path": "go.mod", "glob": "**/go.mod", "category": "deps"}]}
	proof.decision == "AUTO_OK" with input as {"proofpack": {"checks": [check({})], "risk": r}, "signer": signed}
}

test_skipped_blocks if {
	c := check({"skipped": ["m.TestOld"]})
	proof.decision == "BLOCK" with input as {"proofpack": {"checks": [c]}, "signer": signed}
}

test_flaky_reviews if {
	c := check({"flaky": ["m.TestBug"], "fixed": []})
	proof.decision == "REVIEW" with input as {"proofpack": {"checks": [c]}, "signer": signed}
	c2 := check({"flaky": ["m.TestOther"]})
	proof.decision == "REVIEW" with input as {"proofpack": {"checks": [c2]}, "signer": signed}
}

test_new_error_finding_blocks if {
	f := {"new": 1, "fixed": 0, "unchanged": 2, "newByLevel": {"error": 1}, "newList": [{"rule": "printf", "level": "error", "file": "a.go", "line": 3, "message": "m"}]}
	c := check({"findings": f})
	proof.decision == "BLOCK" with input as {"proofpack": {"checks": [c]}, "signer": signed}
	some msg in proof.deny with input as {"proofpack": {"checks": [c]}, "signer": signed}
	contains(msg, "printf at a.go:3")
}

test_new_warning_reviews_and_old_ones_do_not if {
	w := {"new": 1, "newByLevel": {"warning": 1}, "newList": [{"rule": "r", "level": "warning", "file": "a.go", "line": 1, "message": "m"}]}
	proof.decision == "REVIEW" with input as {"proofpack": {"checks": [check({"findings": w})]}, "signer": signed}
	old := {"new": 0, "unchanged": 5, "newByLevel": {}, "newList": []}
	proof.decision == "AUTO_OK" with input as {"proofpack": {"checks": [check({"findings": old})]}, "signer": signed}
}

test_changed_coverage_floor if {
	c := check({"coverage": {"executable": 10, "covered": 5, "fraction": 0.5}})
	proof.decision == "AUTO_OK" with input as {"proofpack": {"checks": [c]}, "signer": signed}
	proof.decision == "REVIEW" with input as {"proofpack": {"checks": [c]}, "signer": signed} with data.config.minChangedCoverage as 0.8
	some msg in proof.review with input as {"proofpack": {"checks": [c]}, "signer": signed} with data.config.minChangedCoverage as 0.8
	contains(msg, "50% of the changed code lines ran at head, below 80%")
	proof.decision == "AUTO_OK" with input as {"proofpack": {"checks": [c]}, "signer": signed} with data.config.minChangedCoverage as 0.4
}

test_new_runtime_dependency_reviews if {
	d := {"added": [{"ecosystem": "npm", "name": "left-pad", "newVersion": "1.3.0", "manifest": "package.json", "purl": "pkg:npm/left-pad@1.3.0"}], "removed": [], "changed": [], "errors": []}
	proof.decision == "REVIEW" with input as {"proofpack": {"checks": [check({})], "dependencies": d}, "signer": signed}
	dev := {"added": [{"ecosystem": "npm", "name": "jest", "newVersion": "29.0.0", "scope": "dev", "manifest": "package.json", "purl": "p"}], "removed": [], "changed": [], "errors": []}
	proof.decision == "AUTO_OK" with input as {"proofpack": {"checks": [check({})], "dependencies": dev}, "signer": signed}
	bad := {"added": [], "removed": [], "changed": [], "errors": ["go.mod:3: bad"]}
	proof.decision == "REVIEW" with input as {"proofpack": {"checks": [check({})], "dependencies": bad}, "signer": signed}
}

test_formatting_mixed_into_a_fix_reviews if {
	code := {"file": "a.go", "newStart": 3, "class": "code-change", "essential": true}
	fmt := {"file": "b.go", "newStart": 9, "class": "formatting-only", "essential": false}
	proof.decision == "REVIEW" with input as {"proofpack": {"checks": [check({})], "hunks": [code, fmt]}, "signer": signed}
	some msg in proof.review with input as {"proofpack": {"checks": [check({})], "hunks": [code, fmt]}, "signer": signed}
	contains(msg, "b.go:9 (formatting-only)")
	# Formatting alone is fine; code alone is fine.
	proof.decision == "AUTO_OK" with input as {"proofpack": {"checks": [check({})], "hunks": [code]}, "signer": signed}
	count([m | some m in proof.review; contains(m, "formatting")]) == 0 with input as {"proofpack": {"checks": [check({})], "hunks": [fmt]}, "signer": signed}
}

test_api_break_reviews if {
	api := {"changed": [{"change": "signature", "kind": "func", "name": "Add", "file": "calc.go"}]}
	proof.decision == "REVIEW" with input as {"proofpack": {"checks": [check({})], "api": api}, "signer": signed}
	added := {"changed": [{"change": "added", "kind": "func", "name": "Sub", "file": "calc.go"}]}
	proof.decision == "AUTO_OK" with input as {"proofpack": {"checks": [check({})], "api": added}, "signer": signed}
}

test_unneeded_hunks_review if {
	h := {"file": "a.go", "newStart": 3, "class": "code-change", "essential": true, "necessary": false}
	proof.decision == "REVIEW" with input as {"proofpack": {"checks": [check({})], "hunks": [h]}, "signer": signed}
	ok := object.union(h, {"necessary": true})
	proof.decision == "AUTO_OK" with input as {"proofpack": {"checks": [check({})], "hunks": [ok]}, "signer": signed}
}

# --- contracts and reviews ---

good_contract := {
	"status": "used",
	"repro": [{"id": "R1", "status": "pass"}],
	"acceptance": [{"id": "AC1", "status": "pass"}],
	"holdouts": {"total": 1, "passed": 1, "results": [{"id": "H1", "status": "pass"}]},
	"scope": {"files": 1, "maxFiles": 3, "outside": []},
	"grade": {"grade": "A"},
}

good := {"checks": [check({})]}

with_contract(c) := object.union(good, {"contract": c})

test_contract_all_pass_auto_ok if {
	proof.decision == "AUTO_OK" with input as {"proofpack": with_contract(good_contract), "signer": signed}
}

test_failed_holdout_blocks if {
	c := object.union(good_contract, {"holdouts": {"total": 1, "passed": 0, "failed": 1, "results": [{"id": "H1", "status": "fail"}]}})
	proof.decision == "BLOCK" with input as {"proofpack": with_contract(c), "signer": signed}
	some m in proof.deny with input as {"proofpack": with_contract(c), "signer": signed}
	contains(m, "holdout H1 failed")
}

test_holdout_error_blocks if {
	c := object.union(good_contract, {"holdouts": {"total": 1, "errors": 1, "results": [{"id": "H1", "status": "error"}]}})
	proof.decision == "BLOCK" with input as {"proofpack": with_contract(c), "signer": signed}
}

test_failed_repro_blocks if {
	c := object.union(good_contract, {"repro": [{"id": "R1", "status": "fail"}]})
	proof.decision == "BLOCK" with input as {"proofpack": with_contract(c), "signer": signed}
}

test_failed_acceptance_blocks if {
	c := object.union(good_contract, {"acceptance": [{"id": "AC1", "status": "fail"}]})
	proof.decision == "BLOCK" with input as {"proofpack": with_contract(c), "signer": signed}
}

test_out_of_scope_reviews if {
	c := object.union(good_contract, {"scope": {"files": 2, "maxFiles": 3, "outside": ["go.mod"]}})
	proof.decision == "REVIEW" with input as {"proofpack": with_contract(c), "signer": signed}
}

test_too_many_files_reviews if {
	c := object.union(good_contract, {"scope": {"files": 5, "maxFiles": 3, "outside": []}})
	proof.decision == "REVIEW" with input as {"proofpack": with_contract(c), "signer": signed}
}

test_weak_contract_reviews if {
	c := object.union(good_contract, {"grade": {"grade": "D"}})
	proof.decision == "REVIEW" with input as {"proofpack": with_contract(c), "signer": signed}
}

test_reviewer_reject_reviews if {
	p := object.union(good, {"reviews": {"reviewers": [{"name": "a", "status": "ok", "verdict": "reject", "model": "m"}]}})
	proof.decision == "REVIEW" with input as {"proofpack": p, "signer": signed}
}

test_reviewer_approval_overrides_nothing if {
	p := object.union(good, {
		"checks": [check({"regressed": ["m.TestOld"], "counts": {"fixed": 1, "regressed": 1, "added": 1, "removed": 0}})],
		"reviews": {"reviewers": [{"name": "a", "status": "ok", "verdict": "approve"}, {"name": "b", "status": "ok", "verdict": "approve"}]},
	})
	proof.decision == "BLOCK" with input as {"proofpack": p, "signer": signed}
}

test_unavailable_reviewer_changes_nothing if {
	p := object.union(good, {"reviews": {"reviewers": [{"name": "a", "status": "unavailable", "failure": {"class": "timeout"}}]}})
	proof.decision == "AUTO_OK" with input as {"proofpack": p, "signer": signed}
}
