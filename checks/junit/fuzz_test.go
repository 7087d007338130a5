package junit

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
// within the limits, or fails with a *ParseError and no cases; the same way
// twice.
func FuzzParse(f *testing.F) {
	samples, err := filepath.Glob(filepath.Join("testdata", "*.xml"))
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
		``,
		`<testsuites/>`,
		`<testsuite><testcase classname="test" name="a"><skipped type="todo"/><failure/></testcase></testsuite>`,
		`<testsuites><testsuite name="a"><testsuite name="b"><testcase name="c" time="1e308"/></testsuite></testsuite></testsuites>`,
		`<?xml version="1.0" encoding="latin1"?><testsuite><testcase name="` + "\xe9" + `"/></testsuite>`,
		`<!DOCTYPE x [<!ENTITY a "b">]><testsuite><testcase name="&a;"/></testsuite>`,
		"\x00\xff<testsuite>",
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
			if cs != nil {
				t.Fatalf("cases %v with error %v", cs, err)
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
		cs2, err2 := Parse(bytes.NewReader(data))
		if !slices.Equal(cs, cs2) || (err == nil) != (err2 == nil) || (err != nil && err.Error() != err2.Error()) {
			t.Fatalf("two parses differ: %v, %v; %v, %v", cs, err, cs2, err2)
		}
	})
}
