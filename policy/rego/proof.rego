# git-proof default policy (Rego v1).
#
# input.proofpack  the signed predicate (schema https://git-proof.dev/proofpack/v1)
# input.signer     {signed, verified, trusted, principal, keyid}
# input.commit     {id, tree, parents}
# input.context    "run" | "verify" | "pre-push" | "pre-receive"
#
# decision is BLOCK when anything is denied, REVIEW when anything needs a
# human, AUTO_OK otherwise. Every reason is a sentence a person can act on.
package proof

checks := object.get(input, ["proofpack", "checks"], [])

default decision := "BLOCK"

decision := "BLOCK" if count(deny) > 0

decision := "REVIEW" if {
	count(deny) == 0
	count(review) > 0
}

decision := "AUTO_OK" if {
	count(deny) == 0
	count(review) == 0
}

deny contains msg if {
	some c in checks
	count(c.regressed) > 0
	msg := sprintf("check %q: %d test(s) regressed (pass on base, fail on head): %s", [c.name, c.counts.regressed, concat(", ", c.regressed)])
}

deny contains msg if {
	some c in checks
	count(c.removed) > 0
	msg := sprintf("check %q: %d test(s) removed (ran on base, gone from head): %s", [c.name, c.counts.removed, concat(", ", c.removed)])
}

deny contains msg if {
	some c in checks
	c.head.status == "fail"
	c.base.status == "pass"
	msg := sprintf("check %q fails on head but passed on base (exit %d)", [c.name, c.head.exitCode])
}

review contains "no checks ran: configure checks in .proof/config.yaml or pass --test" if {
	count(checks) == 0
}

review contains "no test is fixed: nothing fails on the base code with the new tests and passes on the fix, so the change has no reproduction" if {
	count(checks) > 0
	not any_fixed
}

review contains msg if {
	some c in checks
	c.head.status == "fail"
	not base_passed(c)
	msg := sprintf("check %q fails on head (it did not pass on base either)", [c.name])
}

review contains "the record is unsigned: configure proof.signingKey (or user.signingkey with gpg.format=ssh) and run again" if {
	not input.signer.signed
}

any_fixed if {
	some c in checks
	count(c.fixed) > 0
}

base_passed(c) if c.base.status == "pass"
