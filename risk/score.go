package risk

import (
	"fmt"
	"math"
	"path"
	"slices"
	"strings"

	"github.com/git-proof/git-proof/proofpack"
)

// Factor names, in the order Score lists the factors. A factor appears
// when its condition (see the package documentation) holds, even when it
// rounds to 0 points; blast-radius always appears.
const (
	FactorBlastRadius       = "blast-radius"
	FactorBinaryFiles       = "binary-files"
	FactorSensitivePaths    = "sensitive-paths"
	FactorFixedTests        = "fixed-tests"
	FactorNoRepro           = "no-repro"
	FactorRegressedTests    = "regressed-tests"
	FactorRemovedTests      = "removed-tests"
	FactorFlakyTests        = "flaky-tests"
	FactorFailingChecks     = "failing-checks"
	FactorNonEssentialHunks = "non-essential-hunks"
	FactorAPIBreaks         = "api-breaks"
	FactorAPIChanges        = "api-changes"
	FactorDependencies      = "dependencies"
	FactorClamp             = "clamp"
)

// Config is what a project or server may choose about the score. The
// weights are deliberately not configurable: a score means the same in
// every repository, and a pushed config cannot lower its own risk. The
// knob is the threshold, which belongs to the policy.
type Config struct {
	// Sensitive are the rules that mark changed paths as sensitive, the
	// first matching rule naming a path. nil means DefaultSensitive(); an
	// empty, non-nil slice means none. To add rules to the defaults, pass
	// append(DefaultSensitive(), rules...).
	Sensitive []Rule
}

// Score computes the risk of a change: the factors that apply, each
// rounded to hundredths, and their sum as the score, clamped to [0, 1] by a
// last "clamp" factor when needed, so the factors always add up to the
// score. Sensitive lists every changed path a rule matches, sorted by path;
// the caller's Normalize caps the list. Score is deterministic and never
// panics; it does not validate cfg (see ValidateRules).
func Score(in Input, cfg Config) proofpack.Risk {
	rules := cfg.Sensitive
	if rules == nil {
		rules = DefaultSensitive()
	}
	var s scorer
	blast := s.blastRadius(in.Paths)
	s.binaryFiles(in.Paths)
	sensitive := s.sensitivePaths(in.Paths, newMatcher(rules))
	s.testEvidence(in.Checks, len(in.Paths) > 0, blast)
	s.hunks(in.Hunks)
	s.api(in.APIChanges, in.APIBreaks)
	s.dependencies(in.Dependencies)
	s.clamp()

	if sensitive == nil {
		sensitive = []proofpack.SensitivePath{}
	}
	return proofpack.Risk{
		Score:          float64(s.total) / 100,
		Factors:        s.factors,
		Sensitive:      sensitive,
		SensitiveCount: len(sensitive),
	}
}

// scorer collects factors; points are kept in hundredths so that the
// factors add up to the score exactly.
type scorer struct {
	factors []proofpack.RiskFactor
	total   int
}

// add appends a factor worth points, rounded to hundredths, and returns
// that rounded value in hundredths.
func (s *scorer) add(name string, points float64, detail string) int {
	h := int(math.Round(points * 100))
	s.addHundredths(name, h, detail)
	return h
}

func (s *scorer) addHundredths(name string, h int, detail string) {
	s.factors = append(s.factors, proofpack.RiskFactor{Name: name, Points: float64(h) / 100, Detail: detail})
	s.total += h
}

// lg is ln(1+n)/ln(1+x), capped at 1, and 0 for n <= 0: each tenfold
// growth of n adds the same amount until n reaches x.
func lg(n, x int) float64 {
	if n <= 0 {
		return 0
	}
	return min(1, math.Log1p(float64(n))/math.Log1p(float64(x)))
}

// term is a + b·lg(n, x) when n > 0, and 0 otherwise: a floor for the
// first occurrence plus a slowly growing part for more.
func term(n int, a, b float64, x int) float64 {
	if n <= 0 {
		return 0
	}
	return a + b*lg(n, x)
}

// blastRadius adds the size of the change and returns its hundredths.
func (s *scorer) blastRadius(paths []ChangedPath) int {
	if len(paths) == 0 {
		return s.add(FactorBlastRadius, 0, "no changes")
	}
	lines := 0
	dirs := map[string]bool{}
	for _, p := range paths {
		if !p.Binary {
			lines = addSat(lines, max(0, p.Additions))
			lines = addSat(lines, max(0, p.Deletions))
		}
		dirs[path.Dir(p.Path)] = true
	}
	files, pkgs := len(paths), len(dirs)
	points := 0.25*lg(files, 200) + 0.20*lg(lines, 5000) + 0.15*lg(pkgs-1, 30)
	detail := fmt.Sprintf("%s, %s, %s", plural(files, "file"), plural(lines, "line"), plural(pkgs, "package"))
	return s.add(FactorBlastRadius, points, detail)
}

