package coverage

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/tools/cover"
)

func TestParseGoSample(t *testing.T) {
	t.Parallel()
	// testdata/go/sign.out is a real profile of sources.txtar's go/pkg/f.go.
	p := mustGo(t, string(readFile(t, "go/sign.out")), "example.com/m", "")
	checkProfileInvariants(t, p)
	want := []Segment{
		{4, 7, 1}, // Sign's body up to the if's closing brace: ran
		{8, 8, 0}, // `if x < 0 { return -1 }`: both blocks on the line never ran
		{10, 10, 0},
		// 13: Empty() {} is a zero-statement block: not code
		{15, 20, 0}, // Never
	}
	if got := p.Segments("pkg/f.go"); !equalSegments(got, want) {
		t.Errorf("Segments(pkg/f.go) = %v; want %v", got, want)
	}
	for _, c := range []struct {
		line  int
		count int64
		exec  bool
	}{{3, 0, false}, {4, 1, true}, {5, 1, true}, {9, 0, false}, {11, 0, false}, {13, 0, false}, {21, 0, false}} {
		if n, ok := p.Line("pkg/f.go", c.line); n != c.count || ok != c.exec {
			t.Errorf("Line(pkg/f.go, %d) = %d, %v; want %d, %v", c.line, n, ok, c.count, c.exec)
		}
	}
}

func equalSegments(a, b []Segment) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestParseGoRules(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, profile string
		module, dir   string
		want          string
	}{
		{
			name:    "shared line covered if either block ran",
			profile: "mode: set\nm/a.go:3.10,5.11 1 1\nm/a.go:5.11,7.3 1 0\n",
			module:  "m",
			want:    "a.go\n\t3-5 ×1\n\t6-7 ×0\noutside 0 []\n",
		},
		{
			name:    "count is the largest block count on a shared line",
			profile: "mode: count\nm/a.go:3.10,5.11 1 2\nm/a.go:5.11,7.3 1 7\n",
			module:  "m",
			want:    "a.go\n\t3-4 ×2\n\t5-7 ×7\noutside 0 []\n",
		},
		{
			name:    "repeated blocks add up in count mode",
			profile: "mode: count\nm/a.go:3.10,4.2 1 2\nm/a.go:3.10,4.2 1 3\n",
			module:  "m",
			want:    "a.go\n\t3-4 ×5\noutside 0 []\n",
		},
		{
			name:    "repeated blocks in set mode stay 1",
			profile: "mode: set\nm/a.go:3.10,4.2 1 1\nm/a.go:3.10,4.2 1 1\nm/a.go:3.10,4.2 1 0\n",
			module:  "m",
			want:    "a.go\n\t3-4 ×1\noutside 0 []\n",
		},
		{
			name:    "zero-statement blocks are not code",
			profile: "mode: set\nm/a.go:3.15,3.16 0 1\n",
			module:  "m",
			want:    "outside 0 []\n",
		},
		{
			name:    "module in a subdirectory; other modules and std outside",
			profile: "mode: atomic\nexample.com/m/pkg/a.go:1.1,1.9 1 1\nexample.com/mx/b.go:1.1,1.9 1 1\nfmt/print.go:1.1,1.9 1 0\n",
			module:  "example.com/m", dir: "svc/",
			want: "svc/pkg/a.go\n\t1-1 ×1\noutside 2 [\"example.com/mx/b.go\" \"fmt/print.go\"]\n",
		},
		{
			name:    "paths that climb out of the module are outside",
			profile: "mode: set\nm/../../etc/passwd:1.1,1.9 1 1\nm/:1.1,1.2 1 1\n",
			module:  "m",
			want:    "outside 2 [\"m/\" \"m/../../etc/passwd\"]\n",
		},
		{
			name:    "file names with colons and spaces",
			profile: "mode: set\nm/a b:c.go:2.1,2.5 1 1\n",
			module:  "m",
			want:    "a b:c.go\n\t2-2 ×1\noutside 0 []\n",
		},
		{
			name:    "concatenated profiles, blank lines and CRLF",
			profile: "mode: set\r\nm/a.go:1.1,1.5 1 0\r\n\r\nmode: set\r\nm/a.go:1.1,1.5 1 1\r\nm/a.go:2.1,2.5 1 0\r\n",
			module:  "m",
			want:    "a.go\n\t1-1 ×1\n\t2-2 ×0\noutside 0 []\n",
		},
		{
			name:    "mixed modes count",
			profile: "mode: set\nm/a.go:1.1,1.5 1 1\nmode: count\nm/a.go:1.1,1.5 1 4\n",
			module:  "m",
			want:    "a.go\n\t1-1 ×5\noutside 0 []\n",
		},
		{
			name:    "mode line only",
			profile: "mode: count\n",
			module:  "m",
			want:    "outside 0 []\n",
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := mustGo(t, c.profile, c.module, c.dir)
			checkProfileInvariants(t, p)
			if got := renderProfile(p); got != c.want {
				t.Errorf("ParseGo(%q) =\n%s\nwant\n%s", c.profile, got, c.want)
			}
		})
	}
}

