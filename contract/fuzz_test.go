package contract

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// seeds are the fixtures plus a few shapes the parser must refuse.
func seeds(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "contracts", "*.yaml"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		head,
		head + "holdoutSalt: " + strings.Repeat("ab", 32) + "\nholdouts:\n  - id: H1\n    ears: e\n    files: [{path: a_test.go, content: \"\\n\"}]\n    check: {run: [go, \"\"]}\n",
		head + "x: &a 1\ny: *a\n",
		head + "<<: {a: 1}\n",
		head + "---\n" + head,
		"[1, 2]",
		"intent: !!binary dA==\n",
	} {
		f.Add([]byte(s))
	}
}

func FuzzParse(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data, "fuzz.yaml")
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || pe.File != "fuzz.yaml" || pe.Msg == "" {
				t.Fatalf("Parse error %v (%T) is not a complete *Error", err, err)
			}
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("Parse accepted what Validate refuses: %v", err)
		}
		out, err := Marshal(c)
		if err != nil {
			t.Fatalf("Marshal(parsed) = %v", err)
		}
		back, err := Parse(out, "marshalled.yaml")
		if err != nil {
			t.Fatalf("Parse(Marshal) = %v\n%s", err, out)
		}
		if !reflect.DeepEqual(c, back) {
			t.Fatalf("contract changed through Marshal:\n%#v\n%#v\n%s", c, back, out)
		}
		if _, err := Canonical(c); err != nil {
			t.Fatalf("Canonical = %v", err)
		}
		_ = Grade(c, &ReproEvidence{Results: []ReproResult{{ID: "R1", Failed: true}}})
		if c.HoldoutCommitment != nil {
			if _, err := c.SHA256(); err != nil {
				t.Fatalf("SHA256(redacted) = %v", err)
			}
			return
		}
		full, err := c.FullSHA256()
		if err != nil {
			t.Fatalf("FullSHA256 = %v", err)
		}
		salt := testSalt
		if c.HoldoutSalt != "" {
			salt = nil
		}
		r, err := Redact(c, salt)
		if err != nil {
			t.Fatalf("Redact = %v", err)
		}
		hf, err := NewHoldoutsFile(c, salt)
		if err != nil {
			t.Fatalf("NewHoldoutsFile = %v", err)
		}
		j, err := Join(r, hf)
		if err != nil {
			t.Fatalf("Join(Redact) = %v", err)
		}
		if got, err := j.FullSHA256(); err != nil || got != full {
			t.Fatalf("FullSHA256(Join(Redact)) = %s, %v; want %s", got, err, full)
		}
	})
}

func FuzzParseHoldouts(f *testing.F) {
	c := parseFixture(f, "gp-42.yaml")
	hf, err := NewHoldoutsFile(c, testSalt)
	if err != nil {
		f.Fatal(err)
	}
	b, err := MarshalHoldouts(hf)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	salt := strings.Repeat("0f", 32)
	for _, s := range []string{
		"apiVersion: git-proof.dev/holdouts/v1\ncontract: X\nsalt: " + salt + "\nholdouts: []\n",
		"apiVersion: git-proof.dev/holdouts/v1\ncontract: X\nsalt: " + salt + "\nholdouts:\n  - {id: H, ears: e, files: [{path: a/b, content: \"\"}], check: {run: [\"./x\"], expect: {exit: 3}, timeoutSec: 9}}\n",
		"apiVersion: git-proof.dev/holdouts/v1\nholdouts: [&a {id: H}, *a]\n",
		"apiVersion: git-proof.dev/holdouts/v1\ncontract: X\nsalt: " + salt + "\nholdouts:\n  - id: H\n    ears: \" x\\n\\ty \"\n    files:\n      - {path: \"a b/#c\", content: \"\\n\"}\n      - {path: d, content: \"\\r\\n\\u2028\"}\n    check: {run: [\"null\", \"\", \"- x\", \"\\n\"]}\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := ParseHoldouts(data, "fuzz.yaml")
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || pe.File != "fuzz.yaml" || pe.Msg == "" {
				t.Fatalf("ParseHoldouts error %v (%T) is not a complete *Error", err, err)
			}
			return
		}
		if err := h.Validate(); err != nil {
			t.Fatalf("ParseHoldouts accepted what Validate refuses: %v", err)
		}
		out, err := MarshalHoldouts(h)
		if err != nil {
			t.Fatalf("MarshalHoldouts(parsed) = %v", err)
		}
		back, err := ParseHoldouts(out, "marshalled.yaml")
		if err != nil {
			t.Fatalf("ParseHoldouts(MarshalHoldouts) = %v\n%s", err, out)
		}
		if !reflect.DeepEqual(h, back) {
			t.Fatalf("holdouts changed through MarshalHoldouts:\n%#v\n%#v\n%s", h, back, out)
		}
	})
}