func (s *scorer) binaryFiles(paths []ChangedPath) {
	var names []string
	for _, p := range paths {
		if p.Binary {
			names = append(names, p.Path)
		}
	}
	if len(names) == 0 {
		return
	}
	detail := "1 binary file: " + shown(names[0])
	if len(names) > 1 {
		detail = fmt.Sprintf("%d binary files: %s", len(names), andMore(shown(names[0]), len(names)-1))
	}
	s.add(FactorBinaryFiles, 0.05*lg(len(names), 20), detail)
}

// categoryFloor is the points of a category's first sensitive path.
func categoryFloor(category string) float64 {
	switch category {
	case CategoryPolicy:
		return 0.40
	case CategoryCI:
		return 0.35
	case CategoryHooks:
		return 0.20
	case CategoryDeps:
		return 0.15
	}
	return 0.20 // custom
}

func (s *scorer) sensitivePaths(paths []ChangedPath, m matcher) []proofpack.SensitivePath {
	var out []proofpack.SensitivePath
	for _, p := range paths {
		if r, ok := m.match(p.Path); ok {
			out = append(out, proofpack.SensitivePath{Path: p.Path, Glob: r.Glob, Category: r.Category})
		}
	}
	if len(out) == 0 {
		return nil
	}
	slices.SortStableFunc(out, func(a, b proofpack.SensitivePath) int { return strings.Compare(a.Path, b.Path) })

	points := 0.0
	var parts []string
	for _, c := range categories() {
		n, first := 0, ""
		for _, sp := range out {
			if sp.Category == c {
				if n == 0 {
					first = sp.Path
				}
				n++
			}
		}
		if n == 0 {
			continue
		}
		points += term(n, categoryFloor(c), 0.05, 10)
		parts = append(parts, andMore(shown(first), n-1)+" ("+c+")")
	}
	s.add(FactorSensitivePaths, points, "touches "+strings.Join(parts, ", "))
	return out
}

// evidence is what the checks say about the change, summed over checks.
type evidence struct {
	checks                     int
	fixed, fixedFlaky          int
	regressed, removed, flaky  int
	firstFixed, firstRegressed string
	firstRemoved, firstFlaky   string
	failing                    []string // names of checks that fail at head
}

func gather(checks []proofpack.Check) evidence {
	var e evidence
	e.checks = len(checks)
	first := func(dst *string, name, check string) {
		if *dst == "" {
			*dst = shown(name) + " (" + shown(check) + ")"
		}
	}
	for _, c := range checks {
		flaky := map[string]bool{}
		for _, f := range c.Flaky {
			flaky[f] = true
		}
		fixed := max(c.Counts.Fixed, len(c.Fixed))
		for _, f := range c.Fixed {
			if flaky[f] {
				fixed--
				e.fixedFlaky++
			} else {
				first(&e.firstFixed, f, c.Name)
			}
		}
		e.fixed = addSat(e.fixed, max(0, fixed))
		e.regressed = addSat(e.regressed, max(c.Counts.Regressed, len(c.Regressed)))
		e.removed = addSat(e.removed, max(c.Counts.Removed, len(c.Removed)))
		e.flaky = addSat(e.flaky, len(c.Flaky))
		if len(c.Regressed) > 0 {
			first(&e.firstRegressed, c.Regressed[0], c.Name)
		}
		if len(c.Removed) > 0 {
			first(&e.firstRemoved, c.Removed[0], c.Name)
		}
		if len(c.Flaky) > 0 {
			first(&e.firstFlaky, c.Flaky[0], c.Name)
		}
		if c.Head == nil || c.Head.Status != "pass" {
			e.failing = append(e.failing, c.Name)
		}
	}
	return e
}

