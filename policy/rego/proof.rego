# git-proof default policy (Rego v1).
#
# input.proofpack  the signed predicate (schema https://git-proof.dev/proofpack/v1)
# input.signer     {signed, verified, trusted, principal, keyid}
# input.commit     {id, tree, parents}
# input.context    "run" | "verify" | "pre-push" | "pre-receive"
#
# input.approvals  trusted sign-offs [{principal, keyid, reason, createdAt}]
# input.rule       {require: "AUTO_OK" | "approval"}: what the ref requires
# data.config      settings: riskThreshold (default 0.5); minChangedCoverage
#                  (unset: no rule), the fraction of changed code lines
#                  a check's coverage must show ran
#
# decision is BLOCK when anything is denied, REVIEW when anything needs a
# human, AUTO_OK otherwise. Under an "approval" rule, a REVIEW that someone
# other than the record's signer approved is AUTO_OK; nothing overrides a
# deny. Every reason is a sentence a person can act on.
package proof

checks := object.get(input, ["proofpack", "checks"], [])

risk := object.get(input, ["proofpack", "risk"], {})

# 0.5: the risk package's calibration (risk/doc.go): a fix of a few files
# with a reproducing test scores well under it, a 300-file refactor, a
# regression or a change to .proof/ over it.
default risk_threshold := 0.5

risk_threshold := data.config.riskThreshold

default decision := "BLOCK"

decision := "BLOCK" if count(deny) > 0

decision := "REVIEW" if {
	count(deny) == 0
	count(review) > 0
	count(approved_by) == 0
}

decision := "AUTO_OK" if {
	count(deny) == 0
	count(review) == 0
}

decision := "AUTO_OK" if {
	count(deny) == 0
	count(review) > 0
	count(approved_by) > 0
}

# Who approved, among those whose approval counts: the ref takes approvals,
# and the approver is not the record's signer (no one approves their own
# change, and an agent's key never approves its own proof).
approved_by contains a.principal if {
	object.get(input, ["rule", "require"], "") == "approval"
	some a in object.get(input, "approvals", [])
	a.keyid != object.get(input, ["signer", "keyid"], "")
	a.principal != object.get(input, ["signer", "principal"], "")
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
	count(object.get(c, "skipped", [])) > 0
	msg := sprintf("check %q: %d test(s) skipped at head that ran on base: %s", [c.name, count(c.skipped), concat(", ", c.skipped)])
}

