package sarif_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/git-proof/git-proof/sarif"
)

// addSeeds adds every checked-in sample matching glob to the corpus.
func addSeeds(f *testing.F, glob string) {
	f.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", glob))
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// checkFindings holds for every successful parse: findings are well formed,
// match themselves completely, and survive Write then Parse unchanged.
func checkFindings(t *testing.T, fs []sarif.Finding) {
	for _, f := range fs {
		switch f.Level {
		case "error", "warning", "note", "none":
		default:
			t.Fatalf("level %q", f.Level)
		}
		if f.RuleID == "" || f.Tool == "" || f.Fingerprint == "" || f.ContentHash == "" || len(f.Message) > sarif.MaxMessageBytes {
			t.Fatalf("malformed finding %+v", f)
		}
		if (f.File == "" || f.StartLine == 0) && f.EndLine != 0 || f.EndLine < f.StartLine {
			t.Fatalf("bad location %+v", f)
		}
	}
	n, fixed, u := sarif.Match(fs, fs)
	if len(n) != 0 || len(fixed) != 0 || len(u) != len(fs) {
		t.Fatalf("Match(fs, fs) = %d new, %d fixed, %d unchanged of %d", len(n), len(fixed), len(u), len(fs))
	}
	var buf bytes.Buffer
	if err := sarif.Write(&buf, sarif.Group(fs)...); err != nil {
		t.Fatalf("Write = %v", err)
	}
	back, err := sarif.Parse(&buf, "")
	if err != nil {
		t.Fatalf("Parse(Write(fs)) = %v", err)
	}
	if !slices.Equal(back, fs) {
		t.Fatalf("round trip changed findings:\n got %+v\nwant %+v", back, fs)
	}
}

func FuzzParse(f *testing.F) {
	addSeeds(f, "*.sarif")
	for _, s := range []string{
		withResult(`{"ruleId":"r","message":{"id":"m","arguments":["{0}","x"]}}`),
		withResult(`{"rule":{"index":0,"toolComponent":{"index":3}},"message":{"text":"{{{0}}} {1} {99999999}","arguments":["a"]}}`),
		withResult(`{"ruleId":"r","message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"file://host/share/%zz"}}}]}`),
		withResult(`{"ruleId":"r","message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"x","uriBaseId":"A"}}}]}]` +
			`,"originalUriBaseIds":{"A":{"uri":"b/","uriBaseId":"A"}}`),
		`{"version":"2.1.0","runs":[]}`,
		"not json",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fs, err := sarif.Parse(bytes.NewReader(data), "")
		if err != nil {
			var pe *sarif.ParseError
			if !strings.HasPrefix(err.Error(), "sarif: ") || !asParseError(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			return
		}
		checkFindings(t, fs)
	})
}

func FuzzFromGoVet(f *testing.F) {
	addSeeds(f, "govet*.txt")
	for _, s := range []string{
		"a.go:1:2: m (printf)\n\tmore\n",
		"vet: x.go:3: undefined: y\n# p\n",
		`{"p":{"printf":[{"posn":"/r/a.go:1:2","message":"m"}],"x":{"error":"boom"}}}`,
		"C:\\a.go:1:2: m\r\n12\tctx\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fs, err := sarif.FromGoVet(bytes.NewReader(data), "go vet", "/r")
		if err != nil {
			var pe *sarif.ParseError
			if !asParseError(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			return
		}
		checkFindings(t, fs)
	})
}

// FuzzParseFields fuzzes the values inside a well-formed log, which random
// byte mutations of whole logs rarely reach: URIs and their bases, message
// templates and arguments, rule ids, levels, snippets and lines.
func FuzzParseFields(f *testing.F) {
	f.Add("r", "m {0} {{x}}", "a", "src/a%20b.go", "%SRCROOT%", "file:///w/r/", "x := 1", "warning", 3, 4)
	f.Add("go/x", "text", "", "file:///w/r/p/a.go", "", "", "", "", 0, 0)
	f.Add("", "", "", "../a/./b.go", "B", "c/", "\t", "error", -1, 2)
	f.Add("r", "{0}", "\xff", "C:\\x\\y.go", "", "file:///C:/x/", "", "note", 1, 1)
	f.Fuzz(func(t *testing.T, ruleID, text, arg, uri, baseID, baseURI, snippet, level string, start, end int) {
		result := map[string]any{
			"ruleId":  ruleID,
			"message": map[string]any{"text": text, "arguments": []string{arg}},
			"locations": []any{map[string]any{"physicalLocation": map[string]any{
				"artifactLocation": map[string]any{"uri": uri, "uriBaseId": baseID},
				"region":           map[string]any{"startLine": start, "endLine": end, "snippet": map[string]any{"text": snippet}},
			}}},
		}
		if level != "" {
			result["level"] = level
		}
		log := map[string]any{"version": "2.1.0", "runs": []any{map[string]any{
			"tool":               map[string]any{"driver": map[string]any{"name": "t"}},
			"originalUriBaseIds": map[string]any{baseID: map[string]any{"uri": baseURI, "uriBaseId": baseID}},
			"results":            []any{result},
		}}}
		data, err := json.Marshal(log)
		if err != nil {
			t.Skip()
		}
		fs, err := sarif.Parse(bytes.NewReader(data), "/w/r")
		if err != nil {
			var pe *sarif.ParseError
			if !asParseError(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			return
		}
		checkFindings(t, fs)
	})
}
