package tap

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse: any input parses without panic into sorted, unique cases
// within the limits, with no error or a *ParseError; the same way twice,
// and the same with CRLF line endings.
func FuzzParse(f *testing.F) {
	samples, err := filepath.Glob(filepath.Join("testdata", "*.tap"))
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range samples {
		raw, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
		f.Add(raw[:len(raw)/2])
	}
	for _, s := range []string{
		"",
		"TAP version 14\n1..0 # SKIP\n",
		"1..2\nok 1 - a # TODO \\# x # time=1ms\nnot ok 2 - a\n  ---\n  message: &x [*x]\n  ...\n",
		"# Subtest: s\n        ok 1\n    ok 1\nBail out! x\n",
		"ok\n    ok\n        ok\n    1..1\n1..9\n",
		"1..1\nnot ok 1\n  ---\n  error: |-\n    a\n  ...\n",
		"\x00\xff\nok 1 - \xff\n1..1\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cs, err := Parse(bytes.NewReader(data))
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v (%T) is not a *ParseError", err, err)
			}
		}
		for i, c := range cs {
			if c.Status != StatusPass && c.Status != StatusFail && c.Status != StatusSkip {
				t.Fatalf("case %q has status %q", c.ID, c.Status)
			}
			if c.ID == "" || len(c.ID) > MaxIDBytes || !utf8.ValidString(c.ID) {
				t.Fatalf("bad ID %q", c.ID)
			}
			if len(c.Message) > MaxMessageBytes || !utf8.ValidString(c.Message) {
				t.Fatalf("bad message %q", c.Message)
			}
			if c.Duration < 0 {
				t.Fatalf("case %q has duration %v", c.ID, c.Duration)
			}
			if i > 0 && strings.Compare(cs[i-1].ID, c.ID) >= 0 {
				t.Fatalf("cases not sorted and unique at %d: %q, %q", i, cs[i-1].ID, c.ID)
			}
		}
		same := func(what string, cs2 []Case, err2 error) {
			if !slices.Equal(cs, cs2) || (err == nil) != (err2 == nil) || (err != nil && err.Error() != err2.Error()) {
				t.Fatalf("%s: %v, %v; want %v, %v", what, cs2, err2, cs, err)
			}
		}
		cs2, err2 := Parse(bytes.NewReader(data))
		same("second parse", cs2, err2)
		if len(data) < 1<<16 {
			crlf := bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n"))
			cs3, err3 := Parse(bytes.NewReader(crlf))
			same("with CRLF", cs3, err3)
		}
	})
}
