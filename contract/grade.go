package contract

import (
	"fmt"
	"path"

	"github.com/git-proof/git-proof/internal/lazyre"
	"strings"
	"unicode/utf8"

	"github.com/bmatcuk/doublestar/v4"
)

// Names of the graded dimensions, in report order.
const (
	DimTestability      = "testability"
	DimReproduction     = "reproduction"
	DimNegativeCoverage = "negativeCoverage"
	DimScope            = "scopeBoundedness"
	DimClarity          = "clarity"
	DimCompleteness     = "completeness"
)

// Weights of the dimensions; they total 100 (see the package doc).
const (
	weightTestability      = 25
	weightReproduction     = 20
	weightNegativeCoverage = 15
	weightScope            = 15
	weightClarity          = 15
	weightCompleteness     = 10
)

// ReproEvidence is what running the repro checks on the base tree showed;
// the caller runs them (Grade runs nothing).
type ReproEvidence struct {
	// Base names the tree the checks ran on (a commit or tree id).
	Base    string        `json:"base"`
	Results []ReproResult `json:"results"`
}

// ReproResult is one repro check's outcome on the base tree.
type ReproResult struct {
	ID       string `json:"id"`
	ExitCode int    `json:"exitCode"`
	// Failed: the check did not hold (its exit status was not expect.exit,
	// or it timed out), which is what a repro check must do on the base.
	Failed bool `json:"failed"`
}

// Report is a contract's grade: Score of Max points over six dimensions,
// and the letter it earns.
type Report struct {
	Grade      string      `json:"grade"` // A, B, C, D or F
	Score      int         `json:"score"`
	Max        int         `json:"max"`
	Dimensions []Dimension `json:"dimensions"`
}

// Dimension is one graded aspect of a contract, with the reason for its
// points: what is there, what is missing, and how to add it.
type Dimension struct {
	Name   string `json:"name"`
	Points int    `json:"points"`
	Max    int    `json:"max"`
	Reason string `json:"reason"`
}

var grades = []string{"A", "B", "C", "D", "F"}

func gradeRank(g string) int {
	g = strings.ToUpper(strings.TrimSpace(g))
	for i, x := range grades {
		if x == g {
			return i
		}
	}
	return -1
}

// ValidGrade reports whether s names a grade (A, B, C, D or F, either case).
func ValidGrade(s string) bool { return gradeRank(s) >= 0 }

// Below reports whether the report's grade is worse than min. A min that is
// not a grade counts as unmet, so a misspelt threshold fails closed; check
// it with ValidGrade first.
func (r Report) Below(min string) bool {
	m, g := gradeRank(min), gradeRank(r.Grade)
	return m < 0 || g < 0 || g > m
}

// letter maps a score out of 100 to a grade.
func letter(score, max int) string {
	if max <= 0 {
		return "F"
	}
	pct := score * 100 / max
	switch {
	case pct >= 90:
		return "A"
	case pct >= 80:
		return "B"
	case pct >= 70:
		return "C"
	case pct >= 60:
		return "D"
	}
	return "F"
}

// Grade scores how well a contract pins down "correct", deterministically
// (see the package doc for the formula). It reads only what the redacted
// copy shows (holdouts count by number, through holdoutCommitment), so the
// author and the implementer get the same grade. repro is the outcome of
// the repro checks on the base tree; nil means they were not run.
func Grade(c *Contract, repro *ReproEvidence) Report {
	c = normalize(c)
	if c == nil {
		c = &Contract{}
	}
	dims := []Dimension{
		testability(c),
		reproduction(c, repro),
		negativeCoverage(c),
		scopeBoundedness(c),
		clarity(c),
		completeness(c),
	}
	r := Report{Dimensions: dims}
	for _, d := range dims {
		r.Score += d.Points
		r.Max += d.Max
	}
	r.Grade = letter(r.Score, r.Max)
	return r
}

// reasons joins the parts of a reason into one sentence-ish line.
func reasons(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "; ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func list(ids []string) string {
	const show = 5
	if len(ids) > show {
		return strings.Join(ids[:show], ", ") + fmt.Sprintf(" and %d more", len(ids)-show)
	}
	return strings.Join(ids, ", ")
}

// vacuousPrograms always exit the same way, so a check running one proves
// nothing about the code.
var vacuousPrograms = map[string]bool{"true": true, "false": true, ":": true, "echo": true, "printf": true, "sleep": true, "yes": true}

func runnable(ch *Check) bool {
	return ch != nil && len(ch.Run) > 0 && !vacuousPrograms[path.Base(ch.Run[0])]
}

