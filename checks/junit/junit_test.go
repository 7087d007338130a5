package junit

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// format renders cases one a line, for golden files.
func format(cs []Case) string {
	var b strings.Builder
	for _, c := range cs {
		fmt.Fprintf(&b, "%s\t%s\t%v\t%q\n", c.Status, c.ID, c.Duration, c.Message)
	}
	return b.String()
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs:\n--- got\n%s--- want\n%s", p, got, want)
	}
}

// statuses renders cases as "status ID" lines, for compact expectations.
func statuses(cs []Case) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = string(c.Status) + " " + c.ID
	}
	return out
}

func parseString(t *testing.T, s string) []Case {
	t.Helper()
	cs, err := Parse(strings.NewReader(s))
	if err != nil {
		t.Fatalf("Parse(%q) error %v", s, err)
	}
	return cs
}

// TestSamples parses a report of each tool's shape, written as the tool
// writes it, against a golden file.
func TestSamples(t *testing.T) {
	for _, name := range []string{"pytest", "surefire", "gradle", "jest-junit", "node"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f, err := os.Open(filepath.Join("testdata", name+".xml"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			cs, err := Parse(f)
			if err != nil {
				t.Fatalf("Parse(%s.xml) error %v", name, err)
			}
			golden(t, name+".golden", format(cs))
		})
	}
}

// TestSampleIDs pins the ID rule's result for each tool, as listed in the
// package documentation.
func TestSampleIDs(t *testing.T) {
	want := map[string][]string{
		"pytest": {
			"fail pytest › tests.test_broken",
			"pass tests.test_calc.TestParser.test_parses_int",
			"fail tests.test_calc.TestParser.test_parses_empty",
			"pass tests.test_calc.test_add",
			"fail tests.test_calc.test_div_by_zero",
			"skip tests.test_calc.test_float_sum",
			"pass tests.test_calc.test_pow[2-0-1]",
			"pass tests.test_calc.test_pow[2-3-8]",
			"skip tests.test_calc.test_round",
			"fail tests.test_db.test_connects",
		},
		"surefire": {
			"pass com.example.calc.CalculatorTest.addsMany(int, int, int)[1]",
			"pass com.example.calc.CalculatorTest.addsMany(int, int, int)[2]",
			"pass com.example.calc.CalculatorTest.addsTwoNumbers",
			"fail com.example.calc.CalculatorTest.alwaysTimesOut",
			"fail com.example.calc.CalculatorTest.dividesByZero",
			"fail com.example.calc.CalculatorTest.parsesNull",
			"pass com.example.calc.CalculatorTest.retriesNetwork",
			"skip com.example.calc.CalculatorTest.roundsHalfUp",
		},
		"gradle": {
			"pass com.example.calc.CalculatorTest.addsMany(int, int, int)[1]",
			"pass com.example.calc.CalculatorTest.addsMany(int, int, int)[2]",
			"pass com.example.calc.CalculatorTest.addsTwoNumbers()",
			"fail com.example.calc.CalculatorTest.dividesByZero()",
			"fail com.example.calc.CalculatorTest.retriesNetwork()",
			"skip com.example.calc.CalculatorTest.roundsHalfUp()",
		},
		"jest-junit": {
			"pass Calculator adds two numbers",
			"fail Calculator division by zero throws",
			"pass Calculator division by zero returns Infinity",
			"skip Calculator rounds half up",
			"fail Test suite failed to run.src/broken.test.js",
			"pass parses an empty string",
		},
		"node": nodeJUnitWant,
	}
	for name, w := range want {
		raw, err := os.ReadFile(filepath.Join("testdata", name+".xml"))
		if err != nil {
			t.Fatal(err)
		}
		cs := parseString(t, string(raw))
		w = slices.Clone(w)
		slices.SortFunc(w, func(a, b string) int {
			return strings.Compare(a[strings.IndexByte(a, ' ')+1:], b[strings.IndexByte(b, ' ')+1:])
		})
		if got := statuses(cs); !slices.Equal(got, w) {
			t.Errorf("Parse(%s.xml) =\n%s\nwant\n%s", name, strings.Join(got, "\n"), strings.Join(w, "\n"))
		}
	}
}

