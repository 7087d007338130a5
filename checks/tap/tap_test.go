package tap

import (
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

// sorted sorts "status ID" lines by ID, as Parse sorts cases.
func sorted(lines []string) []string {
	lines = slices.Clone(lines)
	slices.SortFunc(lines, func(a, b string) int {
		return strings.Compare(a[strings.IndexByte(a, ' ')+1:], b[strings.IndexByte(b, ' ')+1:])
	})
	return lines
}

func parseString(t *testing.T, s string) []Case {
	t.Helper()
	cs, err := Parse(strings.NewReader(s))
	if err != nil {
		t.Fatalf("Parse(%q) error %v", s, err)
	}
	return cs
}

// TestSamples parses streams of the shapes real producers write against
// golden files.
func TestSamples(t *testing.T) {
	for _, name := range []string{"node", "node-tap", "tap13", "escapes", "subtests"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f, err := os.Open(filepath.Join("testdata", name+".tap"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			cs, err := Parse(f)
			if err != nil {
				t.Fatalf("Parse(%s.tap) error %v", name, err)
			}
			golden(t, name+".golden", format(cs))
		})
	}
}

// nodeTAPWant is what `node --test --test-reporter=tap` reports for
// testdata/node-project: every test point, suites and parents included,
// subtests named under their parents.
var nodeTAPWant = []string{
	"pass adds numbers",
	"fail fails on purpose",
	"skip skipped one",
	"skip todo one",
	"fail math",
	"pass math › multiplies",
	"fail math › division",
	"pass math › division › divides",
	"fail math › division › by zero",
	"pass parent",
	"pass parent › child a",
	"pass parent › child b",
}

func TestSampleIDs(t *testing.T) {
	want := map[string][]string{
		"node": nodeTAPWant,
		"node-tap": {
			"fail test/calc.js",
			"pass test/calc.js › adds",
			"pass test/calc.js › adds › should be equal",
			"fail test/calc.js › divides",
			"fail test/calc.js › divides › should be equal",
			"skip test/calc.js › rounds",
			"skip test/calc.js › parses hex",
		},
		"escapes": {
			"skip hello",
			"pass hello # todo",
			"skip hello #2",
			"skip hello #3",
			`skip hello \`,
			`skip hello \ #2`,
			"pass hello # description # todo",
			`pass hello \\\# todo`,
			"pass not skipped: https://example.com/page.html#skip is a url",
			"skip test 10",
			"skip do it later",
			"pass 1 is a number in the description",
			"pass test 13",
		},
		"subtests": {
			"pass in the parent",
			"pass nested",
			"pass nested › in the subtest",
			"pass empty",
			"pass test 4",
			"pass test 4 › name is optional",
			"pass double nest passing",
			"pass double nest passing › nested parent",
			"pass double nest passing › nested parent › nested twice",
			"fail bar.tap",
			"pass bar.tap › object should be a Bar",
			"fail bar.tap › object.isBar should return true",
			"skip bar.tap › object can bar bears",
			"pass repeated",
			"pass repeated #2",
			"pass repeated #3",
			"pass repeated #3 › child",
		},
	}
	for name, w := range want {
		raw, err := os.ReadFile(filepath.Join("testdata", name+".tap"))
		if err != nil {
			t.Fatal(err)
		}
		if got := statuses(parseString(t, string(raw))); !slices.Equal(got, sorted(w)) {
			t.Errorf("Parse(%s.tap) =\n%s\nwant\n%s", name, strings.Join(got, "\n"), strings.Join(sorted(w), "\n"))
		}
	}
}

func TestMessagesAndDurations(t *testing.T) {
	tests := []struct {
		name, in string
		want     Case
	}{
		{"yaml message", "1..1\nnot ok 1 - a\n  ---\n  message: 'boom'\n  error: 'not this'\n  ...\n",
			Case{ID: "a", Status: StatusFail, Message: "boom"}},
		{"node error block", "1..1\nnot ok 1 - a\n  ---\n  duration_ms: 2.5\n  error: |-\n    line one\n    \n    line two\n  code: 'X'\n  ...\n",
			Case{ID: "a", Status: StatusFail, Duration: 2500 * time.Microsecond, Message: "line one\n\nline two"}},
		{"comments before the block", "1..1\nnot ok 1 - a\n# noise\n\n  ---\n  message: m\n  ...\n",
			Case{ID: "a", Status: StatusFail, Message: "m"}},
		{"message not a scalar", "1..1\nnot ok 1 - a\n  ---\n  message:\n    nested: map\n  ...\n",
			Case{ID: "a", Status: StatusFail}},
		{"broken yaml", "1..1\nnot ok 1 - a\n  ---\n  message: [unclosed\n  ...\n",
			Case{ID: "a", Status: StatusFail}},
		{"alias not expanded", "1..1\nnot ok 1 - a\n  ---\n  x: &a [1, 2]\n  y: [*a, *a, *a]\n  message: *a\n  ...\n",
			Case{ID: "a", Status: StatusFail}},
		{"pass keeps no message", "1..1\nok 1 - a\n  ---\n  message: fine\n  duration_ms: 1\n  ...\n",
			Case{ID: "a", Status: StatusPass, Duration: time.Millisecond}},
		{"unterminated block", "not ok 1 - a\n  ---\n  message: cut\n1..1\n",
			Case{ID: "a", Status: StatusFail, Message: "cut"}},
		{"block needs two spaces", "1..1\nnot ok 1 - a\n    ---\n    message: m\n    ...\n",
			Case{ID: "a", Status: StatusFail}},
		{"skip reason", "1..1\nok 1 - a # SKIP no network\n",
			Case{ID: "a", Status: StatusSkip, Message: "no network"}},
		{"not ok skip is a skip", "1..1\nnot ok 1 - a # skip\n",
			Case{ID: "a", Status: StatusSkip}},
		{"todo failing", "1..1\nnot ok 1 - a # TODO later\n",
			Case{ID: "a", Status: StatusSkip, Message: "TODO later"}},
		{"todo passing", "1..1\nok 1 - a # todo\n",
			Case{ID: "a", Status: StatusSkip, Message: "TODO"}},
		{"time directive", "1..1\nok 1 - a # time=12.5ms\n",
			Case{ID: "a", Status: StatusPass, Duration: 12500 * time.Microsecond}},
		{"skip and time", "1..1\nok 1 - a # SKIP off # time=1s\n",
			Case{ID: "a", Status: StatusSkip, Duration: time.Second, Message: "off"}},
		{"bad time", "1..1\nok 1 - a # time=soon\n",
			Case{ID: "a", Status: StatusPass}},
		{"CRLF", "TAP version 14\r\n1..1\r\nnot ok 1 - a\r\n  ---\r\n  message: m\r\n  ...\r\n",
			Case{ID: "a", Status: StatusFail, Message: "m"}},
		{"invalid UTF-8", "1..1\nok 1 - a\xff\n",
			Case{ID: "a\ufffd", Status: StatusPass}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := parseString(t, tt.in)
			if len(cs) != 1 || cs[0] != tt.want {
				t.Errorf("Parse(%q) = %+v; want [%+v]", tt.in, cs, tt.want)
			}
		})
	}
}