func testability(c *Contract) Dimension {
	d := Dimension{Name: DimTestability, Max: weightTestability}
	var missing, vacuous []string
	n := 0
	for _, a := range c.Acceptance {
		switch {
		case a.Check == nil || len(a.Check.Run) == 0:
			missing = append(missing, a.ID)
		case !runnable(a.Check):
			vacuous = append(vacuous, fmt.Sprintf("%s (runs %s)", a.ID, a.Check.Run[0]))
		default:
			n++
		}
	}
	if len(c.Acceptance) == 0 {
		d.Reason = "there are no acceptance criteria; add acceptance: [{id: AC1, ears: …, check: {run: […]}}]"
		return d
	}
	d.Points = d.Max * n / len(c.Acceptance)
	if n == len(c.Acceptance) {
		d.Reason = fmt.Sprintf("every acceptance criterion (%s) has a runnable check", plural(n, "criterion", "criteria"))
		return d
	}
	var m, v string
	if len(missing) > 0 {
		m = "no check on " + list(missing) + ": add check: {run: [go, test, -run, ^TestX$, ./pkg]} that passes only when the criterion holds"
	}
	if len(vacuous) > 0 {
		v = "a check that proves nothing on " + list(vacuous) + ": run a test that exercises the criterion"
	}
	d.Reason = reasons(fmt.Sprintf("%d of %d acceptance criteria have a runnable check", n, len(c.Acceptance)), m, v)
	return d
}

func reproduction(c *Contract, ev *ReproEvidence) Dimension {
	d := Dimension{Name: DimReproduction, Max: weightReproduction}
	if !c.Kind.needsRepro() {
		for _, a := range c.Acceptance {
			if runnable(a.Check) {
				d.Points = d.Max
				d.Reason = fmt.Sprintf("a %s has no bug to reproduce; its acceptance checks show it works", changeWord(c.Kind))
				return d
			}
		}
		d.Reason = fmt.Sprintf("no acceptance criterion has a runnable check, so nothing shows the %s works; add checks", changeWord(c.Kind))
		return d
	}
	if len(c.Repro) == 0 {
		d.Reason = fmt.Sprintf("no repro criteria: a %s needs a test that fails before the change; add repro: [{id: R1, check: {run: [go, test, -run, ^TestBug$, ./pkg]}}]", c.Kind)
		return d
	}
	if ev == nil {
		d.Reason = "not run: run `git proof contract check` in the repository"
		return d
	}
	base := ev.Base
	if len(base) > 12 {
		base = base[:12]
	}
	if base == "" {
		base = "the base tree"
	}
	var passed, notRun []string
	ok := 0
	for _, r := range c.Repro {
		res, found := findResult(ev.Results, r.ID)
		switch {
		case !found:
			notRun = append(notRun, r.ID)
		case res.Failed:
			ok++
		default:
			passed = append(passed, fmt.Sprintf("%s (exit %d)", r.ID, res.ExitCode))
		}
	}
	d.Points = d.Max * ok / len(c.Repro)
	if ok == len(c.Repro) {
		d.Reason = fmt.Sprintf("every repro check (%s) failed on %s, so the bug is shown to exist", plural(ok, "check", "checks"), base)
		return d
	}
	var p, nr string
	if len(passed) > 0 {
		p = "passed on " + base + ", so they do not reproduce the bug: " + list(passed) + "; make them exercise the defect"
	}
	if len(notRun) > 0 {
		nr = "no result for " + list(notRun) + ": run `git proof contract check` in the repository"
	}
	d.Reason = reasons(fmt.Sprintf("%d of %d repro checks failed on %s as they must", ok, len(c.Repro), base), p, nr)
	return d
}

func changeWord(k Kind) string {
	if k == "" {
		return "change"
	}
	return string(k)
}

func findResult(rs []ReproResult, id string) (ReproResult, bool) {
	for _, r := range rs {
		if r.ID == id {
			return r, true
		}
	}
	return ReproResult{}, false
}

// negativeRE finds sentences about what must not happen, or what happens
// on a condition: those catch the wrong-input paths implementers skip.
var negativeRE = lazyre.New(`(?is)\b(must not|shall not|should not|will not|never|reject(s|ed|ing)?|refuse(s|d)?|invalid|forbid(s|den)?|den(y|ies|ied))\b|\bif\b.+\bthen\b`)

// holdoutsWanted is how many holdouts each risk wants for full points
// (after Signum's minimums, raised to one for low risk).
func holdoutsWanted(r Risk) int {
	switch r {
	case RiskHigh:
		return 5
	case RiskMedium:
		return 2
	}
	return 1
}