func TestParseGoMalformed(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, profile string
		kind          error
		line          int
		msg           string
	}{
		{"empty", "", ErrMalformed, 0, "empty profile"},
		{"no mode line", "m/a.go:1.1,1.5 1 1\n", ErrMalformed, 1, "mode: set|count|atomic"},
		{"bad mode", "mode: sometimes\n", ErrMalformed, 1, `mode "sometimes"`},
		{"empty mode", "mode: \n", ErrMalformed, 1, `mode ""`},
		{"bad block", "mode: set\nm/a.go:1.1,1.5 1 1\nm/a.go:1.1-1.5 1 1\n", ErrMalformed, 3, "want line.col,line.col"},
		{"missing count", "mode: set\nm/a.go:1.1,1.5 1\n", ErrMalformed, 2, "want \"file:line.col,line.col statements count\""},
		{"no file name", "mode: set\n:1.1,1.5 1 1\n", ErrMalformed, 2, "want \"file:line.col,line.col\""},
		{"no column", "mode: set\nm/a.go:1,1.5 1 1\n", ErrMalformed, 2, "want line.col,line.col"},
		{"negative count", "mode: set\nm/a.go:1.1,1.5 1 -1\n", ErrMalformed, 2, "count \"-1\""},
		{"plus sign", "mode: set\nm/a.go:+1.1,1.5 1 1\n", ErrMalformed, 2, "line \"+1\""},
		{"overflowing count", "mode: count\nm/a.go:1.1,1.5 1 9223372036854775808\n", ErrMalformed, 2, "count \"9223372036854775808\""},
		{"overflowing line", "mode: set\nm/a.go:99999999999999999999.1,1.5 1 1\n", ErrMalformed, 2, "line \"99999999999999999999\""},
		{"line past MaxLine", "mode: set\nm/a.go:1.1,10000001.5 1 1\n", ErrTooLarge, 2, "past 10000000"},
		{"overflowing column", "mode: set\nm/a.go:1.1,1.99999999999 1 1\n", ErrMalformed, 2, "column"},
		{"line 0", "mode: set\nm/a.go:0.1,1.5 1 1\n", ErrMalformed, 2, "line 0"},
		{"start after end", "mode: set\nm/a.go:5.1,4.5 1 1\n", ErrMalformed, 2, "starts after it ends"},
		{"start after end on one line", "mode: set\nm/a.go:5.9,5.5 1 1\n", ErrMalformed, 2, "starts after it ends"},
		{"inconsistent statements", "mode: set\nm/a.go:1.1,1.5 1 1\nm/a.go:1.1,1.5 2 1\n", ErrMalformed, 3, "has 2 statements here and 1 at line 2"},
		{"binary", "mode: set\nm/a.go:1.1,1.5 1 1\x00\n", ErrMalformed, 2, "binary"},
		{"lcov given as Go", "TN:\nSF:a.js\nDA:1,1\nend_of_record\n", ErrMalformed, 1, "mode: set|count|atomic"},
		{"line too long", "mode: set\nm/" + strings.Repeat("a", maxLineBytes) + ".go:1.1,1.5 1 1\n", ErrTooLarge, 2, "longer than"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := ParseGo(strings.NewReader(c.profile), "m", "")
			if err == nil {
				t.Fatalf("ParseGo(%q) = %s; want an error", truncate([]byte(c.profile)), renderProfile(p))
			}
			var pe *ParseError
			if !errors.As(err, &pe) || !errors.Is(err, c.kind) || pe.Line != c.line || pe.Format != "coverprofile" || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("ParseGo(%q) = %v; want a coverprofile ParseError at line %d wrapping %v and saying %q", truncate([]byte(c.profile)), err, c.line, c.kind, c.msg)
			}
		})
	}
}

func TestParseGoArguments(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ module, dir string }{{"", ""}, {"m/", ""}, {"m", "../x"}, {"m", "/abs"}, {"m", "a/../b"}} {
		if _, err := ParseGo(strings.NewReader("mode: set\n"), c.module, c.dir); err == nil {
			t.Errorf("ParseGo(_, %q, %q) = nil error; want one", c.module, c.dir)
		}
	}
}

