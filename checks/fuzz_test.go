package checks

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// FuzzParseGoTestJSON: any input parses without panic into sorted, unique
// results with valid statuses, the same way twice, and the same whatever
// the line endings.
func FuzzParseGoTestJSON(f *testing.F) {
	for _, sc := range goScenarios {
		raw, err := os.ReadFile(filepath.Join("testdata", sc.name+".jsonl"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
		// Each real line alone, and the stream cut in the middle.
		for _, l := range bytes.SplitAfter(raw, []byte("\n")) {
			f.Add(l)
		}
		f.Add(raw[:len(raw)/2])
	}
	f.Add([]byte(`{"Action":"run","Package":"p","Test":"BenchmarkA"}` + "\n" + `{"Action":"run","Package":"p","Test":"BenchmarkA/x"}`))
	f.Add([]byte("\x00\xff{\"Action\":\"pass\"}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := ParseGoTestJSON(bytes.NewReader(data))
		if err != nil && !errors.Is(err, ErrNoEvents) {
			t.Fatalf("unexpected error %v", err)
		}
		if err != nil && rs != nil {
			t.Fatalf("results %v with error %v", rs, err)
		}
		for i, r := range rs {
			if r.Status != StatusPass && r.Status != StatusFail && r.Status != StatusSkip {
				t.Fatalf("result %q has status %q", r.ID, r.Status)
			}
			if r.ID == "" {
				t.Fatalf("empty ID in %v", rs)
			}
			if i > 0 && strings.Compare(rs[i-1].ID, r.ID) >= 0 {
				t.Fatalf("results not sorted and unique at %d: %q, %q", i, rs[i-1].ID, r.ID)
			}
		}
		rs2, err2 := ParseGoTestJSON(bytes.NewReader(data))
		if !slices.Equal(rs, rs2) || !errors.Is(err2, err) {
			t.Fatalf("two parses differ: %v, %v", rs, rs2)
		}
		// CRLF line endings read the same (lines are trimmed of spaces).
		crlf := bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n"))
		if rs3, _ := ParseGoTestJSON(bytes.NewReader(crlf)); !slices.Equal(rs, rs3) && len(crlf) <= maxEventLine {
			t.Fatalf("CRLF changes the results: %v, %v", rs, rs3)
		}
	})
}

// FuzzIsTestFile: any glob and path are handled without panic; a valid
// glob escaped from a path matches that path, and IsTestFile agrees with
// ValidateGlobs about invalid globs matching nothing.
func FuzzIsTestFile(f *testing.F) {
	for _, g := range DefaultTestGlobs() {
		f.Add(g, "pkg/a_test.go")
	}
	f.Add("**/*.{js,ts}", "dir with spaces/ü.test.ts")
	f.Add("[a-", "a")
	f.Add("a/**/b", "a/\n/b")
	f.Add("{a,{b,c}}", "c")
	f.Add(`\`, `\`)
	f.Fuzz(func(t *testing.T, glob, path string) {
		if IsTestFile(path, []string{glob}) && ValidateGlobs([]string{glob}) != nil {
			t.Fatalf("invalid glob %q matched %q", glob, path)
		}
		_ = IsTestFile(path, DefaultTestGlobs())
		// The path as a literal glob matches itself.
		if path != "" && !strings.HasPrefix(path, "/") {
			lit := quoteGlob(path)
			if ValidateGlobs([]string{lit}) == nil && !IsTestFile(path, []string{lit}) {
				t.Fatalf("literal glob %q does not match its path %q", lit, path)
			}
		}
	})
}

// quoteGlob escapes the glob metacharacters of s, byte by byte so that
// invalid UTF-8 stays as it is.
func quoteGlob(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(`*?[]{}\,!^-`, s[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
