package deps

import (
	"bytes"
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// loadTree reads every file under dir as a Parse input, keyed by its
// slash path relative to dir, as a caller reading a git tree would.
func loadTree(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		files[filepath.ToSlash(rel)] = b
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// goldenCase is what a golden file holds for one testdata/trees case.
type goldenCase struct {
	Base   []Dependency `json:"base"`
	Head   []Dependency `json:"head,omitempty"`
	Delta  *Delta       `json:"delta,omitempty"`
	Errors []string     `json:"errors,omitempty"`
}

// TestGolden parses each case's base (and head, when there is one) tree,
// diffs them and compares the lot with testdata/golden/<case>.json.
// Run with -update after a deliberate change, and review the diff.
func TestGolden(t *testing.T) {
	cases, err := os.ReadDir("testdata/trees")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.Name(), func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join("testdata/trees", c.Name())
			var g goldenCase
			var errs []error
			g.Base, errs = Parse(loadTree(t, filepath.Join(dir, "base")))
			for _, e := range errs {
				g.Errors = append(g.Errors, "base: "+e.Error())
			}
			if _, err := os.Stat(filepath.Join(dir, "head")); err == nil {
				g.Head, errs = Parse(loadTree(t, filepath.Join(dir, "head")))
				for _, e := range errs {
					g.Errors = append(g.Errors, "head: "+e.Error())
				}
				d := Diff(g.Base, g.Head)
				g.Delta = &d
			}
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(g); err != nil {
				t.Fatal(err)
			}
			got := buf.Bytes()
			file := filepath.Join("testdata/golden", c.Name()+".json")
			if *update {
				if err := os.WriteFile(file, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Parse/Diff of %s differs from %s (run go test -update and review):\n%s", dir, file, got)
			}
		})
	}
}
