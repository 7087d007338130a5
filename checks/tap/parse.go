package tap

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/git-proof/git-proof/checks/testcase"
)

// Parse reads one TAP 13 or 14 stream and returns its test points, subtests
// included, sorted by ID.
//
// Lines that are not TAP (a command's other output) are ignored, as the
// specification says. An incomplete stream (no plan, tests missing from the
// plan, a "Bail out!") or one that does not parse is a *ParseError that
// says on which line and why; then the test points read before the problem
// are returned too, so that a caller can show them, but the report must not
// be taken as complete.
func Parse(r io.Reader) ([]Case, error) {
	p := &parser{levels: []*level{newLevel("", 0)}}
	err := p.read(r)
	return p.cases(), err
}

// point is one test point, with the points of its subtest.
type point struct {
	line     int
	num      int
	desc     string
	name     string // the subtest's name from its "# Subtest:" comment
	status   Status
	todo     bool
	reason   string
	dur      time.Duration
	msg      string // from the YAML diagnostics
	children []*point
	// synthetic stands for a subtest whose test point never came (the
	// stream ended or bailed out inside it): it names the subtest's points
	// and is not a case itself.
	synthetic bool
}

// level is the TAP document at one indentation: the top, or a subtest.
type level struct {
	name      string // from the "# Subtest:" comment that introduced it
	line      int    // where it began
	points    []*point
	next      int // the number of the next unnumbered test point
	plan      int // -1 until the plan line
	planLine  int
	planAfter bool // the plan came after test points: none may follow
	// child is a subtest that ended, waiting for the test point at this
	// level that closes it.
	child *level
}

func newLevel(name string, line int) *level {
	return &level{name: name, line: line, next: 1, plan: -1}
}

type parser struct {
	levels  []*level         // the open documents, the top first
	names   [MaxDepth]string // per level, the last "# Subtest:" name not yet used
	line    int              // the current line number
	tap     bool             // a version, plan or test point line was seen
	version bool             // the version line was seen
	count   int              // test points so far
	last    *point           // the test point a YAML block may follow
	lastInd int              // the indentation that YAML block must have
	yaml    *yamlBlock       // the open YAML block
}

// read feeds the lines of r to the parser and checks the end of the stream.
func (p *parser) read(r io.Reader) error {
	err := testcase.EachLine(testcase.LimitReader(r, MaxReportBytes, ErrTooLarge), MaxLineBytes, func(line []byte) error {
		p.line++
		return p.handle(strings.TrimRight(string(line), "\r\n"))
	})
	var re *testcase.ReadError
	if errors.As(err, &re) {
		return p.errAt(p.line, fmt.Errorf("read TAP: %w", re.Err))
	}
	if err != nil {
		return err
	}
	return p.finish()
}

// handle reads one line.
func (p *parser) handle(s string) error {
	if p.yaml != nil && !p.yamlLine(s) {
		return nil
	}
	ind := len(s) - len(strings.TrimLeft(s, " "))
	body := strings.TrimRight(s[ind:], " \t")
	if body == "" {
		return nil
	}
	if p.last != nil && ind == p.lastInd && body == "---" {
		p.yaml = &yamlBlock{indent: ind, pt: p.last}
		p.last = nil
		return nil
	}
	if reason, ok := bailOut(body); ok {
		// At any level: a bail out in a subtest ends the whole run.
		if reason == "" {
			return p.errAt(p.line, ErrBailOut)
		}
		return p.errAt(p.line, fmt.Errorf("%w: %q", ErrBailOut, reason))
	}
	if ind%4 != 0 {
		p.last = nil
		return nil // TAP 14: TAP indented by anything else is not TAP
	}
	lvl := ind / 4
	if body[0] == '#' {
		// Comments may sit between a test point and its YAML block.
		if name, ok := subtestName(body); ok && lvl < MaxDepth {
			p.names[lvl] = name
		}
		return nil
	}
	p.last = nil
	if strings.HasPrefix(body, "TAP version ") {
		if lvl > 0 {
			return nil // a subtest's version line says nothing
		}
		return p.versionLine(body)
	}
	if n, ok, err := parsePlan(body); ok {
		if err != nil {
			return p.errAt(p.line, err)
		}
		return p.planLine(lvl, n)
	}
	t, ok, err := parseTestPoint(body)
	if err != nil {
		return p.errAt(p.line, err)
	}
	if ok {
		return p.testPoint(lvl, t)
	}
	return nil // pragmas and anything else
}

