package junit

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/git-proof/git-proof/checks/testcase"
)

// Parse reads one JUnit XML report: one <testsuites> or <testsuite>
// document, or several concatenated, with any text around them (a command's
// other output, when the report is read from stdout). It returns the test
// cases sorted by ID, one per ID: duplicates merge, the worst status (fail,
// then skip, then pass) winning.
//
// A report that does not parse is a *ParseError that says where and why;
// then no cases are returned.
func Parse(r io.Reader) ([]Case, error) {
	cs, err := parse(r, 0)
	if err != nil {
		return nil, err
	}
	return testcase.Merge(cs), nil
}

// ParseFiles reads the report files at paths (a glob's matches) and merges
// their cases as Parse merges the cases of one report, so that IDs stay
// unique and the result does not depend on the order of paths. Each file is
// held to MaxReportBytes, and all of them together to MaxCases. No paths is
// ErrNoFiles; an error names the file.
func ParseFiles(paths []string) ([]Case, error) {
	if len(paths) == 0 {
		return nil, ErrNoFiles
	}
	var all []Case
	for _, p := range paths {
		cs, err := parseFile(p, len(all))
		if err != nil {
			return nil, err
		}
		all = append(all, cs...)
	}
	return testcase.Merge(all), nil
}

func parseFile(path string, before int) ([]Case, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read JUnit report: %w", err)
	}
	defer f.Close()
	cs, err := parse(f, before)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return cs, nil
}

// frame is what an open element is to the parser.
type frame uint8

const (
	frameIgnored frame = iota // an element whose content does not matter
	frameSuites               // <testsuites>
	frameSuite                // <testsuite>
	frameCase                 // <testcase>
	frameResult               // <failure>, <error> or <skipped> in a <testcase>
)

type parser struct {
	dec    *xml.Decoder
	stack  []frame
	suites []string // names of the open <testsuite> elements, outermost first
	cur    openCase
	cases  []Case
	before int // cases read from earlier files, for MaxCases
	seen   int // <testcase> elements so far, to name unnamed ones
	roots  int
}

// openCase is the <testcase> being read.
type openCase struct {
	id       string
	dur      time.Duration
	fail     bool // a <failure> or <error>
	skip     bool // a <skipped>
	todo     bool // node's <skipped type="todo">: a failure is expected
	failMsg  string
	skipMsg  string
	capture  *string // the message the result element's text fills, if any
	text     strings.Builder
	fallback string // the result element's type attribute, if its text is empty
}

func parse(r io.Reader, before int) ([]Case, error) {
	p := &parser{
		dec:    xml.NewDecoder(testcase.LimitReader(r, MaxReportBytes, ErrTooLarge)),
		before: before,
	}
	p.dec.CharsetReader = charsetReader
	for {
		tok, err := p.dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, p.errAt(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(p.stack) >= MaxDepth {
				return nil, p.errAt(fmt.Errorf("%w: more than %d levels", ErrTooDeep, MaxDepth))
			}
			f, err := p.start(t)
			if err != nil {
				return nil, p.errAt(err)
			}
			p.stack = append(p.stack, f)
		case xml.EndElement:
			// The decoder matches end tags to start tags, so the stack is
			// never empty here.
			f := p.stack[len(p.stack)-1]
			p.stack = p.stack[:len(p.stack)-1]
			if err := p.end(f); err != nil {
				return nil, p.errAt(err)
			}
		case xml.CharData:
			if p.cur.capture != nil && len(p.stack) > 0 && p.stack[len(p.stack)-1] == frameResult &&
				p.cur.text.Len() <= MaxMessageBytes {
				p.cur.text.Write(t)
			}
		}
		// Comments, processing instructions, directives and text outside
		// the root elements do not matter.
	}
	if p.roots == 0 {
		return nil, p.errAt(ErrNoReport)
	}
	return p.cases, nil
}