// nodeJUnitWant is what `node --test --test-reporter=junit` reports for
// testdata/node-project: describe blocks and parents of subtests become
// suites, whose names prefix their tests' IDs.
var nodeJUnitWant = []string{
	"pass adds numbers",
	"fail fails on purpose",
	"skip skipped one",
	"skip todo one",
	"pass math › multiplies",
	"pass math › division › divides",
	"fail math › division › by zero",
	"pass parent › child a",
	"pass parent › child b",
}

func TestParseFiles(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "surefire-reports", "TEST-*.xml"))
	if err != nil || len(paths) != 2 {
		t.Fatalf("glob: %v, %v", paths, err)
	}
	cs, err := ParseFiles(paths)
	if err != nil {
		t.Fatalf("ParseFiles(%q) error %v", paths, err)
	}
	golden(t, "surefire-reports.golden", format(cs))

	// The order of the files does not matter, and a file read twice (a glob
	// that matches a copy) merges into the same cases.
	rev := []string{paths[1], paths[0], paths[1]}
	cs2, err := ParseFiles(rev)
	if err != nil {
		t.Fatalf("ParseFiles(%q) error %v", rev, err)
	}
	if !slices.Equal(cs, cs2) {
		t.Errorf("ParseFiles(%q) = %v; want %v", rev, cs2, cs)
	}

	if _, err := ParseFiles(nil); !errors.Is(err, ErrNoFiles) {
		t.Errorf("ParseFiles(nil) error %v; want %v", err, ErrNoFiles)
	}
	missing := filepath.Join(t.TempDir(), "TEST-missing.xml")
	if _, err := ParseFiles([]string{paths[0], missing}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ParseFiles(missing) error %v; want not exist", err)
	}
	bad := filepath.Join(t.TempDir(), "TEST-bad.xml")
	if err := os.WriteFile(bad, []byte("<testsuite><testcase"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = ParseFiles([]string{paths[0], bad})
	var pe *ParseError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), bad) {
		t.Errorf("ParseFiles(bad) error %v; want a *ParseError naming %s", err, bad)
	}
}

// TestIDs covers each branch of the ID rule.
func TestIDs(t *testing.T) {
	tests := []struct {
		name, xml string
		want      []string
	}{
		{"classname and name", `<testsuite name="S"><testcase classname="a.B" name="c"/></testsuite>`, []string{"pass a.B.c"}},
		{"name repeats classname", `<testsuites><testsuite name="d"><testcase classname="d t" name="d t"/></testsuite></testsuites>`, []string{"pass d t"}},
		{"name extends classname", `<testsuite name="d"><testcase classname="d" name="d t"/></testsuite>`, []string{"pass d t"}},
		{"classname only", `<testsuite><testcase classname="a.B"/></testsuite>`, []string{"pass a.B"}},
		{"spaces trimmed", `<testsuite><testcase classname="  " name=" t "/></testsuite>`, []string{"pass t"}},
		{"node placeholder, nested suites", `<testsuites><testsuite name="a"><testsuite name=""><testsuite name="b"><testcase classname="test" name="t"/></testsuite></testsuite></testsuite></testsuites>`, []string{"pass a › b › t"}},
		{"no classname, top level", `<testsuites><testcase name="t"/></testsuites>`, []string{"pass t"}},
		{"undefined placeholder", `<testsuites><testsuite name="f.js"><testcase classname="undefined" name="t"/></testsuite></testsuites>`, []string{"pass f.js › t"}},
		{"unnamed", `<testsuite name="s"><testcase/><testcase time="1"/></testsuite>`, []string{"pass s › testcase 1", "pass s › testcase 2"}},
		{"namespaced", `<j:testsuite xmlns:j="urn:x"><j:testcase j:name="n" classname="c"/></j:testsuite>`, []string{"pass c.n"}},
		{"duplicates merge, worst wins", `<testsuite><testcase classname="c" name="n"/><testcase classname="c" name="n"><skipped/></testcase><testcase classname="c" name="n"><failure/></testcase><testcase classname="c" name="n"/></testsuite>`, []string{"fail c.n"}},
		{"skip beats pass", `<testsuite><testcase classname="c" name="n"/><testcase classname="c" name="n"><skipped/></testcase></testsuite>`, []string{"skip c.n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := statuses(parseString(t, tt.xml)); !slices.Equal(got, tt.want) {
				t.Errorf("Parse(%q) = %q; want %q", tt.xml, got, tt.want)
			}
		})
	}
}

