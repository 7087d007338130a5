// Package risk scores how much could go wrong with a change: a number from
// 0 to 1 and the factors that add up to it, recorded as the proof record's
// risk{score,factors,sensitive} for the policy to act on. [Score] works
// from what the run already knows (the changed paths, the recorded checks
// and, when measured, hunk classes, API changes and the dependency delta);
// it reads no file and runs nothing.
//
// # Reading a score
//
// The score is a gauge, not a probability; 0.5 is the suggested REVIEW
// threshold for the policy. Below 0.2, a routine change: a one-line fix
// scores 0.03 with a test that reproduces it, 0.16 without. From 0.2 to
// 0.5, worth a look: 10 files and 200 lines over 3 packages score 0.24
// with a reproducing test, 0.39 without; a small change with its go.mod
// and go.sum, 0.40. Above 0.5, a person should review it: a 300-file
// refactor (0.70, or 0.55 with a fixed test), a change to .proof/ (0.58), a
// regression (0.88). The default policy also sends changes to .proof/ and
// to CI config to review by a rule of its own, whatever the score.
//
// # The formula
//
// Every term has one of two shapes:
//
//	lg(n, X)         = min(1, ln(1+n) / ln(1+X)),  and 0 when n ≤ 0
//	term(n; a, b, X) = a + b·lg(n, X)  when n > 0,  else 0
//
// lg adds the same amount for each tenfold growth of n and reaches 1 at
// n = X. Size is like that: 1 → 10 files is as big a step as 10 → 100. A
// log gives a one-file fix a visible 0.06 and still tells 50 files from
// 200; a saturating 1 − e^(−n/k) is linear near 0, so with k set to reach
// the top near 200 files a one-file fix would score under 0.01, and with k
// set for small changes 50 and 200 files would score the same. In term, the
// floor a makes the first occurrence of something bad count in full, and
// b·lg lets more of it count a little more.
//
// The factors, in the order Score lists them. A factor is listed when its
// condition holds (even if it rounds to 0); blast-radius is always listed.
// Each factor's points are rounded to hundredths, and the score is their
// exact sum:
//
//	factor               listed when          points
//	blast-radius         always               0.25·lg(F, 200) + 0.20·lg(L, 5000) + 0.15·lg(P−1, 30)
//	binary-files         B > 0                0.05·lg(B, 20)
//	sensitive-paths      some path matches    Σ over categories c: term(n_c; a_c, 0.05, 10)
//	fixed-tests          T > 0                −min(5, ⌊b / 2⌋) hundredths, b = blast-radius in hundredths
//	no-repro             T = 0 and F > 0      0.15 when no check ran, else 0.10
//	regressed-tests      R > 0                term(R; 0.40, 0.20, 10)
//	removed-tests        D > 0                term(D; 0.40, 0.20, 10)
//	flaky-tests          K > 0                term(K; 0.20, 0.10, 10)
//	failing-checks       C > 0                term(C; 0.20, 0.10, 5)
//	non-essential-hunks  N > 0 and E > 0      term(N; 0.10, 0.10, 10)
//	api-breaks           Ab > 0               term(Ab; 0.30, 0.15, 10)
//	api-changes          Aa > 0               term(Aa; 0, 0.08, 20)
//	dependencies         any count > 0        term(Dadd; 0.15, 0.10, 10) + term(Dchg; 0.05, 0.05, 20)
//	clamp                sum > 1 or sum < 0   1 − sum, or −sum
//
// where, from [Input]:
//
//   - F is the number of changed paths, whatever their status; L the lines
//     added plus the lines deleted in text files (a deleted line is as much
//     a change as an added one); P the number of distinct directories of
//     the changed paths ("." for the top), a Go package being a directory
//     and, for other languages, a fair proxy for one; P−1 so that one
//     package is no spread. The blast radius tops out at 0.60.
//   - B is the number of binary files: a reviewer cannot read them.
//   - n_c is the number of changed paths whose first matching rule has
//     category c, and a_c is 0.40 for policy, 0.35 for ci, 0.20 for hooks,
//     0.15 for deps and 0.20 for custom (see Sensitive paths below).
//   - T is the number of fixed tests over all checks — tests that fail
//     without the change (on the repro tree, else the base) and pass with
//     it — counted as recorded (a list cut to MaxNames keeps its Counts),
//     less those also listed as flaky: a flaky repro is not a repro.
//   - R, D and K are the regressed, removed and flaky tests over all checks;
//     C the checks whose head result is missing or not "pass".
//   - N is the formatting-only plus comment-only hunks and E the essential
//     hunks ([HunkSummary]): noise mixed into a change hides it. A change
//     made only of such hunks scores no points here.
//   - Ab is APIBreaks (public declarations removed or re-signed) and Aa is
//     APIChanges − APIBreaks (public declarations added).
//   - Dadd and Dchg are the dependencies added and changed; removed ones
//     are named in the detail but score nothing (less code to trust).
//
// The last four factors weigh evidence that later stages supply: hunk
// classes and API changes (package astdiff) and the dependency delta.
// While their inputs are nil or zero those factors are not listed; such
// evidence adds factors and leaves the others as they were (but clamp).
//
// A fixed test is the one thing that lowers the score, and only by half
// the blast radius, at most 0.05: a reproduced fix shows that the code
// change does what it claims, which speaks to its size, not to what it
// touches (CI, policy) or breaks (regressions). So the credit never takes
// the score below 0 and a large change stays large. It is taken from the
// rounded blast radius, so that the two together never fall as the
// change grows. Without a fixed test, no-repro adds points instead.
//
// Two overlaps are meant: a regressed test also fails its check
// (regressed-tests and failing-checks), and a new dependency also changes
// a manifest (dependencies and sensitive-paths in deps).
//
// The clamp factor, listed only when needed, brings a sum above 1 down to
// 1 (and, defensively, one below 0 up to 0); with it the factors still add
// up to the score. The properties tested: the score is in [0, 1] in
// hundredths; the factors add up to it; more changed paths never lower it,
// nor does a sensitive path; a fixed test never raises it; the same input
// gives the same output.
//
// The weights are not configurable, so that a score means the same in
// every repository and no pushed config can lower its own risk; the
// threshold is the policy's to choose.
//
// # Sensitive paths
//
// A [Rule] is a doublestar glob over slash-separated paths relative to the
// top of the tree ("**/" matches any depth, none included) and a category:
// policy, ci, hooks, deps or custom. Each changed path takes its first
// matching rule; Risk.Sensitive lists every matching path, sorted, with
// that rule's glob and category. [DefaultSensitive] lists the defaults:
//
//   - policy: .proof/**, and CODEOWNERS at the top, in .github/, .gitlab/
//     or docs/ (it decides who must review);
//   - ci: .github/workflows/**, .github/actions/**, .gitlab-ci.yml,
//     .gitlab/ci/**, .circleci/**, **/Jenkinsfile, azure-pipelines.yml,
//     .buildkite/**, .travis.yml, .drone.yml, bitbucket-pipelines.yml;
//   - hooks: .githooks/**, .husky/**, .pre-commit-config.yaml and
//     lefthook's lefthook.yml, lefthook.yaml, .lefthook.yml, .lefthook.yaml;
//   - deps, at any depth: go.mod, go.sum, go.work, go.work.sum,
//     package.json, package-lock.json, npm-shrinkwrap.json, yarn.lock,
//     pnpm-lock.yaml, requirements*.txt, pyproject.toml, poetry.lock,
//     uv.lock, Pipfile, Pipfile.lock, Cargo.toml, Cargo.lock, pom.xml,
//     build.gradle, build.gradle.kts, gradle.lockfile, Gemfile,
//     Gemfile.lock, composer.json, composer.lock; and .gitmodules at the
//     top (it decides what code a checkout fetches).
//
// .gitattributes is not a default: LFS and line-ending settings change it
// routinely, and its dangerous attributes (filter, diff and merge drivers)
// do nothing without settings in the user's own git config, which no
// commit can carry. A project that wants it adds a rule. A project's or a
// server's rules are added after the defaults
// (append(DefaultSensitive(), rules...)), never instead of them, so the
// defaults keep their categories.
//
// # Worked example
//
// A fix to calc/add.go (+12 −3) with its test calc/add_test.go (+20), a
// tweak to .github/workflows/ci.yml (+2 −1) and a new docs/logo.png;
// check unit passes at head and calc.TestAddOverflow fails without the
// change and passes with it:
//
//	blast-radius     F=4, L=38, P=3 (calc, .github/workflows, docs)
//	                 0.25·ln 5/ln 201  = 0.25·0.3035 = 0.0759
//	               + 0.20·ln 39/ln 5001 = 0.20·0.4301 = 0.0860
//	               + 0.15·ln 3/ln 31   = 0.15·0.3199 = 0.0480
//	                 = 0.2099                                → +0.21
//	binary-files     0.05·ln 2/ln 21 = 0.05·0.2277 = 0.0114  → +0.01
//	sensitive-paths  ci, n=1: 0.35 + 0.05·ln 2/ln 11
//	                 = 0.35 + 0.05·0.2891 = 0.3645           → +0.36
//	fixed-tests      −min(5, ⌊21/2⌋ = 10) hundredths          → −0.05
//	score            0.21 + 0.01 + 0.36 − 0.05               =  0.53
//
// Without the fixed test, no-repro adds 0.10 instead of the −0.05: 0.68.
// Without the CI tweak (3 files, 35 lines, 2 packages), the fix scores
// 0.18 + 0.01 − 0.05 = 0.14. ExampleScore runs this example, and
// TestDocNumbers checks every score this comment quotes.
package risk