// start handles a start tag and says what the element is.
func (p *parser) start(t xml.StartElement) (frame, error) {
	name := t.Name.Local
	if len(p.stack) == 0 {
		switch name {
		case "testsuites":
			p.roots++
			return frameSuites, nil
		case "testsuite":
			p.roots++
			p.suites = append(p.suites, attr(t, "name"))
			return frameSuite, nil
		}
		return 0, fmt.Errorf("%w: the root element is <%s>, want <testsuites> or <testsuite>", ErrNotJUnit, name)
	}
	switch p.stack[len(p.stack)-1] {
	case frameSuites, frameSuite:
		switch name {
		case "testsuites":
			return frameSuites, nil
		case "testsuite":
			p.suites = append(p.suites, attr(t, "name"))
			return frameSuite, nil
		case "testcase":
			p.seen++
			p.cur = openCase{
				id:  caseID(attr(t, "classname"), attr(t, "name"), p.suites, p.seen),
				dur: parseTime(attr(t, "time")),
			}
			return frameCase, nil
		}
	case frameCase:
		switch name {
		case "failure", "error":
			if !p.cur.fail {
				p.cur.fail = true
				p.result(t, &p.cur.failMsg)
			}
			return frameResult, nil
		case "skipped":
			if !p.cur.skip {
				p.cur.skip = true
				p.cur.todo = attr(t, "type") == "todo"
				p.result(t, &p.cur.skipMsg)
				if p.cur.todo {
					p.cur.fallback = "" // the type says nothing more
				}
			}
			return frameResult, nil
		}
		// <system-out>, <properties>, and Surefire's <flakyFailure> and
		// <rerunFailure>, which record reruns of a test whose status its
		// <failure> (or the absence of one) already gives.
	}
	return frameIgnored, nil
}

// result starts reading the message of the first result element of a kind:
// its message attribute, else its text, else its type attribute.
func (p *parser) result(t xml.StartElement, msg *string) {
	*msg = attr(t, "message")
	if strings.TrimSpace(*msg) == "" {
		p.cur.capture = msg
		p.cur.fallback = attr(t, "type")
		p.cur.text.Reset()
	}
}

func (p *parser) end(f frame) error {
	switch f {
	case frameSuite:
		p.suites = p.suites[:len(p.suites)-1]
	case frameResult:
		if p.cur.capture != nil {
			text := strings.TrimSpace(p.cur.text.String())
			if text == "" {
				text = p.cur.fallback
			}
			*p.cur.capture = text
			p.cur.capture = nil
		}
	case frameCase:
		if p.before+len(p.cases) >= MaxCases {
			return fmt.Errorf("%w: more than %d", ErrTooManyCases, MaxCases)
		}
		p.cases = append(p.cases, p.cur.result())
		p.cur = openCase{}
	}
	return nil
}

// result is the case's outcome. A failure or error fails the case even if
// it was also skipped, except in node's shape of a todo test: a failure
// there is expected, and the case is skipped, as TAP's TODO directive says.
func (c *openCase) result() Case {
	out := Case{ID: c.id, Status: StatusPass, Duration: c.dur}
	switch {
	case c.fail && !c.todo:
		out.Status, out.Message = StatusFail, c.failMsg
	case c.skip:
		out.Status, out.Message = StatusSkip, c.skipMsg
		if c.todo {
			out.Message = strings.TrimSpace("TODO " + strings.TrimSpace(c.skipMsg))
		}
	}
	out.Message = testcase.CutUTF8(strings.TrimSpace(out.Message), MaxMessageBytes)
	return out
}

// attr is the value of t's attribute name, preferring one without a
// namespace.
func attr(t xml.StartElement, name string) string {
	v, found := "", false
	for _, a := range t.Attr {
		if a.Name.Local != name {
			continue
		}
		if a.Name.Space == "" {
			return a.Value
		}
		if !found {
			v, found = a.Value, true
		}
	}
	return v
}

// parseTime reads a time attribute in seconds ("0.004", "1,234.5"); 0 when
// it is absent, negative or not a number.
func parseTime(s string) time.Duration {
	s = strings.TrimSpace(s)
	if strings.Contains(s, ",") {
		if !strings.Contains(s, ".") {
			return 0 // "0,5" or "1,234": a decimal comma or a separator; unknown
		}
		s = strings.ReplaceAll(s, ",", "")
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || !(f > 0) || f > 1e9 {
		return 0
	}
	return time.Duration(f * float64(time.Second))
}

// errAt wraps err with the decoder's position.
func (p *parser) errAt(err error) error {
	line, col := p.dec.InputPos()
	var se *xml.SyntaxError
	if errors.As(err, &se) && se.Line > 0 {
		line = se.Line
	}
	return &ParseError{Line: line, Column: col, Offset: p.dec.InputOffset(), Err: err}
}
