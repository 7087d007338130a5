package review

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/git-proof/git-proof/sarif"
)

const okFinding = `{"file":"a.go","line":1,"severity":"minor","category":"other","message":"m","evidence":"e"}`

// malformedAnswers are answers ParseVerdict must refuse. schemaOK marks
// those that AnswerSchema alone would accept (ParseVerdict is stricter).
var malformedAnswers = []struct {
	name     string
	in       string
	schemaOK bool
}{
	{"empty", ``, false},
	{"not json", `LGTM!`, false},
	{"array", `[]`, false},
	{"null", `null`, false},
	{"string", `"approve"`, false},
	{"unknown verdict", `{"verdict":"lgtm","findings":[],"summary":""}`, false},
	{"upper-case verdict", `{"verdict":"APPROVE","findings":[],"summary":""}`, false},
	{"verdict number", `{"verdict":1,"findings":[],"summary":""}`, false},
	{"verdict null", `{"verdict":null,"findings":[],"summary":""}`, false},
	{"missing verdict", `{"findings":[],"summary":""}`, false},
	{"missing summary", `{"verdict":"approve","findings":[]}`, false},
	{"missing findings", `{"verdict":"approve","summary":""}`, false},
	{"findings null", `{"verdict":"approve","findings":null,"summary":""}`, false},
	{"findings object", `{"verdict":"approve","findings":{},"summary":""}`, false},
	{"extra key", `{"verdict":"approve","findings":[],"summary":"","confidence":1}`, false},
	{"summary number", `{"verdict":"approve","findings":[],"summary":3}`, false},
	{"finding not object", `{"verdict":"approve","findings":["x"],"summary":""}`, false},
	{"finding missing evidence", `{"verdict":"approve","findings":[{"file":"a","line":1,"severity":"minor","category":"other","message":"m"}],"summary":""}`, false},
	{"finding extra key", `{"verdict":"approve","findings":[{"file":"a","line":1,"severity":"minor","category":"other","message":"m","evidence":"e","fix":"x"}],"summary":""}`, false},
	{"line string", `{"verdict":"approve","findings":[{"file":"a","line":"1","severity":"minor","category":"other","message":"m","evidence":"e"}],"summary":""}`, false},
	{"line float", `{"verdict":"approve","findings":[{"file":"a","line":1.5,"severity":"minor","category":"other","message":"m","evidence":"e"}],"summary":""}`, false},
	{"line negative", `{"verdict":"approve","findings":[{"file":"a","line":-1,"severity":"minor","category":"other","message":"m","evidence":"e"}],"summary":""}`, true},
	{"line huge", `{"verdict":"approve","findings":[{"file":"a","line":99999999999999999999,"severity":"minor","category":"other","message":"m","evidence":"e"}],"summary":""}`, true},
	{"bad severity", `{"verdict":"approve","findings":[{"file":"a","line":1,"severity":"blocker","category":"other","message":"m","evidence":"e"}],"summary":""}`, false},
	{"bad category", `{"verdict":"approve","findings":[{"file":"a","line":1,"severity":"minor","category":"style","message":"m","evidence":"e"}],"summary":""}`, false},
	{"file null", `{"verdict":"approve","findings":[{"file":null,"line":1,"severity":"minor","category":"other","message":"m","evidence":"e"}],"summary":""}`, false},
	{"duplicate verdict", `{"verdict":"reject","verdict":"approve","findings":[],"summary":""}`, true},
	{"duplicate in finding", `{"verdict":"approve","findings":[{"file":"a","file":"b","line":1,"severity":"minor","category":"other","message":"m","evidence":"e"}],"summary":""}`, true},
	{"trailing data", `{"verdict":"approve","findings":[],"summary":""} {"verdict":"reject"}`, false},
	{"trailing garbage", `{"verdict":"approve","findings":[],"summary":""}x`, false},
	{"too many findings", `{"verdict":"approve","findings":[` + strings.Repeat(okFinding+",", MaxFindings) + okFinding + `],"summary":""}`, true},
	{"deep nesting", `{"verdict":"approve","findings":[],"summary":"","x":` + strings.Repeat("[", 50) + strings.Repeat("]", 50) + `}`, false},
	{"truncated", `{"verdict":"approve","findings":[{"file":"a","li`, false},
}