func (p *parser) versionLine(body string) error {
	if p.version {
		return p.errAt(p.line, fmt.Errorf("%w: a second version line", ErrVersion))
	}
	if p.tap {
		return p.errAt(p.line, fmt.Errorf("%w: the version line must come before any plan or test point", ErrVersion))
	}
	if _, err := parseVersion(body); err != nil {
		return p.errAt(p.line, err)
	}
	p.version, p.tap = true, true
	return nil
}

func (p *parser) planLine(lvl, n int) error {
	if err := p.enter(lvl); err != nil {
		return err
	}
	lv := p.levels[lvl]
	if lv.child != nil {
		return p.errAt(lv.child.line, fmt.Errorf("%w: the subtest %sends in a plan on line %d", ErrSubtest, quoteName(lv.child.name), p.line))
	}
	if lv.plan >= 0 {
		return p.errAt(p.line, fmt.Errorf("%w: a second plan (the first is on line %d)", ErrPlan, lv.planLine))
	}
	lv.plan, lv.planLine, lv.planAfter = n, p.line, len(lv.points) > 0
	p.tap = true
	return nil
}

func (p *parser) testPoint(lvl int, t testLine) error {
	if err := p.enter(lvl); err != nil {
		return err
	}
	lv := p.levels[lvl]
	if lv.planAfter {
		return p.errAt(p.line, fmt.Errorf("%w: a test point after the plan on line %d", ErrPlan, lv.planLine))
	}
	if p.count >= MaxCases {
		return p.errAt(p.line, fmt.Errorf("%w: more than %d", ErrTooManyCases, MaxCases))
	}
	p.count++
	num := lv.next
	if t.hasNum {
		num = t.num
	}
	if num < MaxCases {
		lv.next = num + 1
	}
	pt := &point{line: p.line, num: num, desc: t.desc, dur: t.dur, todo: t.todo, reason: t.reason}
	switch {
	case t.skip || t.todo:
		// A TODO's outcome does not count either way (TAP: a failing TODO
		// is not a failure); it is reported as not run, like a skip.
		pt.status = StatusSkip
	case t.fail:
		pt.status = StatusFail
	default:
		pt.status = StatusPass
	}
	if c := lv.child; c != nil {
		// close saw to it that c has no child of its own.
		pt.children, pt.name = c.points, c.name
		lv.child = nil
	}
	p.names[lvl] = ""
	lv.points = append(lv.points, pt)
	p.last, p.lastInd = pt, 4*lvl+2
	p.tap = true
	return nil
}

// enter makes lvl the current level: it closes the deeper subtests, or
// opens subtests down to lvl.
func (p *parser) enter(lvl int) error {
	if lvl >= MaxDepth {
		return p.errAt(p.line, fmt.Errorf("%w: more than %d levels", ErrTooDeep, MaxDepth))
	}
	for len(p.levels)-1 > lvl {
		if err := p.close(); err != nil {
			return err
		}
	}
	for len(p.levels)-1 < lvl {
		k := len(p.levels) - 1
		// TAP 14 and node write "# Subtest: name" at the parent's level.
		p.levels = append(p.levels, newLevel(p.names[k], p.line))
		p.names[k] = ""
	}
	return nil
}

// close ends the deepest subtest: it checks its plan and hands it to its
// parent, whose next test point closes it.
func (p *parser) close() error {
	k := len(p.levels) - 1
	lv := p.levels[k]
	if lv.child != nil {
		return p.errAt(lv.child.line, fmt.Errorf("%w: the subtest %shas no test point", ErrSubtest, quoteName(lv.child.name)))
	}
	if err := p.checkPlan(lv); err != nil {
		return err
	}
	p.levels = p.levels[:k]
	p.names[k] = ""
	parent := p.levels[k-1]
	parent.child = lv
	return nil
}