func TestLongID(t *testing.T) {
	long := strings.Repeat("é", MaxIDBytes) // two bytes each
	xml := `<testsuite><testcase classname="c" name="` + long + `a"/><testcase classname="c" name="` + long + `b"/></testsuite>`
	cs := parseString(t, xml)
	if len(cs) != 2 || cs[0].ID == cs[1].ID {
		t.Fatalf("Parse(two long names) = %d cases; want 2 distinct", len(cs))
	}
	for _, c := range cs {
		if len(c.ID) > MaxIDBytes || !strings.HasPrefix(c.ID, "c.éé") || !strings.Contains(c.ID, "…") {
			t.Errorf("long ID %.40q… is %d bytes; want ≤ %d with a digest", c.ID, len(c.ID), MaxIDBytes)
		}
	}
}

func TestStatusAndMessage(t *testing.T) {
	tests := []struct {
		name, xml string
		want      Case
	}{
		{"failure attribute message", `<testsuite><testcase classname="c" name="n" time="0.25"><failure message="boom" type="E">trace</failure></testcase></testsuite>`,
			Case{ID: "c.n", Status: StatusFail, Duration: 250 * time.Millisecond, Message: "boom"}},
		{"failure text", `<testsuite><testcase classname="c" name="n"><failure><![CDATA[  first ]]>&amp; second <b>x</b></failure></testcase></testsuite>`,
			Case{ID: "c.n", Status: StatusFail, Message: "first & second"}},
		{"failure type only", `<testsuite><testcase classname="c" name="n"><failure type="AssertionError"/></testcase></testsuite>`,
			Case{ID: "c.n", Status: StatusFail, Message: "AssertionError"}},
		{"error fails", `<testsuite><testcase classname="c" name="n"><error message="npe"/></testcase></testsuite>`,
			Case{ID: "c.n", Status: StatusFail, Message: "npe"}},
		{"failure and skipped fail", `<testsuite><testcase classname="c" name="n"><skipped message="s"/><failure message="f"/></testcase></testsuite>`,
			Case{ID: "c.n", Status: StatusFail, Message: "f"}},
		{"first failure's message", `<testsuite><testcase classname="c" name="n"><failure message="one"/><error message="two"/></testcase></testsuite>`,
			Case{ID: "c.n", Status: StatusFail, Message: "one"}},
		{"node todo with failure skips", `<testsuites><testcase name="t" classname="test"><skipped type="todo" message="later"/><failure message="f"/></testcase></testsuites>`,
			Case{ID: "t", Status: StatusSkip, Message: "TODO later"}},
		{"node todo passing", `<testsuites><testcase name="t" classname="test"><skipped type="todo" message=""/></testcase></testsuites>`,
			Case{ID: "t", Status: StatusSkip, Message: "TODO"}},
		{"flaky passes", `<testsuite><testcase classname="c" name="n"><flakyFailure message="f"/><flakyError/></testcase></testsuite>`,
			Case{ID: "c.n", Status: StatusPass}},
		{"system-out ignored", `<testsuite><testcase classname="c" name="n"><system-out>failure</system-out></testcase><system-err/></testsuite>`,
			Case{ID: "c.n", Status: StatusPass}},
		{"time with separator", `<testsuite><testcase classname="c" name="n" time="1,234.5"/></testsuite>`,
			Case{ID: "c.n", Status: StatusPass, Duration: 1234500 * time.Millisecond}},
		{"time unknown", `<testsuite><testcase classname="c" name="n" time="NaN"/></testsuite>`,
			Case{ID: "c.n", Status: StatusPass}},
		{"time negative", `<testsuite><testcase classname="c" name="n" time="-3"/></testsuite>`,
			Case{ID: "c.n", Status: StatusPass}},
		{"time huge", `<testsuite><testcase classname="c" name="n" time="1e300"/></testsuite>`,
			Case{ID: "c.n", Status: StatusPass}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := parseString(t, tt.xml)
			if len(cs) != 1 || cs[0] != tt.want {
				t.Errorf("Parse(%q) = %+v; want [%+v]", tt.xml, cs, tt.want)
			}
		})
	}
}