func TestLenient(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"npm banner and noise", "\n> app@1.0.0 test\n> node --test\n\nTAP version 13\nok 1 - a\nsome console output\n  indented noise\n1..1\nnpm notice\n", []string{"pass a"}},
		{"no version", "1..2\nok\nnot ok\n", []string{"pass test 1", "fail test 2"}},
		{"plan first", "TAP version 14\n1..2\nok 1 - a\nok 2 - b\n", []string{"pass a", "pass b"}},
		{"out of order", "1..3\nok 2 - b\nok 3 - c\nok 1 - a\n", []string{"pass a", "pass b", "pass c"}},
		{"skip all", "TAP version 14\n1..0 # SKIP no database\n", []string{}},
		{"pragmas", "TAP version 14\npragma +strict\nok 1\n1..1\n", []string{"pass test 1"}},
		{"okay is not ok", "okay then\nnot okay\nok 1\n1..1\n", []string{"pass test 1"}},
		{"prose that looks like a plan", "1..3 seconds later\nok 1\n1..1\n", []string{"pass test 1"}},
		{"indented version ignored", "ok 1\n    TAP version 14\n1..1\n", []string{"pass test 1"}},
		{"odd indentation is not TAP", "ok 1\n  ok 2\n   not ok 3\n1..1\n", []string{"pass test 1"}},
		{"subtest without plan", "    ok 1 - x\nok 1 - p\n1..1\n", []string{"pass p", "pass p › x"}},
		{"subtest name when the point has none", "# Subtest: named\n    ok 1 - x\nok 1\n1..1\n", []string{"pass named", "pass named › x"}},
		{"duplicate numbers", "1..2\nok 1 - a\nok 1 - b\nok 2 - c\n", []string{"pass a", "pass b", "pass c"}},
		{"a description like a suffix", "1..3\nok 1 - a #2\nok 2 - a\nok 3 - a\n", []string{"pass a", "pass a #2", "pass a #3"}},
		{"long line dropped", "1..1\n" + strings.Repeat("x", MaxLineBytes+10) + "\nok 1 - a\n", []string{"pass a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := statuses(parseString(t, tt.in)); !slices.Equal(got, sorted(tt.want)) {
				t.Errorf("Parse(%q) = %q; want %q", tt.in, got, sorted(tt.want))
			}
		})
	}
}