// checkPlan checks that lv's test points are those of its plan, if it has
// one: a subtest without a plan is complete when its test point comes.
func (p *parser) checkPlan(lv *level) error {
	if lv.plan < 0 {
		return nil
	}
	in := quoteName(lv.name)
	if in != "" {
		in = "subtest " + in
	}
	seen := make(map[int]bool, len(lv.points))
	for _, pt := range lv.points {
		if pt.num < 1 || pt.num > lv.plan {
			return p.errAt(pt.line, fmt.Errorf("%w: %stest %d is outside the plan 1..%d", ErrPlan, in, pt.num, lv.plan))
		}
		seen[pt.num] = true
	}
	missing := lv.plan - len(seen)
	if missing == 0 {
		return nil
	}
	var first []string
	for i := 1; i <= lv.plan && len(first) < 5; i++ {
		if !seen[i] {
			first = append(first, strconv.Itoa(i))
		}
	}
	list := strings.Join(first, ", ")
	if missing > len(first) {
		list += ", …"
	}
	return p.errAt(lv.planLine, fmt.Errorf("%w: %splan 1..%d, but %d of its tests are missing (%s)", ErrPlan, in, lv.plan, missing, list))
}

// finish checks the end of the stream.
func (p *parser) finish() error {
	if p.yaml != nil {
		p.endYAML()
	}
	if !p.tap {
		return p.errAt(p.line, ErrNoTAP)
	}
	for len(p.levels) > 1 {
		if err := p.close(); err != nil {
			return err
		}
	}
	top := p.levels[0]
	if top.child != nil {
		return p.errAt(top.child.line, fmt.Errorf("%w: the subtest %shas no test point", ErrSubtest, quoteName(top.child.name)))
	}
	if top.plan < 0 {
		return p.errAt(p.line, ErrNoPlan)
	}
	return p.checkPlan(top)
}

func (p *parser) errAt(line int, err error) error {
	return &ParseError{Line: line, Err: err}
}

// synthetic turns a subtest whose test point never came into a point that
// holds its test points.
func (lv *level) synthetic() *point {
	pt := &point{line: lv.line, name: lv.name, synthetic: true, children: lv.points}
	if lv.child != nil {
		pt.children = append(pt.children, lv.child.synthetic())
	}
	return pt
}

// cases returns the test points read, with IDs, sorted. After an error it
// still names the points of unfinished subtests.
func (p *parser) cases() []Case {
	if p.yaml != nil {
		p.endYAML()
	}
	for k := len(p.levels) - 1; k >= 1; k-- {
		p.levels[k-1].points = append(p.levels[k-1].points, p.levels[k].synthetic())
	}
	top := p.levels[0]
	points := top.points
	if top.child != nil {
		points = append(points, top.child.synthetic())
	}
	out := make([]Case, 0, p.count)
	ids := idSet{used: make(map[string]bool, p.count), next: map[string]int{}}
	var walk func(pts []*point, prefix string)
	walk = func(pts []*point, prefix string) {
		for _, pt := range pts {
			id := ids.unique(prefix + pointName(pt))
			if !pt.synthetic {
				out = append(out, pt.result(id))
			}
			walk(pt.children, id+idSep)
		}
	}
	walk(points, "")
	// IDs are unique by construction: Merge only sorts.
	return testcase.Merge(out)
}

func (pt *point) result(id string) Case {
	c := Case{ID: id, Status: pt.status, Duration: pt.dur}
	switch {
	case pt.todo:
		c.Message = strings.TrimSpace("TODO " + pt.reason)
	case pt.status == StatusSkip:
		c.Message = pt.reason
	case pt.status == StatusFail:
		c.Message = pt.msg
	}
	c.Message = testcase.CutUTF8(strings.ToValidUTF8(strings.TrimSpace(c.Message), "\uFFFD"), MaxMessageBytes)
	return c
}

// quoteName renders a subtest's name for an error message: %q and a space,
// or nothing.
func quoteName(name string) string {
	if name == "" {
		return ""
	}
	return strconv.Quote(testcase.CutUTF8(name, 80)) + " "
}