func negativeCoverage(c *Contract) Dimension {
	const holdoutPts, negativePts = 8, 7
	d := Dimension{Name: DimNegativeCoverage, Max: weightNegativeCoverage}
	h := len(c.Holdouts)
	if c.HoldoutCommitment != nil {
		h = c.HoldoutCommitment.Count
	}
	want := holdoutsWanted(c.Risk)
	risk := string(c.Risk)
	if risk == "" {
		risk = "unset"
	}
	var hr string
	switch {
	case h >= want:
		d.Points += holdoutPts
		hr = fmt.Sprintf("%s (risk %s wants %d)", plural(h, "holdout", "holdouts"), risk, want)
	case h > 0:
		d.Points += holdoutPts / 2
		hr = fmt.Sprintf("%s, but risk %s wants %d: add %d more", plural(h, "holdout", "holdouts"), risk, want, want-h)
	default:
		hr = "no holdouts: add holdouts: criteria the implementer never sees, e.g. an error path"
	}
	var neg []string
	for _, cr := range append(append([]Criterion(nil), c.Repro...), c.Acceptance...) {
		if negativeRE.MatchString(cr.EARS) {
			neg = append(neg, cr.ID)
		}
	}
	nr := "criteria saying what must not happen: " + list(neg)
	if len(neg) > 0 {
		d.Points += negativePts
	} else {
		nr = "no criterion says what must not happen: add one such as \"IF the input is invalid, THEN THE parser SHALL reject it\""
	}
	d.Reason = reasons(hr, nr)
	return d
}

// unbounded reports whether an allow glob matches any path at all.
func unbounded(g string) bool {
	a, _ := doublestar.Match(g, "zz9/yy8/xx7")
	b, _ := doublestar.Match(g, "ww6")
	return a && b
}

func scopeBoundedness(c *Contract) Dimension {
	d := Dimension{Name: DimScope, Max: weightScope}
	s := c.Scope
	var parts []string
	var wide []string
	for _, g := range s.Allow {
		if unbounded(g) {
			wide = append(wide, g)
		}
	}
	switch {
	case len(s.Allow) == 0:
		parts = append(parts, "no scope.allow: list the paths the change may touch, e.g. allow: [internal/semver/**]")
	case len(wide) > 0:
		parts = append(parts, fmt.Sprintf("scope.allow %s matches every path: name the directories the change may touch", list(wide)))
	case len(s.Allow) <= 5:
		d.Points += 5
		parts = append(parts, plural(len(s.Allow), "allow glob", "allow globs"))
	case len(s.Allow) <= 15:
		d.Points += 3
		parts = append(parts, fmt.Sprintf("%d allow globs is broad: narrow them to 5 or fewer", len(s.Allow)))
	default:
		d.Points++
		parts = append(parts, fmt.Sprintf("%d allow globs is hardly a bound: narrow them to 5 or fewer", len(s.Allow)))
	}
	if len(s.Deny) > 0 {
		d.Points += 3
		parts = append(parts, plural(len(s.Deny), "deny glob", "deny globs"))
	} else {
		parts = append(parts, "no scope.deny: name what must not change, e.g. deny: [go.mod, go.sum]")
	}
	if s.MaxFiles > 0 {
		d.Points += 3
		parts = append(parts, fmt.Sprintf("maxFiles %d", s.MaxFiles))
	} else {
		parts = append(parts, "no scope.maxFiles: bound how many files the change touches")
	}
	if len(c.NonGoals) > 0 {
		d.Points += 4
		parts = append(parts, plural(len(c.NonGoals), "non-goal", "non-goals"))
	} else {
		parts = append(parts, "no nonGoals: say what the change must leave alone")
	}
	d.Reason = reasons(parts...)
	return d
}

var (
	// earsRE: every EARS pattern ("THE … SHALL", "WHEN … SHALL", "IF …
	// THEN … SHALL", "WHILE …", "WHERE …") has the modal SHALL.
	earsRE = lazyre.New(`(?i)\bshall\b`)
	gwtRE  = lazyre.New(`(?is)\bgiven\b.*\bwhen\b.*\bthen\b`)
	// vagueRE is Signum's list of phrases that state no checkable outcome
	// and of verbs that hide one (review.md §1.3).
	vagueRE = lazyre.New(`(?i)\b(works? correctly|as expected|properly|should work|handle[sd]?|handling|process(es|ed|ing)?|manage[sd]?|managing|support(s|ed|ing)?|ensure[sd]?|ensuring)\b`)
	// clarifyRE is Spec Kit's marker of an open question.
	clarifyRE = lazyre.New(`(?i)\[NEEDS CLARIFICATION`)
)

