package coverage

import (
	"errors"
	"strings"
	"testing"
)

// TestGolden renders every checked-in report as the parsers read it.
func TestGolden(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, file, root, workDir string
		lcov                      bool
	}{
		{name: "go-sign", file: "go/sign.out"},
		{name: "lcov-node20", file: "lcov/node20.info", lcov: true, root: "/src/js", workDir: "js"},
		{name: "lcov-nyc", file: "lcov/nyc.info", lcov: true, root: "/src/js", workDir: "js"},
		{name: "lcov-c8", file: "lcov/c8.info", lcov: true, root: "/src/js", workDir: "js"},
		{name: "lcov-geninfo", file: "lcov/geninfo.info", lcov: true, root: "/tmp/cx"},
		{name: "lcov-merged", file: "lcov/lcov-merged.info", lcov: true, root: "/tmp/cx"},
	} {
		t.Run(c.name, func(t *testing.T) {
			data := readFile(t, c.file)
			var p *Profile
			if c.lcov {
				p = mustLCOV(t, data, c.root, c.workDir)
			} else {
				p = mustGo(t, string(data), "example.com/m", "")
			}
			checkProfileInvariants(t, p)
			golden(t, c.name+".golden", renderProfile(p))
		})
	}
}

func TestParseLCOVSamples(t *testing.T) {
	t.Parallel()
	// The same test of sources.txtar's js/src/math.js through three tools:
	// they disagree on which lines are executable but not on what ran.
	node := mustLCOV(t, readFile(t, "lcov/node20.info"), "/r", "js")
	nyc := mustLCOV(t, readFile(t, "lcov/nyc.info"), "/r", "js")
	c8 := mustLCOV(t, readFile(t, "lcov/c8.info"), "/r", "js")
	for _, c := range []struct {
		line int
		ran  bool
	}{{6, true}, {9, false}, {11, false}, {15, false}, {18, true}} {
		for name, p := range map[string]*Profile{"node": node, "nyc": nyc, "c8": c8} {
			n, ok := p.Line("js/src/math.js", c.line)
			if !ok || (n > 0) != c.ran {
				t.Errorf("%s: Line(js/src/math.js, %d) = %d, %v; want ran=%v", name, c.line, n, ok, c.ran)
			}
		}
	}
	// nyc counts statements only: the comment on line 3 is not code.
	if _, ok := nyc.Line("js/src/math.js", 3); ok {
		t.Errorf("nyc: Line(js/src/math.js, 3) executable; want not")
	}
	// Node measures its test files too; nyc does not.
	if got := node.Files(); len(got) != 2 || got[1] != "js/test/math.test.js" {
		t.Errorf("node: Files() = %q; want the source and the test", got)
	}

	// geninfo's absolute paths under the root; checksums ignored.
	gcc := mustLCOV(t, readFile(t, "lcov/geninfo.info"), "/tmp/cx", "")
	merged := mustLCOV(t, readFile(t, "lcov/lcov-merged.info"), "/tmp/cx", "")
	if a, b := renderProfile(gcc), renderProfile(merged); a != b {
		t.Errorf("geninfo and lcov -a of it differ:\n%s\n%s", a, b)
	}
	want := []Segment{{4, 4, 1}, {6, 7, 1}, {8, 10, 0}, {13, 13, 0}, {15, 15, 0}, {18, 18, 1}, {20, 21, 1}}
	if got := gcc.Segments("src/calc.c"); !equalSegments(got, want) {
		t.Errorf("Segments(src/calc.c) = %v; want %v", got, want)
	}
	// With the wrong root every file is outside.
	wrong := mustLCOV(t, readFile(t, "lcov/geninfo.info"), "/elsewhere", "")
	if names, total := wrong.Outside(); len(wrong.Files()) != 0 || total != 1 || names[0] != "/tmp/cx/src/calc.c" {
		t.Errorf("wrong root: Files() = %q, Outside() = %q, %d; want none, [/tmp/cx/src/calc.c], 1", wrong.Files(), names, total)
	}
}

func TestParseLCOVRules(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, data, root, workDir, want string
	}{
		{
			name: "records of one file add up",
			data: "TN:a\nSF:x.js\nDA:1,1\nDA:2,0\nend_of_record\nTN:b\nSF:./x.js\nDA:2,3\nDA:3,0\nDA:3,0\nend_of_record\n",
			want: "x.js\n\t1-1 ×1\n\t2-2 ×3\n\t3-3 ×0\noutside 0 []\n",
		},
		{
			name: "every other record kind is skipped",
			data: "VER:2.0\nTN:\nSF:a.c\nFN:1,3,main\nFNL:0,1,3\nFNA:0,1,main\nFNDA:1,main\nFNF:1\nFNH:1\nBRDA:2,e0,0,-\nBRF:1\nBRH:0\nMCDC:2,2,t,1,0,x\nDA:2,1,abcdef==\nLF:1\nLH:1\nend_of_record\n",
			want: "a.c\n\t2-2 ×1\noutside 0 []\n",
		},
		{
			name: "absolute under root, relative under workDir, outside",
			data: "SF:/w/t/src/a.js\nDA:1,1\nend_of_record\nSF:lib/b.js\nDA:1,0\nend_of_record\nSF:/usr/lib/node/c.js\nDA:1,1\nend_of_record\nSF:../../d.js\nDA:1,1\nend_of_record\n",
			root: "/w/t", workDir: "web",
			want: "src/a.js\n\t1-1 ×1\nweb/lib/b.js\n\t1-1 ×0\noutside 2 [\"../../d.js\" \"/usr/lib/node/c.js\"]\n",
		},
		{
			name: "no root: absolute paths are outside",
			data: "SF:/w/t/a.js\nDA:1,1\nend_of_record\n",
			want: "outside 1 [\"/w/t/a.js\"]\n",
		},
		{
			name: "a record with no DA leaves no file",
			data: "SF:a.js\nFNF:0\nend_of_record\n",
			want: "outside 0 []\n",
		},
		{
			name: "CRLF, blank lines and spaces",
			data: "TN:\r\n\r\nSF:a b.js\r\nDA:1,1\r\n  end_of_record  \r\n",
			want: "a b.js\n\t1-1 ×1\noutside 0 []\n",
		},
		{
			name: "empty input is an empty profile",
			data: "",
			want: "outside 0 []\n",
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := mustLCOV(t, []byte(c.data), c.root, c.workDir)
			checkProfileInvariants(t, p)
			if got := renderProfile(p); got != c.want {
				t.Errorf("ParseLCOV(%q) =\n%s\nwant\n%s", c.data, got, c.want)
			}
		})
	}
}

