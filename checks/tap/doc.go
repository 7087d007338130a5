// Package tap reads Test Anything Protocol streams (TAP 13 and 14) into
// named test cases, each with a stable ID and a pass, fail or skip status.
//
// It reads what node --test --test-reporter=tap, node-tap, Perl's
// Test::More and other TAP producers write: a version line, a plan (first
// or last, "1..0 # SKIP reason" included), "ok" and "not ok" test points
// with optional numbers, descriptions and SKIP, TODO and node-tap's
// "time=" directives, "\#" and "\\" escapes, YAML diagnostic blocks, and
// subtests indented four spaces per level (TAP 14's shape, which node uses
// for describe blocks and nested tests, "# Subtest: name" comments
// included). Lines that are not TAP — a command's other output — are
// ignored, as the specification says.
//
// # IDs
//
// A test point's ID is its description (after the number and an optional
// " - ", trimmed, escapes undone). A subtest's test points are named under
// the test point that closes the subtest, the names joined with " › ". A
// test point without a description takes its subtest's "# Subtest:" name,
// else "test N", N its number. When a name repeats among the cases, its
// second and later uses get " #2", " #3", … in stream order. IDs longer than
// MaxIDBytes are cut and end in "…" and a digest of the whole ID.
//
// Examples (the samples under testdata/; "⋅" marks four spaces of
// indentation):
//
//	producer   test point, and the subtests it closes       ID
//	node       ok 1 - adds numbers                          adds numbers
//	node       not ok 5 - math                              math
//	node       ⋅ not ok 2 - division  (in math)             math › division
//	node       ⋅⋅ ok 1 - divides  (in division, in math)    math › division › divides
//	node-tap   ⋅ ok 1 - adds # time=2.104ms  (in            test/calc.js › adds
//	           not ok 1 - test/calc.js)
//	TAP 13     not ok 6 - pinged quartz                     pinged quartz
//	TAP 13     not ok  (the 10th, no description)           test 10
//	TAP 14     # Subtest  /  ⋅ ok 1 - name is optional  /   test 4 › name is optional
//	           ok 4
//	TAP 14     ok 2 - hello \# todo                         hello # todo
//	TAP 14     ok 7 - repeated  /  ok 8 - repeated          repeated, repeated #2
//
// # Statuses
//
// "ok" passes and "not ok" fails, unless a directive says otherwise: SKIP
// (ok or not ok) is a skip, and so is TODO, whether the point is ok or not:
// TAP says a failing TODO is not a failure, and a TODO that passes has not
// been promoted to a real test yet, so neither outcome counts. Reporting
// both as skipped keeps a test that turns into a TODO at head visible to
// the checks' integrity rule rather than letting it pass. Test points that
// stand for a subtest are cases too, with their own status (node's suite
// fails when one of its tests does), as go test's parent tests are.
//
// Message is the SKIP reason, "TODO" and its reason, or for a failure the
// message key of its YAML block (else node's error key). YAML blocks are
// otherwise skipped: only a failure's block is decoded, by gopkg.in/yaml.v3
// into nodes (so aliases are not expanded), within MaxYAMLBytes.
//
// # Incomplete streams
//
// A stream without a plan, with test points missing from the plan or
// outside it, or a "Bail out!" is incomplete: Parse returns the cases read
// so far and a *ParseError wrapping ErrNoPlan, ErrPlan or ErrBailOut. The
// caller must take that as a failed check, not as a smaller set of tests.
// A subtest's own plan, when it has one, is checked the same way.
//
// # Why our own parser
//
// The Go TAP consumers on record — github.com/mpontillo/tap13 (v1.0.2,
// 2020), github.com/shogo82148/go-tap (v0.0.3, 2020) — read TAP 12 and 13
// only: no subtests, which node writes for every describe block, and no
// TAP 14 escapes; tap13 also wants the whole stream as a []string. TAP is
// line-based and small; reading it here keeps memory bounded by the limits
// in limits.go and lets errors say which line is wrong.
package tap