// prose lists the sentences that say what the change must do, with where
// they are. Non-goals are left out: "X handling is out of scope" is clear.
func prose(c *Contract) [][2]string {
	out := [][2]string{{"title", c.Title}, {"intent", c.Intent}, {"bug.current", c.Bug.Current}, {"bug.expected", c.Bug.Expected}}
	for i, s := range c.Bug.Unchanged {
		out = append(out, [2]string{fmt.Sprintf("bug.unchanged[%d]", i), s})
	}
	for _, cr := range c.Repro {
		out = append(out, [2]string{cr.ID, cr.EARS})
	}
	for _, cr := range c.Acceptance {
		out = append(out, [2]string{cr.ID, cr.EARS})
	}
	return out
}

func clarity(c *Contract) Dimension {
	const shapePts, vaguePts, clarifyPts = 7, 5, 3
	d := Dimension{Name: DimClarity, Max: weightClarity}
	var parts []string
	var unshaped []string
	for _, a := range c.Acceptance {
		if !earsRE.MatchString(a.EARS) && !gwtRE.MatchString(a.EARS) {
			unshaped = append(unshaped, a.ID)
		}
	}
	if n := len(c.Acceptance); n > 0 {
		d.Points += shapePts * (n - len(unshaped)) / n
		if len(unshaped) == 0 {
			parts = append(parts, "every acceptance criterion is in EARS or Given/When/Then form")
		} else {
			parts = append(parts, fmt.Sprintf("not in EARS or Given/When/Then form: %s: write \"WHEN <event>, THE <system> SHALL <response>\"", list(unshaped)))
		}
	}
	var vague, open []string
	for _, p := range prose(c) {
		for _, m := range vagueRE.FindAllString(p[1], -1) {
			vague = append(vague, fmt.Sprintf("%q in %s", strings.ToLower(m), p[0]))
		}
		if clarifyRE.MatchString(p[1]) {
			open = append(open, p[0])
		}
	}
	d.Points += max(0, vaguePts-len(vague))
	if len(vague) == 0 {
		parts = append(parts, "no vague words")
	} else {
		parts = append(parts, fmt.Sprintf("%s (%s): say what observable result is meant", plural(len(vague), "vague word", "vague words"), list(vague)))
	}
	if len(open) == 0 {
		d.Points += clarifyPts
	} else {
		parts = append(parts, "[NEEDS CLARIFICATION] in "+list(open)+": resolve the open questions before the work starts")
	}
	d.Reason = reasons(parts...)
	return d
}

func completeness(c *Contract) Dimension {
	d := Dimension{Name: DimCompleteness, Max: weightCompleteness}
	var parts []string
	switch n := utf8.RuneCountInString(strings.TrimSpace(c.Intent)); {
	case n >= 20 && n <= 1000:
		d.Points += 3
	case n < 20:
		d.Points++
		parts = append(parts, fmt.Sprintf("the intent is %d characters: say in a sentence or three what must change and why", n))
	default:
		d.Points++
		parts = append(parts, fmt.Sprintf("the intent is %d characters: keep it to what must change and why, and move detail into criteria", n))
	}
	if c.Risk != "" {
		d.Points += 2
	} else {
		parts = append(parts, "no risk: add risk: low, medium or high")
	}
	if len(c.NonGoals) > 0 {
		d.Points += 2
	} else {
		parts = append(parts, "no nonGoals: add what is out of scope")
	}
	if c.Kind.needsRepro() {
		var miss []string
		if c.Bug.Current != "" {
			d.Points++
		} else {
			miss = append(miss, "bug.current (what happens now)")
		}
		if c.Bug.Expected != "" {
			d.Points++
		} else {
			miss = append(miss, "bug.expected (what should happen)")
		}
		if len(c.Bug.Unchanged) > 0 {
			d.Points++
		} else {
			miss = append(miss, "bug.unchanged (what must not regress)")
		}
		if len(miss) > 0 {
			parts = append(parts, "missing "+strings.Join(miss, ", "))
		}
	} else {
		d.Points += 3 // the bug section does not apply
	}
	if len(parts) == 0 {
		parts = append(parts, "intent, risk, non-goals and (for a fix) current, expected and unchanged behaviour are all given")
	}
	d.Reason = reasons(parts...)
	return d
}