func TestParseLCOVMalformed(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, data string
		kind       error
		line       int
		msg        string
	}{
		{"DA before SF", "TN:\nDA:1,1\nSF:a.js\nend_of_record\n", ErrMalformed, 2, "DA before SF"},
		{"DA after end_of_record", "SF:a.js\nDA:1,1\nend_of_record\nDA:2,1\n", ErrMalformed, 4, "DA before SF"},
		{"missing end_of_record at the end", "SF:a.js\nDA:1,1\n", ErrMalformed, 2, "the record opened at line 1 has no end_of_record"},
		{"missing end_of_record before SF", "SF:a.js\nDA:1,1\nSF:b.js\nend_of_record\n", ErrMalformed, 3, "record opened at line 1 has no end_of_record"},
		{"end_of_record alone", "end_of_record\n", ErrMalformed, 1, "without SF"},
		{"empty SF", "SF:\nend_of_record\n", ErrMalformed, 1, "SF without a path"},
		{"negative count", "SF:a.js\nDA:3,-1\nend_of_record\n", ErrMalformed, 2, "negative"},
		{"non-numeric count", "SF:a.js\nDA:3,x\nend_of_record\n", ErrMalformed, 2, "want a non-negative integer"},
		{"fractional count", "SF:a.js\nDA:3,1.5\nend_of_record\n", ErrMalformed, 2, "want a non-negative integer"},
		{"overflowing count", "SF:a.js\nDA:3,9223372036854775808\nend_of_record\n", ErrMalformed, 2, "want a non-negative integer"},
		{"no count", "SF:a.js\nDA:3\nend_of_record\n", ErrMalformed, 2, "want line,count"},
		{"line 0", "SF:a.js\nDA:0,1\nend_of_record\n", ErrMalformed, 2, "want 1 to"},
		{"huge line number", "SF:a.js\nDA:10000001,1\nend_of_record\n", ErrTooLarge, 2, "past 10000000"},
		{"overflowing line number", "SF:a.js\nDA:99999999999999999999,1\nend_of_record\n", ErrMalformed, 2, "want 1 to"},
		{"binary", "SF:a.js\nDA:1,1\n\x00\x01\x02\nend_of_record\n", ErrMalformed, 3, "binary"},
		{"not LCOV (a Go profile)", "mode: set\nm/a.go:1.1,1.5 1 1\n", ErrMalformed, 1, "is not an LCOV record"},
		{"not LCOV (JSON)", "{\"total\": {}}\n", ErrMalformed, 1, "is not an LCOV record"},
		{"lower-case key", "sf:a.js\n", ErrMalformed, 1, "is not an LCOV record"},
		{"line too long", "SF:" + strings.Repeat("a", maxLineBytes) + "\n", ErrTooLarge, 1, "longer than"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := ParseLCOV(strings.NewReader(c.data), "/r", "")
			if err == nil {
				t.Fatalf("ParseLCOV(%q) = %s; want an error", truncate([]byte(c.data)), renderProfile(p))
			}
			var pe *ParseError
			if !errors.As(err, &pe) || !errors.Is(err, c.kind) || pe.Line != c.line || pe.Format != "lcov" || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("ParseLCOV(%q) = %v; want an lcov ParseError at line %d wrapping %v and saying %q", truncate([]byte(c.data)), err, c.line, c.kind, c.msg)
			}
		})
	}
}

func TestParseLCOVArguments(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ root, dir string }{{"rel", ""}, {"/r", "../x"}, {"/r", "/abs"}} {
		if _, err := ParseLCOV(strings.NewReader(""), c.root, c.dir); err == nil {
			t.Errorf("ParseLCOV(_, %q, %q) = nil error; want one", c.root, c.dir)
		}
	}
}

func TestParseLCOVTooLarge(t *testing.T) {
	t.Parallel()
	in := "SF:a.js\n" + strings.Repeat("DA:1,1\n", 10) + "end_of_record\n"
	if _, err := parseLCOV(strings.NewReader(in), "/r", "", int64(len(in))-1); !errors.Is(err, ErrTooLarge) {
		t.Errorf("parseLCOV(%d bytes, limit %d) = %v; want ErrTooLarge", len(in), len(in)-1, err)
	}
	r := &repeatReader{numbered: "SF:f%d.js\nend_of_record\n", n: MaxFiles + 1}
	var pe *ParseError
	if _, err := ParseLCOV(r, "/r", ""); !errors.Is(err, ErrTooLarge) || !errors.As(err, &pe) || pe.Line != 2*MaxFiles+1 {
		t.Fatalf("ParseLCOV(%d files) = %v; want ErrTooLarge at line %d", MaxFiles+1, err, 2*MaxFiles+1)
	}
}