// testEvidence adds the factors of the checks; blast is the blast radius
// in hundredths, which a fixed test halves (by at most 0.05).
func (s *scorer) testEvidence(checks []proofpack.Check, changed bool, blast int) {
	e := gather(checks)
	switch {
	case e.fixed > 0:
		detail := countDetail(e.fixed, e.firstFixed, "fixes ", "fails without the change and passes with it", "fail without the change and pass with it")
		s.addHundredths(FactorFixedTests, -min(5, blast/2), detail)
	case changed && e.checks == 0:
		s.add(FactorNoRepro, 0.15, "no check ran")
	case changed:
		detail := "no test fails without the change and passes with it"
		if e.fixedFlaky > 0 {
			detail += fmt.Sprintf(" (%s flaky)", plural(e.fixedFlaky, "fixed test is", "fixed tests are"))
		}
		s.add(FactorNoRepro, 0.10, detail)
	}
	if e.regressed > 0 {
		s.add(FactorRegressedTests, term(e.regressed, 0.40, 0.20, 10),
			countDetail(e.regressed, e.firstRegressed, "regresses ", "passes at base and fails at head", "pass at base and fail at head"))
	}
	if e.removed > 0 {
		s.add(FactorRemovedTests, term(e.removed, 0.40, 0.20, 10),
			countDetail(e.removed, e.firstRemoved, "removes ", "ran at base and is gone at head", "ran at base and are gone at head"))
	}
	if e.flaky > 0 {
		s.add(FactorFlakyTests, term(e.flaky, 0.20, 0.10, 10),
			countDetail(e.flaky, e.firstFlaky, "", "is flaky: its outcome changed between repeats", "are flaky: their outcomes changed between repeats"))
	}
	if n := len(e.failing); n > 0 {
		detail := "check " + shown(e.failing[0]) + " fails at head"
		if n > 1 {
			names := make([]string, 0, 3)
			for _, name := range e.failing[:min(n, 3)] {
				names = append(names, shown(name))
			}
			detail = fmt.Sprintf("%d checks fail at head: %s", n, andMore(strings.Join(names, ", "), n-len(names)))
		}
		s.add(FactorFailingChecks, term(n, 0.20, 0.10, 5), detail)
	}
}

// countDetail says "<verb><first>: it <one>" for one test and
// "<verb><n> tests: <first> and n-1 more; they <many>" for more, where
// first names a test and its check ("" when the lists were emptied and
// only counts are left). With verb "", the test is the subject: "<first>
// <one>", "<n> tests <many>: <first> and n-1 more".
func countDetail(n int, first, verb, one, many string) string {
	switch {
	case first == "" && verb == "":
		return fmt.Sprintf("%s %s", plural(n, "test"), pluralWord(n, one, many))
	case first == "":
		return fmt.Sprintf("%s%s; %s %s", verb, plural(n, "test"), pluralWord(n, "it", "they"), pluralWord(n, one, many))
	case n == 1 && verb == "":
		return first + " " + one
	case n == 1:
		return verb + first + ": it " + one
	case verb == "":
		return fmt.Sprintf("%d tests %s: %s", n, many, andMore(first, n-1))
	}
	return fmt.Sprintf("%s%d tests: %s; they %s", verb, n, andMore(first, n-1), many)
}

func (s *scorer) hunks(h *HunkSummary) {
	if h == nil {
		return
	}
	noise := max(0, h.FormattingOnly) + max(0, h.CommentOnly)
	if noise == 0 || h.Essential <= 0 {
		return
	}
	detail := fmt.Sprintf("%d formatting-only and %d comment-only %s mixed into %s",
		max(0, h.FormattingOnly), max(0, h.CommentOnly), pluralWord(noise, "hunk"), plural(h.Essential, "essential one", "essential ones"))
	s.add(FactorNonEssentialHunks, term(noise, 0.10, 0.10, 10), detail)
}

func (s *scorer) api(changes, breaks int) {
	breaks = max(0, breaks)
	if breaks > 0 {
		s.add(FactorAPIBreaks, term(breaks, 0.30, 0.15, 10),
			plural(breaks, "public declaration", "public declarations")+" removed or re-signed")
	}
	if added := max(0, changes) - breaks; added > 0 {
		s.add(FactorAPIChanges, term(added, 0, 0.08, 20),
			plural(added, "public declaration", "public declarations")+" added")
	}
}

func (s *scorer) dependencies(d *DepSummary) {
	if d == nil {
		return
	}
	added, changed, removed := max(0, d.Added), max(0, d.Changed), max(0, d.Removed)
	if added+changed+removed == 0 {
		return
	}
	var parts []string
	for _, p := range []struct {
		verb string
		n    int
	}{{"adds", added}, {"changes", changed}, {"removes", removed}} {
		switch {
		case p.n == 0:
		case len(parts) == 0:
			parts = append(parts, p.verb+" "+plural(p.n, "dependency", "dependencies"))
		default:
			parts = append(parts, fmt.Sprintf("%s %d", p.verb, p.n))
		}
	}
	detail := strings.Join(parts, ", ")
	s.add(FactorDependencies, term(added, 0.15, 0.10, 10)+term(changed, 0.05, 0.05, 20), detail)
}

// clamp adds the last factor when the sum leaves [0, 1].
func (s *scorer) clamp() {
	sum := fmt.Sprintf("%.2f", float64(s.total)/100)
	switch {
	case s.total > 100:
		s.addHundredths(FactorClamp, 100-s.total, "the factors sum to "+sum+"; the score is capped at 1")
	case s.total < 0:
		s.addHundredths(FactorClamp, -s.total, "the factors sum to "+sum+"; the score is floored at 0")
	}
}

// addSat adds two non-negative ints without overflowing.
func addSat(a, b int) int {
	if a > math.MaxInt-b {
		return math.MaxInt
	}
	return a + b
}
