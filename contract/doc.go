// Package contract reads contract files: what "correct" means for one
// change, fixed before the code exists, with holdout criteria the
// implementer never sees. It redacts the holdouts behind a salted
// commitment, computes the two hashes a proof records, and grades how
// well a contract pins the change down.
//
// # Format
//
// A contract is one YAML document (at most MaxBytes), by convention
// .proof/contracts/<id>.yaml:
//
//	apiVersion: git-proof.dev/contract/v1
//	id: GP-42                      # required; 1-64 of [A-Za-z0-9._-]
//	title: "…"                     # required
//	kind: bugfix                   # required: bugfix | feature | refactor | security
//	risk: low                      # low | medium | high
//	intent: |                      # required
//	  …
//	bug: {current: …, expected: …, unchanged: [...]}
//	scope: {allow: [globs], deny: [globs], maxFiles: 3}
//	nonGoals: [...]
//	repro:      [{id, ears?, check}]         # must fail on base, pass on head
//	acceptance: [{id, ears, check?}]         # required, at least one
//	holdouts:   [{id, ears, files: [{path, content}], check}]   # author's copy
//	holdoutSalt: <64 hex>                    # author's copy only, optional
//	holdoutCommitment: {count, sha256}       # redacted copy only
//	disclosure: {holdouts: after-run}        # after-run (default) | never
//
// A check is {run: [argv…], expect: {exit: 0}, timeoutSec: 120}: run is
// executed without a shell, run[0] is a program on PATH or a relative
// path; expect.exit defaults to 0 and timeoutSec to 120 (at most 3600).
// Criterion ids are unique across repro, acceptance and holdouts. Parse
// is strict (see Parse) and its errors, of type *Error, read
// "FILE:LINE: what is wrong; how to fix it".
//
// # Holdouts, redaction and the two hashes
//
// Redact turns the author's copy into the redacted copy the implementer
// gets: holdouts and holdoutSalt removed, and
//
//	holdoutCommitment = {count: len(holdouts), sha256: hex(sha256(salt ‖ JCS(holdouts)))}
//
// with a 32-byte salt. The holdouts and the salt go into a holdouts file
// (apiVersion git-proof.dev/holdouts/v1) kept outside the repository; Join
// checks the commitment and puts them back.
//
// The JSON form of a contract is what the YAML says, with the YAML keys,
// after Parse: strings as written (no Unicode normalization), integers as
// numbers, defaults filled in. Always present: apiVersion, id, title,
// kind, intent, acceptance and disclosure.holdouts; a criterion's id; a
// check's run, expect.exit and timeoutSec; a holdout's id, ears and check;
// a file's path and content (even ""); a commitment's count and sha256.
// Every other key is left out when its value is empty. JCS is RFC 8785.
// Then:
//
//   - SHA256 = hex(sha256(JCS(redacted copy without holdoutSalt))): the
//     JSON form without "holdouts" and "holdoutSalt", with
//     "holdoutCommitment" when there are holdouts. Author's and redacted
//     copy give the same value.
//   - FullSHA256 = hex(sha256(JCS(author's copy without holdoutSalt and
//     holdoutCommitment))): the JSON form with "holdouts". It does not
//     depend on the salt, and equals SHA256 when there are no holdouts.
//
// Any verifier can recompute both from the YAML with a YAML parser, a JSON
// encoder and a JCS implementation.
//
// # Grade
//
// Grade scores a contract out of 100 over six dimensions and maps the
// score to A (≥90), B (≥80), C (≥70), D (≥60) or F. It reads only what the
// redacted copy shows. Points are whole numbers, fractions rounded down:
//
//	testability       25  25 × (acceptance criteria with a runnable check) / (acceptance criteria);
//	                      a check running true, false, :, echo, printf, sleep or yes does not count
//	reproduction      20  bugfix, security: 20 × (repro criteria whose check failed on the base
//	                      tree, per the caller's ReproEvidence) / (repro criteria); 0 without repro
//	                      criteria or without evidence (not run).
//	                      feature, refactor: 20 if some acceptance criterion has a runnable check
//	negativeCoverage  15  8 if there are as many holdouts as the risk wants (low or unset 1,
//	                      medium 2, high 5), 4 if fewer but some;
//	                      + 7 if a repro or acceptance sentence says what must not happen
//	                      (must not, shall not, never, reject, invalid, IF … THEN, …)
//	scopeBoundedness  15  allow: 5 for 1–5 globs, 3 for 6–15, 1 for more, 0 for none or one that
//	                      matches every path; + 3 deny; + 3 maxFiles; + 4 nonGoals
//	clarity           15  7 × (acceptance sentences in EARS (SHALL) or Given/When/Then form) / (acceptance);
//	                      + max(0, 5 − vague words) (works correctly, as expected, properly,
//	                      should work, handle, process, manage, support, ensure);
//	                      + 3 if no [NEEDS CLARIFICATION marker
//	completeness      10  3 if the intent is 20–1000 characters (else 1); + 2 risk; + 2 nonGoals;
//	                      + 1 each for bug.current, bug.expected, bug.unchanged on a bugfix or
//	                      security fix (3 for other kinds, where they do not apply)
//
// Each dimension's Reason says what is missing and how to add it.
package contract
