package coverage

import (
	"math"
	"testing"
)

func TestOfChanges(t *testing.T) {
	t.Parallel()
	// a.go: lines 3-5 ran, 6-9 did not, 10 is not code, 11-12 did not,
	// 13 ran, 14-15 did not.
	p := mustGo(t, "mode: count\n"+
		"m/a.go:3.1,5.5 1 2\n"+
		"m/a.go:6.1,9.5 1 0\n"+
		"m/a.go:11.1,12.5 1 0\n"+
		"m/a.go:13.1,13.5 1 1\n"+
		"m/a.go:14.1,15.5 1 0\n", "m", "")
	for _, c := range []struct {
		name    string
		changed ChangedLines
		want    string
	}{
		{
			name:    "nothing changed",
			changed: ChangedLines{},
			want:    "executable 0 covered 0 fraction 1.0000 files 0\n",
		},
		{
			name:    "only lines that are not code",
			changed: ChangedLines{"a.go": {{1, 2}, {10, 10}}, "README.md": {{1, 9}}},
			want:    "executable 0 covered 0 fraction 1.0000 files 1\n",
		},
		{
			name:    "all covered",
			changed: ChangedLines{"a.go": {{4, 5}, {13, 13}}},
			want:    "executable 3 covered 3 fraction 1.0000 files 1\n",
		},
		{
			// 6-9 and 11-12 are one range: the line between is changed but
			// not code. 14-15 stays apart: 13 ran.
			name:    "uncovered ranges bridge changed non-code lines",
			changed: ChangedLines{"a.go": {{1, 15}}},
			want:    "executable 12 covered 4 fraction 0.3333 files 1\nuncovered a.go 6-12,14-15\n",
		},
		{
			// Line 10 is unchanged here, so the ranges stay apart.
			name:    "but not unchanged lines",
			changed: ChangedLines{"a.go": {{8, 9}, {11, 11}}},
			want:    "executable 3 covered 0 fraction 0.0000 files 1\nuncovered a.go 8-9,11\n",
		},
		{
			name:    "ranges unsorted, overlapping, inverted, below 1",
			changed: ChangedLines{"a.go": {{12, 14}, {-3, 3}, {9, 7}, {13, 12}, {4, 4}}},
			want:    "executable 5 covered 3 fraction 0.6000 files 1\nuncovered a.go 12,14\n",
		},
		{
			name: "no data for code; none asked for docs, tests, testdata",
			changed: ChangedLines{
				"b.go": {{1, 1}}, "web/app.ts": {{1, 1}}, "a_test.go": {{1, 1}}, "x/testdata/t.go": {{1, 1}},
				"types.d.ts": {{1, 1}}, "docs/x.md": {{1, 1}}, "a.go": {{3, 3}}, "empty.go": nil,
			},
			want: "executable 1 covered 1 fraction 1.0000 files 1\nnodata b.go\nnodata web/app.ts\n",
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := OfChanges(p, c.changed)
			if s := renderResult(got); s != c.want {
				t.Errorf("OfChanges(%v) =\n%s\nwant\n%s", c.changed, s, c.want)
			}
		})
	}
}

func TestOfChangesNilProfile(t *testing.T) {
	t.Parallel()
	got := OfChanges(nil, ChangedLines{"a.go": {{1, 3}}})
	if s, want := renderResult(got), "executable 0 covered 0 fraction 1.0000 files 0\nnodata a.go\n"; s != want {
		t.Errorf("OfChanges(nil, a.go) =\n%s\nwant\n%s", s, want)
	}
}

func TestMerge(t *testing.T) {
	t.Parallel()
	unit := mustGo(t, "mode: count\nm/a.go:1.1,4.2 1 1\nm/a.go:6.1,8.2 1 0\nm/b.go:1.1,1.2 1 0\nfmt/x.go:1.1,1.2 1 1\n", "m", "")
	integ := mustGo(t, "mode: count\nm/a.go:3.1,7.2 1 2\nm/c.go:1.1,1.2 1 3\nfmt/x.go:1.1,1.2 1 1\nos/y.go:1.1,1.2 1 1\n", "m", "")
	web := mustLCOV(t, []byte("SF:web/app.js\nDA:1,0\nend_of_record\n"), "/r", "")
	got := renderProfile(Merge(unit, nil, integ, web))
	want := "a.go\n\t1-2 ×1\n\t3-4 ×3\n\t5-7 ×2\n\t8-8 ×0\nb.go\n\t1-1 ×0\nc.go\n\t1-1 ×3\nweb/app.js\n\t1-1 ×0\n" +
		"outside 2 [\"fmt/x.go\" \"os/y.go\"]\n"
	if got != want {
		t.Errorf("Merge =\n%s\nwant\n%s", got, want)
	}
	if got := renderProfile(Merge()); got != "outside 0 []\n" {
		t.Errorf("Merge() = %s; want empty", got)
	}
	// Counts saturate instead of wrapping.
	big := mustGo(t, "mode: count\nm/a.go:1.1,1.2 1 9223372036854775807\n", "m", "")
	if n, _ := Merge(big, big).Line("a.go", 1); n != math.MaxInt64 {
		t.Errorf("Merge(max, max).Line = %d; want %d", n, int64(math.MaxInt64))
	}
	// The result shares nothing with its inputs.
	m := Merge(unit)
	m.files["a.go"][0].Count = 99
	if n, _ := unit.Line("a.go", 1); n != 1 {
		t.Errorf("changing Merge(unit) changed unit: Line = %d", n)
	}
}

func TestIsSource(t *testing.T) {
	t.Parallel()
	for file, want := range map[string]bool{
		"main.go": true, "a/b/c.go": true, "a_test.go": false, "testdata/x.go": false, "a/testdata/b/x.go": false,
		".hidden/x.go": false, "_old/x.go": false, "a/_x.go": false,
		"src/app.js": true, "src/App.TSX": true, "x.d.ts": false, "x.d.mts": false, "x.ts": true,
		"lib.rs": true, "x.py": true, "x.c": true, "Main.java": true,
		"README.md": false, "go.mod": false, "Makefile": false, "x.json": false, "x.yaml": false, "run.sh": false,
	} {
		if got := IsSource(file); got != want {
			t.Errorf("IsSource(%q) = %v; want %v", file, got, want)
		}
	}
}
