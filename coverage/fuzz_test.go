package coverage

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// seeds adds every file under testdata/dir as a seed.
func seeds(f *testing.F, dir string) {
	f.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", dir, "*"))
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// checkError fails unless err is a *ParseError wrapping one of the
// sentinels.
func checkError(t *testing.T, err error) {
	t.Helper()
	var pe *ParseError
	if !errors.As(err, &pe) || !(errors.Is(err, ErrMalformed) || errors.Is(err, ErrTooLarge) || errors.Is(err, ErrUnsupported)) {
		t.Fatalf("error %v (%T) is not a ParseError wrapping a sentinel", err, err)
	}
}

// FuzzParseGo: any input parses without panic into a well-formed profile
// or fails with a ParseError; where golang.org/x/tools/cover accepts the
// same bytes, both read the same executable and covered lines.
func FuzzParseGo(f *testing.F) {
	seeds(f, "go")
	f.Add([]byte("mode: set\nm/a.go:3.10,5.11 1 1\nm/a.go:5.11,7.3 1 0\nm/a.go:5.11,7.3 1 4\n"))
	f.Add([]byte("mode: count\nm/a b:c.go:1.1,1.5 0 1\n\nmode: atomic\nm/../x.go:2.1,2.2 1 1\n"))
	f.Add([]byte("mode: set\nm/a.go:0.1,1.5 1 1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseGo(bytes.NewReader(data), "m", "")
		if err != nil {
			checkError(t, err)
			return
		}
		checkProfileInvariants(t, p)
		agreeWithXTools(t, string(data), "m")
	})
}

// FuzzParseLCOV: any input parses without panic into a well-formed profile
// or fails with a ParseError; merging it with itself doubles its counts.
func FuzzParseLCOV(f *testing.F) {
	seeds(f, "lcov")
	f.Add([]byte("TN:\nSF:/r/a.js\nDA:1,1\nDA:1,2,xx\nend_of_record\nSF:../b.js\nDA:3,0\nend_of_record\n"))
	f.Add([]byte("SF:a\nDA:10000000,1\nBRDA:1,0,0,-\nend_of_record"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseLCOV(bytes.NewReader(data), "/r", "w")
		if err != nil {
			checkError(t, err)
			return
		}
		checkProfileInvariants(t, p)
		// Merging a profile with itself keeps its lines and doubles counts.
		double := Merge(p, p)
		checkProfileInvariants(t, double)
		for _, f := range p.Files() {
			a, b := p.Segments(f), double.Segments(f)
			if slices.ContainsFunc(a, func(s Segment) bool { return s.Count >= 1<<62 }) {
				continue // doubled counts saturate and may join segments
			}
			if len(a) != len(b) {
				t.Fatalf("%s: Merge(p, p) has %d segments; p has %d", f, len(b), len(a))
			}
			for i := range a {
				if b[i].Start != a[i].Start || b[i].End != a[i].End || b[i].Count != addSat(a[i].Count, a[i].Count) {
					t.Fatalf("%s: Merge(p, p) segment %+v; p has %+v", f, b[i], a[i])
				}
			}
		}
	})
}

// FuzzChangedFromUnifiedDiff: any input parses without panic into clean
// paths with ordered, disjoint, positive ranges, or fails with a
// ParseError; OfChanges over the result never panics and keeps its sums.
func FuzzChangedFromUnifiedDiff(f *testing.F) {
	seeds(f, "diff")
	f.Add([]byte("diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1,2 +1,3 @@\n a\n-b\n+c\n+d\n\\ No newline at end of file\n"))
	f.Add([]byte("--- /dev/null\n+++ \"b/\\303\\251 x\"\n@@ -0,0 +1 @@\n+x"))
	f.Add([]byte("diff --git a/i b/i\nGIT binary patch\nliteral 3\nKcmZQzWMT#Y01f~L\n\n"))
	profile := Merge(
		mustGoF(f, "mode: count\nm/a:1.1,2.1 1 1\nm/a:4.1,9.1 1 0\nm/b.go:1.1,1.2 1 0\n"),
	)
	f.Fuzz(func(t *testing.T, data []byte) {
		changed, err := ChangedFromUnifiedDiff(data)
		if err != nil {
			checkError(t, err)
			return
		}
		for file, rs := range changed {
			if !inTree(file) {
				t.Fatalf("path %q is not clean and relative", file)
			}
			if len(rs) == 0 {
				t.Fatalf("%q has no ranges", file)
			}
			for i, r := range rs {
				if r.Start < 1 || r.End < r.Start || r.End > MaxLine || i > 0 && rs[i-1].End+1 >= r.Start {
					t.Fatalf("%q: bad ranges %v", file, rs)
				}
			}
		}
		res := OfChanges(profile, changed)
		if res.Covered < 0 || res.Covered > res.Executable || res.Fraction < 0 || res.Fraction > 1 {
			t.Fatalf("OfChanges = %+v", res)
		}
		unc := 0
		for file, rs := range res.Uncovered {
			for _, r := range rs {
				for l := r.Start; l <= r.End; l++ {
					if n, ok := profile.Line(file, l); ok && n == 0 {
						unc++
					}
				}
			}
		}
		if unc != res.Executable-res.Covered {
			t.Fatalf("uncovered ranges hold %d uncovered lines; want %d", unc, res.Executable-res.Covered)
		}
	})
}

func mustGoF(f *testing.F, profile string) *Profile {
	p, err := ParseGo(strings.NewReader(profile), "m", "")
	if err != nil {
		f.Fatal(err)
	}
	return p
}
