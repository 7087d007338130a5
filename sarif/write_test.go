package sarif_test

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/git-proof/git-proof/sarif"
)

// roundTrip writes fs grouped by tool and parses the log back.
func roundTrip(t testing.TB, fs []sarif.Finding, root string) ([]sarif.Finding, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := sarif.Write(&buf, sarif.Group(fs)...); err != nil {
		t.Fatalf("Write = %v", err)
	}
	back, err := sarif.Parse(bytes.NewReader(buf.Bytes()), root)
	if err != nil {
		t.Fatalf("Parse(Write(...)) = %v\n%s", err, buf.Bytes())
	}
	return back, buf.Bytes()
}

func TestWriteRoundTrip(t *testing.T) {
	t.Parallel()
	samples := map[string]string{
		"golangci-lint.sarif":  "",
		"semgrep.sarif":        "",
		"codeql.sarif":         "",
		"eslint.sarif":         "/home/runner/work/webapp/webapp",
		"messagestrings.sarif": "",
	}
	for name, root := range samples {
		fs := parseFile(t, name, root)
		back, data := roundTrip(t, fs, root)
		if !slices.Equal(fs, back) {
			t.Errorf("%s: Parse(Write(fs)) != fs\n got %+v\nwant %+v", name, back, fs)
		}
		validateSchema(t, "Write("+name+")", data)
	}
	// go vet findings too, and a mix of tools in one log.
	data, err := os.ReadFile("testdata/govet.txt")
	if err != nil {
		t.Fatal(err)
	}
	vet, err := sarif.FromGoVet(bytes.NewReader(data), "go vet", "")
	if err != nil {
		t.Fatal(err)
	}
	mixed := append(append(vet, parseFile(t, "codeql.sarif", "")...), parseFile(t, "eslint.sarif", "")...)
	back, out := roundTrip(t, mixed, "")
	if !slices.Equal(mixed, back) {
		t.Errorf("mixed: Parse(Write(fs)) != fs\n got %+v\nwant %+v", back, mixed)
	}
	validateSchema(t, "Write(mixed)", out)
}

func TestWriteEdgeCases(t *testing.T) {
	t.Parallel()
	fs := []sarif.Finding{
		{Tool: "t", RuleID: "r", Level: "note", Message: "braces {0} and {{ stay", File: "dir with space/a#b?.go", StartLine: 3, EndLine: 5},
		{Tool: "t", RuleID: "r", Level: "none", Message: "", File: "c:colon.go"},
		{Tool: "t", RuleID: "r", Level: "error", Message: "absolute", File: "/abs/x.go", StartLine: 1, EndLine: 1},
		{Tool: "t", RuleID: "r", Level: "error", Message: "windows", File: "C:/src/x.go", StartLine: 1, EndLine: 1},
		{Tool: "t", RuleID: "r", Level: "error", Message: "url", File: "https://example.com/x.go"},
		{Tool: "t", RuleID: "r", Level: "warning", Message: "no location", Suppressed: true},
		{Tool: "u", RuleID: "über/ß", Level: "warning", Message: "ünïcode ✓", File: "ü/ß.go", StartLine: 2, EndLine: 2},
	}
	for i := range fs {
		fs[i].Identify("", nil)
	}
	back, data := roundTrip(t, fs, "")
	if !slices.Equal(fs, back) {
		t.Errorf("Parse(Write(fs)) != fs\n got %+v\nwant %+v", back, fs)
	}
	validateSchema(t, "Write(edge cases)", data)
}

func TestWriteGolden(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	runs := sarif.Group(parseFile(t, "codeql.sarif", ""))
	runs[0].Version = "2.19.3"
	// A reviewer that found nothing still gets a run, with results [].
	runs = append(runs, sarif.Run{Tool: "reviewer-b"})
	if err := sarif.Write(&buf, runs...); err != nil {
		t.Fatal(err)
	}
	goldenBytes(t, "write-codeql.sarif", buf.Bytes())
	if !strings.Contains(buf.String(), `"tool":{"driver":{"name":"reviewer-b"}},"results":[]`) {
		t.Errorf("empty run not written with results []: %s", buf.String())
	}
	// The same input gives the same bytes.
	var again bytes.Buffer
	if err := sarif.Write(&again, runs...); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("Write is not deterministic")
	}
}

func TestWriteErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		run  sarif.Run
		want string
	}{
		{"no tool", sarif.Run{}, "empty tool name"},
		{"no rule", sarif.Run{Tool: "t", Findings: []sarif.Finding{{Level: "error"}}}, "empty rule id"},
		{"bad level", sarif.Run{Tool: "t", Findings: []sarif.Finding{{RuleID: "r", Level: "fatal"}}}, `level "fatal"`},
	} {
		if err := sarif.Write(&bytes.Buffer{}, tc.run); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Write = %v; want an error about %q", tc.name, err, tc.want)
		}
	}
}

func TestGroup(t *testing.T) {
	t.Parallel()
	fs := []sarif.Finding{{Tool: "b", RuleID: "1"}, {Tool: "a", RuleID: "2"}, {Tool: "b", RuleID: "3"}}
	runs := sarif.Group(fs)
	if len(runs) != 2 || runs[0].Tool != "b" || len(runs[0].Findings) != 2 || runs[1].Tool != "a" || runs[0].Findings[1].RuleID != "3" {
		t.Errorf("Group = %+v; want runs b (1, 3) then a (2)", runs)
	}
}
