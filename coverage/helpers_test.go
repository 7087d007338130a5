package coverage

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden/")

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	file := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (run with -update if the change is right)\ngot:\n%s\nwant:\n%s", name, got, want)
	}
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// renderProfile prints a profile one segment a line: "file start-end ×count".
func renderProfile(p *Profile) string {
	var b strings.Builder
	for _, f := range p.Files() {
		fmt.Fprintf(&b, "%s\n", f)
		for _, s := range p.Segments(f) {
			fmt.Fprintf(&b, "\t%d-%d ×%d\n", s.Start, s.End, s.Count)
		}
	}
	names, total := p.Outside()
	fmt.Fprintf(&b, "outside %d %q\n", total, names)
	return b.String()
}

// renderResult prints a Result in a stable form.
func renderResult(r Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "executable %d covered %d fraction %.4f files %d\n", r.Executable, r.Covered, r.Fraction, r.Files)
	files := make([]string, 0, len(r.Uncovered))
	for f := range r.Uncovered {
		files = append(files, f)
	}
	sort.Strings(files)
	for _, f := range files {
		fmt.Fprintf(&b, "uncovered %s %s\n", f, renderRanges(r.Uncovered[f]))
	}
	for _, f := range r.NoData {
		fmt.Fprintf(&b, "nodata %s\n", f)
	}
	return b.String()
}

// renderChanged prints changed lines one file a line.
func renderChanged(c ChangedLines) string {
	files := make([]string, 0, len(c))
	for f := range c {
		files = append(files, f)
	}
	sort.Strings(files)
	var b strings.Builder
	for _, f := range files {
		fmt.Fprintf(&b, "%q %s\n", f, renderRanges(c[f]))
	}
	return b.String()
}

func renderRanges(rs []LineRange) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		if r.Start == r.End {
			parts[i] = fmt.Sprint(r.Start)
		} else {
			parts[i] = fmt.Sprintf("%d-%d", r.Start, r.End)
		}
	}
	return strings.Join(parts, ",")
}

// checkProfileInvariants fails unless every file's segments are ordered,
// disjoint, within 1..MaxLine, with non-negative counts, and adjacent ones
// differ in count.
func checkProfileInvariants(t testing.TB, p *Profile) {
	t.Helper()
	for _, f := range p.Files() {
		if !inTree(f) {
			t.Fatalf("file %q is not a clean relative path", f)
		}
		segs := p.Segments(f)
		if len(segs) == 0 {
			t.Fatalf("file %q has no segments", f)
		}
		for i, s := range segs {
			if s.Start < 1 || s.End < s.Start || s.End > MaxLine || s.Count < 0 {
				t.Fatalf("%s: bad segment %+v", f, s)
			}
			if i > 0 {
				prev := segs[i-1]
				if prev.End >= s.Start {
					t.Fatalf("%s: segments %+v and %+v overlap or are out of order", f, prev, s)
				}
				if prev.End+1 == s.Start && prev.Count == s.Count {
					t.Fatalf("%s: segments %+v and %+v should be one", f, prev, s)
				}
			}
		}
	}
}

func mustGo(t *testing.T, profile, modulePath, moduleDir string) *Profile {
	t.Helper()
	p, err := ParseGo(strings.NewReader(profile), modulePath, moduleDir)
	if err != nil {
		t.Fatalf("ParseGo: %v", err)
	}
	return p
}

func mustLCOV(t *testing.T, data []byte, root, workDir string) *Profile {
	t.Helper()
	p, err := ParseLCOV(bytes.NewReader(data), root, workDir)
	if err != nil {
		t.Fatalf("ParseLCOV: %v", err)
	}
	return p
}

var errEOF = io.EOF

func itoa(i int) string { return strconv.Itoa(i) }