func TestLongID(t *testing.T) {
	long := strings.Repeat("é", MaxIDBytes)
	in := "1..3\nok 1 - " + long + "a\nok 2 - " + long + "b\nok 3 - " + long + "a\n"
	cs := parseString(t, in)
	if len(cs) != 3 {
		t.Fatalf("Parse(three long names) = %d cases; want 3", len(cs))
	}
	for i, c := range cs {
		if len(c.ID) > MaxIDBytes || !strings.HasPrefix(c.ID, "éé") || !strings.Contains(c.ID, "…") {
			t.Errorf("long ID %.20q… is %d bytes; want ≤ %d with a digest", c.ID, len(c.ID), MaxIDBytes)
		}
		if i > 0 && c.ID == cs[i-1].ID {
			t.Errorf("long IDs %d and %d are equal", i-1, i)
		}
	}
}

func TestManyDuplicates(t *testing.T) {
	// Numbering repeats must stay linear: a stream of one name repeated.
	var b strings.Builder
	const n = 20000
	fmt.Fprintf(&b, "1..%d\n", n)
	for range n {
		b.WriteString("ok - same\n")
	}
	start := time.Now()
	cs := parseString(t, b.String())
	if len(cs) != n || cs[0].ID != "same" || time.Since(start) > 5*time.Second {
		t.Errorf("Parse(%d repeats) = %d cases in %v", n, len(cs), time.Since(start))
	}
}