func TestParseVerdictMalformed(t *testing.T) {
	t.Parallel()
	for _, tc := range malformedAnswers {
		v, err := ParseVerdict([]byte(tc.in))
		if err == nil {
			t.Errorf("%s: ParseVerdict(%.80q) = %+v; want an error", tc.name, tc.in, v)
			continue
		}
		if !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: error %v does not wrap ErrMalformed", tc.name, err)
		}
	}
}

func TestParseVerdict(t *testing.T) {
	t.Parallel()
	v, err := ParseVerdict([]byte(testAnswer))
	if err != nil {
		t.Fatal(err)
	}
	if v.Verdict != "concerns" || len(v.Findings) != 2 || v.Summary != "Mostly fine." {
		t.Fatalf("ParseVerdict = %+v", v)
	}
	f := v.Findings[0]
	if f.File != "calc/calc.go" || f.Line != 5 || f.Severity != "major" || f.Category != "correctness" {
		t.Errorf("finding = %+v", f)
	}
	// Long texts are cut, not refused; invalid UTF-8 is replaced.
	long := strings.Repeat("x", MaxTextBytes+10)
	v, err = ParseVerdict([]byte(`{"verdict":"approve","findings":[{"file":"a","line":0,"severity":"info","category":"other","message":"` + long + `","evidence":"e"}],"summary":"\ud800"}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Findings[0].Message) != MaxTextBytes || v.Summary != "\uFFFD" {
		t.Errorf("long message %d bytes, summary %q", len(v.Findings[0].Message), v.Summary)
	}
}

func TestExtractJSON(t *testing.T) {
	t.Parallel()
	good := `{"verdict":"approve","findings":[],"summary":""}`
	for _, in := range []string{
		good,
		"  \n" + good + "\n",
		"```json\n" + good + "\n```",
		"```\n" + good + "\n```\n",
		"Here is my review:\n\n```json\n" + good + "\n```\nThanks!",
		"```JSON\n" + good + "```",
	} {
		j, err := extractJSON([]byte(in))
		if err != nil || string(j) != good {
			t.Errorf("extractJSON(%q) = %q, %v", in, j, err)
		}
	}
	for _, in := range []string{"", "LGTM", "```python\nprint(1)\n```", "```json\n{", "```json"} {
		if j, err := extractJSON([]byte(in)); err == nil {
			t.Errorf("extractJSON(%q) = %q; want an error", in, j)
		}
	}
}

func TestCheckEvidence(t *testing.T) {
	t.Parallel()
	files := parseDiff(testDiff).fileText(testDiff)
	mk := func(file, ev string) Finding {
		return Finding{File: file, Line: 1, Severity: "minor", Category: "other", Message: "m", Evidence: ev}
	}
	tests := []struct {
		f        Finding
		keep     bool
		wantFile string
	}{
		{mk("calc/calc.go", "func Add(a, b int) int { return a + b }"), true, "calc/calc.go"},
		{mk("calc/calc.go", "  func   Add(a, b int)\tint {  "), true, "calc/calc.go"},                              // whitespace-normalised
		{mk("calc/calc.go", "+// Add returns the sum of a and b.\n+func Add(a, b int) int"), true, "calc/calc.go"}, // diff markers, two lines
		{mk("calc/calc.go", "// Add returns the sum of a and b.\nfunc Add(a, b int) int { return a + b }"), true, "calc/calc.go"},
		{mk("calc/calc.go", "return a + b }\n\nfunc Sub"), true, "calc/calc.go"},   // across a context line
		{mk("b/calc/calc.go", "func Sub(a, b int)"), true, "calc/calc.go"},         // context line, b/ prefix
		{mk("", "func Sub(a, b int)"), true, "calc/calc.go"},                       // no file: found anywhere
		{mk("other.go", "func Sub(a, b int)"), true, "calc/calc.go"},               // unknown file: found anywhere
		{mk("calc/calc.go", "func Add(a, b int) int { return a - b }"), false, ""}, // a removed line
		{mk("calc/calc.go", "os.Exit(1)"), false, ""},                              // not in the diff
		{mk("calc/calc.go", "   \n\t"), false, ""},                                 // empty
		{mk("calc/calc.go", "index 1111111..2222222"), false, ""},                  // a header
		{mk("calc/calc.go", "a - b }\n// Add returns"), false, ""},                 // removed line joined to added
	}
	for _, tc := range tests {
		kept, dropped := checkEvidence([]Finding{tc.f}, files)
		if (len(kept) == 1) != tc.keep || dropped != map[bool]int{true: 0, false: 1}[tc.keep] {
			t.Errorf("evidence %q in %q: kept %v, dropped %d; want kept %v", tc.f.Evidence, tc.f.File, kept, dropped, tc.keep)
			continue
		}
		if tc.keep && kept[0].File != tc.wantFile {
			t.Errorf("evidence %q: file %q; want %q", tc.f.Evidence, kept[0].File, tc.wantFile)
		}
	}
}

func TestSARIFRun(t *testing.T) {
	t.Parallel()
	fs := []Finding{
		{File: "calc/calc.go", Line: 5, Severity: "critical", Category: "security", Message: "x", Evidence: "e"},
		{File: "calc/calc.go", Line: 0, Severity: "minor", Category: "tests", Message: "y", Evidence: "e"},
		{File: "calc/calc.go", Line: 2, Severity: "info", Category: "other", Message: "z", Evidence: "e"},
	}
	var buf bytes.Buffer
	if err := sarif.Write(&buf, sarifRun("gpt", "gpt-5-2025", fs)); err != nil {
		t.Fatal(err)
	}
	back, err := sarif.Parse(bytes.NewReader(buf.Bytes()), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != 3 || back[0].Tool != "gpt" || back[0].RuleID != "review/security" || back[0].Level != sarif.LevelError ||
		back[0].Message != "critical: x" || back[0].StartLine != 5 || back[1].Level != sarif.LevelWarning || back[1].StartLine != 0 || back[2].Level != sarif.LevelNote {
		t.Errorf("SARIF read back = %+v", back)
	}
	if !strings.Contains(buf.String(), `"version":"gpt-5-2025"`) {
		t.Errorf("the model is not the driver version: %s", buf.String())
	}
}

func FuzzParseVerdict(f *testing.F) {
	f.Add([]byte(testAnswer))
	f.Add([]byte(`{"verdict":"approve","findings":[],"summary":""}`))
	for _, tc := range malformedAnswers[:20] {
		f.Add([]byte(tc.in))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := ParseVerdict(data)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		if !validVerdict(v.Verdict) || len(v.Findings) > MaxFindings || len(v.Summary) > MaxSummaryBytes {
			t.Fatalf("accepted %+v", v)
		}
		for _, f := range v.Findings {
			if !validSeverity(f.Severity) || !validCategory(f.Category) || f.Line < 0 || f.Line > MaxLine ||
				len(f.Message) > MaxTextBytes || len(f.Evidence) > MaxTextBytes || len(f.File) > MaxTextBytes {
				t.Fatalf("accepted finding %+v", f)
			}
		}
		// Kept findings always write as SARIF.
		kept, _ := checkEvidence(v.Findings, map[string]string{"a.go": "x"})
		if err := sarif.Write(&bytes.Buffer{}, sarifRun("r", "m", kept)); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzExtractJSON(f *testing.F) {
	f.Add([]byte("```json\n{}\n```"))
	f.Add([]byte("prose ```\n{\"a\":1}\n``` more"))
	f.Add([]byte("{"))
	f.Fuzz(func(t *testing.T, data []byte) {
		j, err := extractJSON(data)
		if err == nil && len(j) > len(data) {
			t.Fatalf("extractJSON grew its input")
		}
	})
}
