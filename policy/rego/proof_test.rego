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
