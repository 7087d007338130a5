// Package confidence scores how much a proof's evidence supports the
// change, in [0, 1], by a fixed formula over the record. The score informs
// people and policy inputs; it never decides: the decision is the policy's.
//
// Four components, each a value in [0, 1] with a weight:
//
//	execution  0.30  the share of head's checks that pass, counting each
//	                 contract acceptance and repro criterion as one more
//	                 (a repro passes when it failed on base and passed on
//	                 head); 0 when nothing ran
//	baseline   0.15  1 − (regressed + removed + skipped + flaky) / tests
//	                 that ran on base (at least 1), clamped at 0: how much
//	                 of what worked before still works
//	holdouts   0.35  passed / total holdouts (an error counts as a
//	                 failure); 0.5, "unknown", when the contract has none
//	                 or there is no contract
//	reviews    ≤0.20 agreement of the model reviews, one vote per vendor:
//	                 a vendor's vote is its most severe verdict (approve 1,
//	                 concerns 0.5, reject 0; unavailable and skipped
//	                 reviewers do not vote), the value their mean. The
//	                 weight is 0.10 per voting vendor, at most 0.20: models
//	                 of one vendor err together, and even several vendors'
//	                 agreement counts for less than one holdout run.
//
// score = Σ weight·value / Σ weight, rounded to two decimals. Reviews
// with no voting vendor have weight 0, so they neither raise nor lower it.
package confidence