review contains msg if {
	some c in checks
	count(object.get(c, "flaky", [])) > 0
	msg := sprintf("check %q: %d flaky test(s), whose outcome changed between runs (a flaky repro is not a repro): %s", [c.name, count(c.flaky), concat(", ", c.flaky)])
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

review contains msg if {
	score := object.get(risk, "score", 0)
	score > risk_threshold
	names := [sprintf("%s %.2f", [f.name, f.points]) | some f in object.get(risk, "factors", []); f.points > 0]
	msg := sprintf("risk %.2f is above the threshold %.2f (%s)", [score, risk_threshold, concat(", ", names)])
}

# Changes to what decides or runs the checks need a person, whatever else.
careful := {
	"policy": "what decides about changes (.proof/, CODEOWNERS)",
	"ci": "CI configuration",
	"hooks": "git hooks",
	"custom": "paths the project marked sensitive",
}

review contains msg if {
	# Iterate the (usually empty) sensitive paths, not the categories.
	some s in object.get(risk, "sensitive", [])
	what := careful[s.category]
	paths := [x.path | some x in risk.sensitive; x.category == s.category]
	msg := sprintf("the change touches %s (%s): a person must review it", [what, concat(", ", paths)])
}

# Static analysis: only findings new at head count.
deny contains msg if {
	some c in checks
	n := object.get(c, ["findings", "newByLevel", "error"], 0)
	n > 0
	msg := sprintf("check %q: %d new error-level finding(s): %s", [c.name, n, finding_names(c, "error")])
}

review contains msg if {
	some c in checks
	n := object.get(c, ["findings", "newByLevel", "warning"], 0)
	n > 0
	msg := sprintf("check %q: %d new warning(s): %s", [c.name, n, finding_names(c, "warning")])
}

finding_names(c, level) := concat(", ", [sprintf("%s at %s:%d", [f.rule, f.file, f.line]) |
	some f in object.get(c, ["findings", "newList"], [])
	f.level == level
])

review contains msg if {
	floor := data.config.minChangedCoverage
	some c in checks
	cv := c.coverage
	cv.executable > 0
	cv.fraction < floor
	msg := sprintf("check %q: %d%% of the changed code lines ran at head, below %d%%", [c.name, round(cv.fraction * 100), round(floor * 100)])
}

# Dependencies: a new direct dependency the project needs at run time is a
# supply-chain decision a person makes; dev, build and optional ones only
# raise the risk.
review contains msg if {
	deps := object.get(input, ["proofpack", "dependencies", "added"], [])
	names := [sprintf("%s %s (%s)", [d.name, d.newVersion, d.manifest]) | some d in deps; object.get(d, "scope", "") == ""]
	count(names) > 0
	msg := sprintf("new dependencies: %s", [concat(", ", names)])
}

review contains msg if {
	errs := object.get(input, ["proofpack", "dependencies", "errors"], [])
	count(errs) > 0
	msg := sprintf("dependency manifests that do not parse, so their changes are unknown: %s", [concat("; ", errs)])
}

# Hunks: formatting- or comment-only hunks mixed into a change that also
# changes code hide the change that matters; they belong in a commit of
# their own.
hunks := object.get(input, ["proofpack", "hunks"], [])

review contains msg if {
	some h in hunks
	h.essential
	noise := [sprintf("%s:%d (%s)", [n.file, n.newStart, n.class]) | some n in hunks; not n.essential]
	count(noise) > 0
	msg := sprintf("%d hunk(s) only change formatting or comments, mixed into a change of code: %s; put them in a commit of their own", [count(noise), concat(", ", noise)])
}

# A public API removed or changed breaks its callers.
review contains msg if {
	api := object.get(input, ["proofpack", "api"], {})
	breaks := [sprintf("%s %s %s (%s)", [c.change, c.kind, c.name, c.file]) | some c in object.get(api, "changed", []); c.change != "added"]
	count(breaks) > 0
	msg := sprintf("public API changed: %s", [concat(", ", breaks)])
}

# minimize found code the fixed tests do not need.
review contains msg if {
	unneeded := [sprintf("%s:%d", [h.file, h.newStart]) | some h in hunks; h.essential; object.get(h, "necessary", true) == false]
	count(unneeded) > 0
	msg := sprintf("%d hunk(s) are not needed for the fixed tests to pass (git proof minimize): %s", [count(unneeded), concat(", ", unneeded)])
}

# Contracts (run --contract): the hidden holdouts, the repro and the
# acceptance criteria are checks the code must pass; a failure of any is
# a BLOCK. A change outside the contract's scope, or a contract too weak
# to grade C, needs a person. (Every rule starts with contract_used, so a
# record without a contract costs one comparison.)
contract := object.get(input, ["proofpack", "contract"], {})

contract_used if contract.status == "used"

deny contains msg if {
	contract_used
	some h in object.get(contract, ["holdouts", "results"], [])
	h.status != "pass"
	msg := sprintf("holdout %s %s: the change does not meet a criterion it was not shown", [h.id, criterion_state(h)])
}

deny contains msg if {
	contract_used
	some c in object.get(contract, "repro", [])
	c.status != "pass"
	msg := sprintf("contract repro %s %s: it must fail on the base tree and pass on head", [c.id, criterion_state(c)])
}

deny contains msg if {
	contract_used
	some c in object.get(contract, "acceptance", [])
	c.status != "pass"
	msg := sprintf("contract acceptance criterion %s %s", [c.id, criterion_state(c)])
}

criterion_state(c) := "could not run" if c.status == "error"

criterion_state(c) := "failed" if c.status != "error"

review contains msg if {
	contract_used
	outside := object.get(contract, ["scope", "outside"], [])
	count(outside) > 0
	msg := sprintf("%d changed file(s) outside the contract's scope: %s", [count(outside), concat(", ", outside)])
}

review contains msg if {
	contract_used
	s := object.get(contract, "scope", {})
	s.maxFiles > 0
	s.files > s.maxFiles
	msg := sprintf("the change touches %d files; the contract allows at most %d", [s.files, s.maxFiles])
}

review contains msg if {
	contract_used
	g := object.get(contract, ["grade", "grade"], "")
	g in {"D", "E", "F"}
	msg := sprintf("the contract grades %s (below C): run git proof contract check and strengthen it", [g])
}

# Reviews are evidence, never the decision: a reviewer that rejects sends
# the change to a person; an approval overrides nothing.
reviewers := object.get(input, ["proofpack", "reviews", "reviewers"], [])

review contains msg if {
	some r in reviewers
	r.status == "ok"
	r.verdict == "reject"
	msg := sprintf("reviewer %s (%s) rejects the change: see git proof show", [r.name, object.get(r, "modelUsed", r.model)])
}

review contains msg if {
	some r in reviewers
	r.status == "ok"
	n := object.get(r, ["counts", "critical"], 0)
	n > 0
	msg := sprintf("reviewer %s reports %d critical finding(s): see git proof show", [r.name, n])
}