func TestLongMessage(t *testing.T) {
	body := strings.Repeat("ü", MaxMessageBytes)
	for _, xml := range []string{
		`<testsuite><testcase classname="c" name="n"><failure message="` + body + `"/></testcase></testsuite>`,
		`<testsuite><testcase classname="c" name="n"><failure>` + body + `</failure></testcase></testsuite>`,
	} {
		cs := parseString(t, xml)
		if m := cs[0].Message; len(m) != MaxMessageBytes || !strings.HasPrefix(body, m) {
			t.Errorf("message of %d bytes cut to %d; want %d on a character boundary", len(body), len(m), MaxMessageBytes)
		}
	}
}

// TestLenient: what real output around a report looks like still parses.
func TestLenient(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"npm banner before the report", "\n> app@1.0.0 test\n> node --test --test-reporter=junit\n\n<?xml version=\"1.0\"?>\n<testsuites><testcase name=\"t\" classname=\"test\"/></testsuites>\nnpm notice done\n", []string{"pass t"}},
		{"empty report", `<testsuites/>`, []string{}},
		{"empty suite", `<?xml version="1.0"?><testsuite name="x" tests="0"></testsuite>`, []string{}},
		{"concatenated documents", `<?xml version="1.0"?><testsuite><testcase classname="a" name="b"/></testsuite>` + "\n" + `<?xml version="1.0"?><testsuite><testcase classname="a" name="c"/></testsuite>`, []string{"pass a.b", "pass a.c"}},
		{"comments and doctype", `<!DOCTYPE testsuites><!-- x --><testsuites><!-- tests 1 --><testcase name="t"/></testsuites><!-- end -->`, []string{"pass t"}},
		{"testcase in testcase ignored", `<testsuite><testcase classname="a" name="b"><testcase classname="a" name="c"/></testcase></testsuite>`, []string{"pass a.b"}},
		{"BOM", "\ufeff<testsuite><testcase classname=\"a\" name=\"b\"/></testsuite>", []string{"pass a.b"}},
		{"ascii", `<?xml version="1.0" encoding="US-ASCII"?><testsuite><testcase classname="a" name="b"/></testsuite>`, []string{"pass a.b"}},
		{"latin-1", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><testsuite><testcase classname=\"a\" name=\"gr\xfc\xdfe\"/></testsuite>", []string{"pass a.grüße"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := statuses(parseString(t, tt.in)); !slices.Equal(got, tt.want) {
				t.Errorf("Parse(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestLatin1Large(t *testing.T) {
	// More than one buffer of two-byte characters, read through small reads.
	name := strings.Repeat("\xe9", 10000)
	in := "<?xml version=\"1.0\" encoding=\"latin1\"?><testsuite><testcase classname=\"a\" name=\"" + name + "\"/></testsuite>"
	cs, err := Parse(io.MultiReader(strings.NewReader(in[:100]), strings.NewReader(in[100:])))
	if err != nil {
		t.Fatal(err)
	}
	if want := "a." + strings.Repeat("é", 10000); len(cs) != 1 || cs[0].ID != capID(want) {
		t.Errorf("latin-1 name read as %d cases, ID %.20q…", len(cs), cs[0].ID)
	}
}

// TestMalformed: input that is not a report is a *ParseError that says
// where and why, never a panic or a silent empty result.
func TestMalformed(t *testing.T) {
	deep := strings.Repeat("<testsuite>", MaxDepth+1) + strings.Repeat("</testsuite>", MaxDepth+1)
	tests := []struct {
		name   string
		in     string
		want   error  // a sentinel the error wraps, or nil
		substr string // in the message
		line   int
	}{
		{"empty", "", ErrNoReport, "no <testsuites>", 1},
		{"only text", "PASS all tests\n", ErrNoReport, "no <testsuites>", 2},
		{"wrong root", "<?xml version=\"1.0\"?>\n<html><body/></html>", ErrNotJUnit, "root element is <html>", 2},
		{"wrong root after a report", `<testsuite/><checkstyle/>`, ErrNotJUnit, "<checkstyle>", 1},
		{"truncated", "<testsuites>\n<testsuite name=\"a\">\n<testcase name=\"t\" classname=\"c\">\n<failure>trace", nil, "unexpected EOF", 4},
		{"truncated in a tag", "<testsuites>\n<testcase name=\"t", nil, "unexpected EOF", 2},
		{"mismatched tag", "<testsuite>\n<testcase></testsuite>", nil, "element <testcase> closed by </testsuite>", 2},
		{"binary", "\x00\x01\x02\xff\xfe<\x00", nil, "XML syntax error", 1},
		{"invalid UTF-8 in a name", "<testsuite><testcase name=\"\xff\"/></testsuite>", nil, "invalid UTF-8", 1},
		{"undefined entity", `<testsuite><testcase name="&lol9;"/></testsuite>`, nil, "invalid character entity &lol9;", 1},
		{"entity bomb is not expanded", `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><testsuite><testcase name="&lol2;"/></testsuite>`, nil, "invalid character entity &lol2;", 1},
		{"too deep", deep, ErrTooDeep, "nested too deep", 1},
		{"unsupported encoding", `<?xml version="1.0" encoding="UTF-16"?><testsuite/>`, nil, `unsupported encoding "UTF-16"`, 1},
		{"attribute without quotes", `<testsuite><testcase name=t/></testsuite>`, nil, "unquoted or missing attribute value", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, err := Parse(strings.NewReader(tt.in))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q) = %v, %v; want a *ParseError", tt.in, cs, err)
			}
			if cs != nil {
				t.Errorf("Parse(%q) cases %v with error %v; want none", tt.in, cs, err)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("Parse(%q) error %v; want %v", tt.in, err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.substr) {
				t.Errorf("Parse(%q) error %q; want it to say %q", tt.in, err, tt.substr)
			}
			if pe.Line != tt.line {
				t.Errorf("Parse(%q) error at line %d; want %d (%v)", tt.in, pe.Line, tt.line, err)
			}
		})
	}
}

// TestHugeAttribute: a name of megabytes parses, and its ID is cut.
func TestHugeAttribute(t *testing.T) {
	in := `<testsuite><testcase classname="c" name="` + strings.Repeat("x", 8<<20) + `"><failure message="` + strings.Repeat("m", 8<<20) + `"/></testcase></testsuite>`
	cs := parseString(t, in)
	if len(cs) != 1 || len(cs[0].ID) > MaxIDBytes || len(cs[0].Message) > MaxMessageBytes || cs[0].Status != StatusFail {
		t.Errorf("Parse(8 MiB name) = %d cases, ID %d bytes, message %d bytes", len(cs), len(cs[0].ID), len(cs[0].Message))
	}
}

// endless yields a report that never ends.
type endless struct{ started bool }

func (e *endless) Read(p []byte) (int, error) {
	if !e.started {
		e.started = true
		return copy(p, "<testsuites>"), nil
	}
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

func TestTooLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 64 MiB")
	}
	_, err := Parse(&endless{})
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Parse(endless) error %v; want %v", err, ErrTooLarge)
	}
}

func TestTooManyCases(t *testing.T) {
	if testing.Short() {
		t.Skip("parses a million test cases")
	}
	var b bytes.Buffer
	b.WriteString("<testsuite>")
	for range MaxCases + 1 {
		b.WriteString("<testcase/>")
	}
	b.WriteString("</testsuite>")
	_, err := Parse(&b)
	if !errors.Is(err, ErrTooManyCases) {
		t.Fatalf("Parse(%d cases) error %v; want %v", MaxCases+1, err, ErrTooManyCases)
	}
}

func TestReadError(t *testing.T) {
	boom := errors.New("disk on fire")
	_, err := Parse(io.MultiReader(strings.NewReader("<testsuite>"), iotestErr{boom}))
	if !errors.Is(err, boom) {
		t.Fatalf("Parse(failing reader) error %v; want %v", err, boom)
	}
}

type iotestErr struct{ err error }

func (r iotestErr) Read([]byte) (int, error) { return 0, r.err }