func TestParseGoTooLarge(t *testing.T) {
	t.Parallel()
	// More bytes than the limit (made small here; ParseGo passes
	// MaxInputBytes): the cut-off last line must not be read as a block.
	in := "mode: set\n" + strings.Repeat("m/a.go:1.1,1.5 1 1\n", 10)
	for _, limit := range []int64{int64(len(in)) - 1, int64(len(in)) - 5} {
		if _, err := parseGo(strings.NewReader(in), "m", "", limit); !errors.Is(err, ErrTooLarge) {
			t.Errorf("parseGo(%d bytes, limit %d) = %v; want ErrTooLarge", len(in), limit, err)
		}
	}
	if _, err := parseGo(strings.NewReader(in), "m", "", int64(len(in))); err != nil {
		t.Errorf("parseGo(%d bytes, limit %[1]d) = %v; want no error", len(in), err)
	}
	// More than MaxFiles distinct files.
	r := &repeatReader{head: "mode: set\n", line: "", n: MaxFiles + 1, numbered: "m/f%d.go:1.1,1.5 1 1\n"}
	_, err := ParseGo(r, "m", "")
	var pe *ParseError
	if !errors.Is(err, ErrTooLarge) || !errors.As(err, &pe) || pe.Line != MaxFiles+2 {
		t.Fatalf("ParseGo(%d files) = %v; want ErrTooLarge at line %d", MaxFiles+1, err, MaxFiles+2)
	}
}

// TestParseGoAgreesWithXTools checks the per-line reading of real profiles
// against golang.org/x/tools/cover's parse of the same bytes.
func TestParseGoAgreesWithXTools(t *testing.T) {
	t.Parallel()
	data := string(readFile(t, "go/sign.out"))
	if !agreeWithXTools(t, data, "example.com/m") {
		t.Fatal("x/tools/cover rejected the sample")
	}
}

// agreeWithXTools fails t unless, for every file under module, a line is
// executable exactly when an x/tools block with statements spans it, and
// covered exactly when one of those ran. It reports false when either parser
// rejects the input. Files with huge blocks are skipped to keep it fast.
func agreeWithXTools(t testing.TB, data, module string) bool {
	t.Helper()
	theirs, err := cover.ParseProfilesFromReader(strings.NewReader(data))
	if err != nil {
		return false
	}
	ours, err := ParseGo(strings.NewReader(data), module, "")
	if err != nil {
		return false
	}
	for _, prof := range theirs {
		name, ok := strings.CutPrefix(prof.FileName, module+"/")
		if !ok || !inTree(name) {
			continue
		}
		exec := map[int]bool{}
		ran := map[int]bool{}
		lines := 0
		for _, b := range prof.Blocks {
			lines += b.EndLine - b.StartLine + 1
		}
		if lines > 10000 {
			continue
		}
		for _, b := range prof.Blocks {
			if b.NumStmt == 0 {
				continue
			}
			for l := b.StartLine; l <= b.EndLine; l++ {
				exec[l] = true
				ran[l] = ran[l] || b.Count > 0
			}
		}
		for l := range exec {
			n, ok := ours.Line(name, l)
			if !ok || (n > 0) != ran[l] {
				t.Fatalf("%s:%d: ours = %d, %v; x/tools: executable, ran %v\n%s", name, l, n, ok, ran[l], data)
			}
		}
		for _, s := range ours.Segments(name) {
			for l := s.Start; l <= s.End; l++ {
				if !exec[l] {
					t.Fatalf("%s:%d: executable for us, not for x/tools\n%s", name, l, data)
				}
			}
		}
	}
	return true
}

// repeatReader yields head, then n lines (line, or numbered with %d
// replaced by the index), generated on the fly.
type repeatReader struct {
	head, line, numbered string
	n, i                 int
	buf                  []byte
}

func (r *repeatReader) Read(p []byte) (int, error) {
	for len(r.buf) < len(p) && (r.head != "" || r.i < r.n) {
		switch {
		case r.head != "":
			r.buf = append(r.buf, r.head...)
			r.head = ""
		case r.numbered != "":
			r.buf = append(r.buf, strings.ReplaceAll(r.numbered, "%d", itoa(r.i))...)
			r.i++
		default:
			r.buf = append(r.buf, r.line...)
			r.i++
		}
	}
	if len(r.buf) == 0 {
		return 0, errEOF
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}