// TestMalformed: input that is not a complete TAP stream is a *ParseError
// that says where and why, never a panic; what was read comes back too.
func TestMalformed(t *testing.T) {
	deep := ""
	for i := MaxDepth; i >= 0; i-- {
		deep += strings.Repeat("    ", i) + "ok 1\n"
	}
	tests := []struct {
		name   string
		in     string
		want   error
		substr string
		line   int
		cases  []string // read before the problem
	}{
		{"empty", "", ErrNoTAP, "no TAP", 0, nil},
		{"garbage", "hello\nworld\n\x00\x01\xff\n", ErrNoTAP, "no TAP", 3, nil},
		{"binary", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ErrNoTAP, "no TAP", 3, nil},
		{"no plan", "TAP version 13\nok 1 - a\nnot ok 2 - b\n", ErrNoPlan, "incomplete", 3, []string{"pass a", "fail b"}},
		{"version only", "TAP version 14\n", ErrNoPlan, "incomplete", 1, nil},
		{"missing tests", "TAP version 14\n1..5\nok 1 - a\nok 2 - b\n", ErrPlan, "plan 1..5, but 3 of its tests are missing (3, 4, 5)", 2, []string{"pass a", "pass b"}},
		{"many missing", "1..100\nok 1\n", ErrPlan, "99 of its tests are missing (2, 3, 4, 5, 6, …)", 1, []string{"pass test 1"}},
		{"more than planned", "1..1\nok 1 - a\nok 2 - b\n", ErrPlan, "test 2 is outside the plan 1..1", 3, []string{"pass a", "pass b"}},
		{"number outside the plan", "ok 1 - a\nok 7 - b\n1..2\n", ErrPlan, "test 7 is outside the plan 1..2", 2, []string{"pass a", "pass b"}},
		{"tests after the plan", "ok 1\n1..1\nok 2\n", ErrPlan, "after the plan on line 2", 3, []string{"pass test 1"}},
		{"two plans", "1..1\nok 1\n1..1\n", ErrPlan, "a second plan (the first is on line 1)", 3, []string{"pass test 1"}},
		{"tests and an empty plan", "1..0\nok 1 - a\n", ErrPlan, "test 1 is outside the plan 1..0", 2, []string{"pass a"}},
		{"plan not from 1", "5..8\nok 5\n", ErrPlan, "does not start at 1", 1, nil},
		{"huge plan", "1..99999999999999999999\n", ErrTooManyCases, "larger than", 1, nil},
		{"huge test number", "1..1\nok 99999999999999999999\n", ErrPlan, "out of range", 2, nil},
		{"bail out", "TAP version 13\n1..4\nok 1 - a\nnot ok 2 - b\nBail out! database down\nok 3 - c\n", ErrBailOut, `bail out: the TAP stream is incomplete: "database down"`, 5, []string{"pass a", "fail b"}},
		{"bail out bare", "1..2\nok 1\nbail out!\n", ErrBailOut, "bail out", 3, []string{"pass test 1"}},
		{"bail out in a subtest", "# Subtest: s\n    ok 1 - x\n    Bail out! no disk\nok 1 - s\n1..1\n", ErrBailOut, `"no disk"`, 3, []string{"pass s › x"}},
		{"subtest plan mismatch", "# Subtest: s\n    1..2\n    ok 1 - x\nok 1 - s\n1..1\n", ErrPlan, `subtest "s" plan 1..2, but 1 of its tests are missing (2)`, 2, []string{"pass s › x"}},
		{"subtest without its test point", "# Subtest: s\n    ok 1 - x\n    1..1\n1..1\n", ErrSubtest, `the subtest "s" ends in a plan on line 4`, 2, []string{"pass s › x"}},
		{"subtest cut short", "1..1\n# Subtest: s\n    ok 1 - x\n        ok 1 - y\n", ErrSubtest, "has no test point", 4, []string{"pass s › x", "pass s › subtest at line 4 › y"}},
		{"subtests skipping a level", "1..1\n        ok 1 - y\n    ok 1 - x\n        ok 1 - z\nok 1 - p\n", ErrSubtest, "has no test point", 4, []string{"pass subtest at line 2 › x", "pass subtest at line 2 › x › y", "pass subtest at line 2 › subtest at line 4 › z"}},
		{"version twice", "TAP version 13\nTAP version 13\n1..0\n", ErrVersion, "second version line", 2, nil},
		{"version late", "ok 1\nTAP version 14\n1..1\n", ErrVersion, "must come before", 2, []string{"pass test 1"}},
		{"version 12", "TAP version 12\n1..0\n", ErrVersion, `"TAP version 12": want TAP version 13 or 14`, 1, nil},
		{"version 15", "TAP version 15\n", ErrVersion, "want TAP version 13 or 14", 1, nil},
		{"version words", "TAP version thirteen\n", ErrVersion, "want TAP version 13 or 14", 1, nil},
		{"too deep", deep, ErrTooDeep, "nested too deep", 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, err := Parse(strings.NewReader(tt.in))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q) = %v, %v; want a *ParseError", tt.in, cs, err)
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("Parse(%q) error %v; want %v", tt.in, err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.substr) {
				t.Errorf("Parse(%q) error %q; want it to say %q", tt.in, err, tt.substr)
			}
			if pe.Line != tt.line {
				t.Errorf("Parse(%q) error at line %d; want %d (%v)", tt.in, pe.Line, tt.line, err)
			}
			if got := statuses(cs); !slices.Equal(got, sorted(tt.cases)) && (len(got) > 0 || len(tt.cases) > 0) {
				t.Errorf("Parse(%q) read %q before the error; want %q", tt.in, got, sorted(tt.cases))
			}
		})
	}
}

// endless yields a stream that never ends.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = '\n'
	}
	copy(p, "ok\n")
	return len(p), nil
}

func TestTooLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 64 MiB")
	}
	_, err := Parse(endless{})
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Parse(endless) error %v; want %v", err, ErrTooLarge)
	}
}

func TestTooManyCases(t *testing.T) {
	if testing.Short() {
		t.Skip("parses a million test points")
	}
	r := io.MultiReader(strings.NewReader(strings.Repeat("ok\n", MaxCases+1)))
	cs, err := Parse(r)
	if !errors.Is(err, ErrTooManyCases) || len(cs) != MaxCases {
		t.Fatalf("Parse(%d test points) = %d cases, error %v; want %d, %v", MaxCases+1, len(cs), err, MaxCases, ErrTooManyCases)
	}
}

func TestReadError(t *testing.T) {
	boom := errors.New("pipe closed")
	cs, err := Parse(io.MultiReader(strings.NewReader("ok 1 - a\n"), errReader{boom}))
	if !errors.Is(err, boom) || len(cs) != 1 {
		t.Fatalf("Parse(failing reader) = %v, %v; want the case read and %v", cs, err, boom)
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }
