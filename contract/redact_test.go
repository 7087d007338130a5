package contract

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/gowebpki/jcs"
	"gopkg.in/yaml.v3"
)

// testSalt is a fixed salt so that hashes in tests are reproducible.
var testSalt = bytes.Repeat([]byte{0x5a}, SaltSize)

// jcsSHA256 is the recipe the package doc gives a verifier: JSON, then
// RFC 8785, then sha256.
func jcsSHA256(t *testing.T, v any) (string, []byte) {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	canon, err := jcs.Transform(raw)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(canon)
	return hex.EncodeToString(sum[:]), canon
}

// fillCheckDefaults adds expect.exit and timeoutSec where a generic YAML
// document leaves them out, as the package doc says the JSON form has them.
func fillCheckDefaults(doc map[string]any) {
	for _, key := range []string{"repro", "acceptance", "holdouts"} {
		items, _ := doc[key].([]any)
		for _, it := range items {
			m, _ := it.(map[string]any)
			ch, ok := m["check"].(map[string]any)
			if !ok {
				continue
			}
			if _, ok := ch["expect"]; !ok {
				ch["expect"] = map[string]any{"exit": 0}
			}
			if _, ok := ch["timeoutSec"]; !ok {
				ch["timeoutSec"] = DefaultTimeoutSec
			}
		}
	}
	if _, ok := doc["disclosure"]; !ok {
		doc["disclosure"] = map[string]any{"holdouts": DiscloseAfterRun}
	}
}

// TestHashesRecomputed recomputes SHA256 and FullSHA256 without this
// package's types: generic YAML → JSON → JCS → sha256.
func TestHashesRecomputed(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"gp-42.yaml", "refactor-medium.yaml", "vague-feature.yaml"} {
		data := readFixture(t, name)
		c := parseFixture(t, name)
		var doc map[string]any
		if err := yaml.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		fillCheckDefaults(doc)

		wantFull, _ := jcsSHA256(t, doc)
		if got, err := c.FullSHA256(); err != nil || got != wantFull {
			t.Errorf("%s: FullSHA256() = %s, %v; want %s", name, got, err, wantFull)
		}

		hs, hasHoldouts := doc["holdouts"]
		if hasHoldouts {
			_, hsJCS := jcsSHA256(t, hs)
			sum := sha256.Sum256(append(append([]byte{}, testSalt...), hsJCS...))
			delete(doc, "holdouts")
			doc["holdoutCommitment"] = map[string]any{"count": len(hs.([]any)), "sha256": hex.EncodeToString(sum[:])}
		}
		wantRedacted, _ := jcsSHA256(t, doc)

		c.HoldoutSalt = hex.EncodeToString(testSalt)
		if got, err := c.SHA256(); err != nil || got != wantRedacted {
			t.Errorf("%s: SHA256() of the author's copy = %s, %v; want %s", name, got, err, wantRedacted)
		}
		r, err := Redact(c, testSalt)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := r.SHA256(); err != nil || got != wantRedacted {
			t.Errorf("%s: SHA256() of the redacted copy = %s, %v; want %s", name, got, err, wantRedacted)
		}
		if !hasHoldouts && wantRedacted != wantFull {
			t.Errorf("%s: without holdouts the two hashes differ", name)
		}
	}
}

// TestHashIgnoresFormatting: layout, comments, key order and spelled-out
// defaults do not change the hashes; content does.
func TestHashIgnoresFormatting(t *testing.T) {
	t.Parallel()
	a := `# comment
apiVersion: git-proof.dev/contract/v1
id: F-1
title: "a <b> & \u00e9"
kind: feature
intent: |
  Add it.
acceptance:
  - id: AC1
    ears: "THE x SHALL y."
    check: {run: [go, test, ./...]}
`
	b := `{"kind": "feature", "acceptance": [{"check": {"timeoutSec": 120, "expect": {"exit": 0}, "run": ["go", "test", "./..."]}, "ears": "THE x SHALL y.", "id": "AC1"}],
  "intent": "Add it.\n", "title": "a <b> & é", "id": "F-1", "apiVersion": "git-proof.dev/contract/v1", "disclosure": {"holdouts": "after-run"}}
`
	ca, err := Parse([]byte(a), "a.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cb, err := Parse([]byte(b), "b.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ha, _ := ca.FullSHA256()
	hb, _ := cb.FullSHA256()
	if ha != hb || ha == "" {
		t.Errorf("FullSHA256 = %s and %s; want equal", ha, hb)
	}
	canon, err := Canonical(ca)
	if err != nil {
		t.Fatal(err)
	}
	// JCS writes <, > and & as they are, keys sorted, no white space.
	want := `{"acceptance":[{"check":{"expect":{"exit":0},"run":["go","test","./..."],"timeoutSec":120},"ears":"THE x SHALL y.","id":"AC1"}],"apiVersion":"git-proof.dev/contract/v1","disclosure":{"holdouts":"after-run"},"id":"F-1","intent":"Add it.\n","kind":"feature","title":"a <b> & é"}`
	if string(canon) != want {
		t.Errorf("Canonical =\n%s\nwant\n%s", canon, want)
	}
	cb.Title += "!"
	if hb2, _ := cb.FullSHA256(); hb2 == ha {
		t.Error("FullSHA256 did not change with the title")
	}
}

func TestRedactJoinRoundTrip(t *testing.T) {
	t.Parallel()
	c := parseFixture(t, "gp-42.yaml")
	orig := normalize(c)
	full, err := c.FullSHA256()
	if err != nil {
		t.Fatal(err)
	}
	salt, err := NewSalt()
	if err != nil {
		t.Fatal(err)
	}
	r, err := Redact(c, salt)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c, orig) {
		t.Error("Redact changed its input")
	}
	if r.Holdouts != nil || r.HoldoutSalt != "" || r.HoldoutCommitment == nil || r.HoldoutCommitment.Count != 2 {
		t.Fatalf("Redact = holdouts %v salt %q commitment %+v", r.Holdouts, r.HoldoutSalt, r.HoldoutCommitment)
	}
	hf, err := NewHoldoutsFile(c, salt)
	if err != nil {
		t.Fatal(err)
	}

	// Through the files: redacted copy and holdouts file, written and read.
	rb, err := Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(rb, []byte("# Redacted copy of contract GP-42:")) || bytes.Contains(rb, []byte("zz_holdout")) {
		t.Errorf("Marshal(redacted) =\n%s", rb)
	}
	r2, err := Parse(rb, "GP-42.redacted.yaml")
	if err != nil {
		t.Fatalf("Parse(Marshal(redacted)) = %v\n%s", err, rb)
	}
	if !reflect.DeepEqual(r, r2) {
		t.Errorf("redacted copy changed through YAML:\n%+v\n%+v", r, r2)
	}
	hb, err := MarshalHoldouts(hf)
	if err != nil {
		t.Fatal(err)
	}
	hf2, err := ParseHoldouts(hb, "GP-42.holdouts.yaml")
	if err != nil {
		t.Fatalf("ParseHoldouts(MarshalHoldouts) = %v\n%s", err, hb)
	}
	if !reflect.DeepEqual(hf, hf2) {
		t.Errorf("holdouts file changed through YAML")
	}

	j, err := Join(r2, hf2)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := j.FullSHA256(); err != nil || got != full {
		t.Errorf("FullSHA256(Join) = %s, %v; want the author's %s", got, err, full)
	}
	rs, _ := r.SHA256()
	if got, err := j.SHA256(); err != nil || got != rs {
		t.Errorf("SHA256(Join) = %s, %v; want the redacted copy's %s", got, err, rs)
	}
	c.HoldoutSalt = hex.EncodeToString(salt)
	if got, _ := c.SHA256(); got != rs {
		t.Errorf("SHA256(author's copy) = %s; want the redacted copy's %s", got, rs)
	}
	if r.FullSHA256(); true {
		if _, err := r.FullSHA256(); !errors.Is(err, ErrRedacted) {
			t.Errorf("FullSHA256(redacted) = %v; want ErrRedacted", err)
		}
	}
}

func TestJoinRefusesOtherHoldouts(t *testing.T) {
	t.Parallel()
	c := parseFixture(t, "gp-42.yaml")
	r, err := Redact(c, testSalt)
	if err != nil {
		t.Fatal(err)
	}
	good, err := NewHoldoutsFile(c, testSalt)
	if err != nil {
		t.Fatal(err)
	}
	edit := func(f func(h *HoldoutsFile)) *HoldoutsFile {
		h := *good
		h.Holdouts = normalizeHoldouts(good.Holdouts)
		for i := range h.Holdouts {
			h.Holdouts[i].Files = append([]File(nil), h.Holdouts[i].Files...)
		}
		f(&h)
		return &h
	}
	cases := []struct {
		name string
		hf   *HoldoutsFile
		want error
	}{
		{"easier check", edit(func(h *HoldoutsFile) { h.Holdouts[0].Check.Run = []string{"go", "version"} }), ErrCommitmentMismatch},
		{"other test file", edit(func(h *HoldoutsFile) { h.Holdouts[1].Files[0].Content = "package semver\n" }), ErrCommitmentMismatch},
		{"one dropped", edit(func(h *HoldoutsFile) { h.Holdouts = h.Holdouts[:1] }), ErrCommitmentMismatch},
		{"other salt", edit(func(h *HoldoutsFile) { h.Salt = strings.Repeat("00", 32) }), ErrCommitmentMismatch},
		{"other contract", edit(func(h *HoldoutsFile) { h.Contract = "GP-43" }), ErrWrongContract},
	}
	for _, tc := range cases {
		if _, err := Join(r, tc.hf); !errors.Is(err, tc.want) {
			t.Errorf("%s: Join = %v; want %v", tc.name, err, tc.want)
		}
	}
	if _, err := Join(c, good); !errors.Is(err, ErrNotRedacted) {
		t.Errorf("Join(author's copy) = %v; want ErrNotRedacted", err)
	}
	if err := VerifyCommitment(r, good.Holdouts, testSalt[:31]); !errors.Is(err, ErrSaltSize) {
		t.Errorf("VerifyCommitment(short salt) = %v; want ErrSaltSize", err)
	}
	if err := VerifyCommitment(c, good.Holdouts, testSalt); !errors.Is(err, ErrNoCommitment) {
		t.Errorf("VerifyCommitment(author's copy) = %v; want ErrNoCommitment", err)
	}
	if err := VerifyCommitment(r, good.Holdouts, testSalt); err != nil {
		t.Errorf("VerifyCommitment(good) = %v", err)
	}
}

func TestRedactSalt(t *testing.T) {
	t.Parallel()
	c := parseFixture(t, "gp-42.yaml")
	if _, err := Redact(c, nil); !errors.Is(err, ErrNoSalt) {
		t.Errorf("Redact(no salt) = %v; want ErrNoSalt", err)
	}
	if _, err := c.SHA256(); !errors.Is(err, ErrNoSalt) {
		t.Errorf("SHA256(no salt) = %v; want ErrNoSalt", err)
	}
	if _, err := Redact(c, []byte("short")); !errors.Is(err, ErrSaltSize) {
		t.Errorf("Redact(short salt) = %v; want ErrSaltSize", err)
	}
	a, _ := Redact(c, testSalt)
	c.HoldoutSalt = hex.EncodeToString(testSalt)
	b, err := Redact(c, nil)
	if err != nil || !reflect.DeepEqual(a, b) {
		t.Errorf("Redact(holdoutSalt) = %+v, %v; want the same as with the salt passed", b, err)
	}
	if _, err := Redact(c, bytes.Repeat([]byte{1}, SaltSize)); !errors.Is(err, ErrSaltMismatch) {
		t.Errorf("Redact(other salt) = %v; want ErrSaltMismatch", err)
	}
	if _, err := Redact(a, testSalt); !errors.Is(err, ErrRedacted) {
		t.Errorf("Redact(redacted) = %v; want ErrRedacted", err)
	}
	other, _ := Redact(parseFixture(t, "gp-42.yaml"), bytes.Repeat([]byte{1}, SaltSize))
	if other.HoldoutCommitment.SHA256 == a.HoldoutCommitment.SHA256 {
		t.Error("two salts gave the same commitment")
	}

	// No holdouts: nothing to commit to, and the two hashes agree.
	v := parseFixture(t, "vague-feature.yaml")
	rv, err := Redact(v, nil)
	if err != nil || rv.HoldoutCommitment != nil {
		t.Fatalf("Redact(no holdouts) = %+v, %v", rv, err)
	}
	s1, _ := v.SHA256()
	s2, _ := v.FullSHA256()
	if s1 != s2 {
		t.Errorf("without holdouts SHA256 %s != FullSHA256 %s", s1, s2)
	}
	hf, err := NewHoldoutsFile(v, testSalt)
	if err != nil {
		t.Fatal(err)
	}
	if j, err := Join(rv, hf); err != nil || j.Holdouts != nil {
		t.Errorf("Join(no holdouts) = %+v, %v", j, err)
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"gp-42.yaml", "vague-feature.yaml", "refactor-medium.yaml", "security-high.yaml"} {
		c := parseFixture(t, name)
		b, err := Marshal(c)
		if err != nil {
			t.Fatalf("%s: Marshal = %v", name, err)
		}
		back, err := Parse(b, name)
		if err != nil {
			t.Fatalf("%s: Parse(Marshal) = %v\n%s", name, err, b)
		}
		if !reflect.DeepEqual(c, back) {
			t.Errorf("%s: changed through Marshal:\n%s", name, b)
		}
		first, _, _ := bytes.Cut(b, []byte("\n"))
		if !bytes.HasPrefix(first, []byte("# ")) {
			t.Errorf("%s: first line %q is not a comment", name, first)
		}
	}
	b, _ := Marshal(parseFixture(t, "gp-42.yaml"))
	if !bytes.HasPrefix(b, []byte("# Author's copy of contract GP-42")) || !bytes.Contains(b, []byte("intent: |\n  semver.Compare must order")) ||
		!bytes.Contains(b, []byte("check: {run: [go, test, ./internal/semver/...], expect: {exit: 0}, timeoutSec: 120}")) {
		t.Errorf("Marshal(author's copy) =\n%s", b)
	}
	// Strings yaml.v3 would otherwise write lossily come back intact.
	c := parseFixture(t, "gp-42.yaml")
	c.Intent = "\n\nx \n"
	c.Holdouts[0].Files[0].Content = "\n"
	c.Holdouts[1].Files[0].Content = ""
	c.Acceptance[1].Check.Run = append(c.Acceptance[1].Check.Run, "\n", "", "a\nb", "#", "- x")
	c.Title = " lead\r\ntrail \u2028 \ufeff"
	c.Acceptance[0].EARS = "a\n\n  b  \n"
	b, err := Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(b, "x")
	if err != nil || !reflect.DeepEqual(back, c) {
		t.Errorf("Parse(Marshal(odd strings)) = %+v, %v\n%s", back, err, b)
	}
	if _, err := Marshal(&Contract{}); err == nil {
		t.Error("Marshal(invalid) succeeded")
	}
}

// TestMarshalOddStrings puts strings YAML finds awkward into every kind of
// field and checks each comes back unchanged.
func TestMarshalOddStrings(t *testing.T) {
	t.Parallel()
	odd := []string{"\n", "\n\n", " ", "\t", "\r", "\r\n", "x\r", "\u0085", "\u2028", "\ufeff", "#", "# x", "- ", "-", "? ", "?", ": ", ":", "'", "\"", "\\",
		"null", "Null", "~", "true", "yes", "on", "0x10", "1e3", ".inf", ".nan", "0o17", "012", "+1", "1_000", "2001-12-14", "<<", "*a", "&a", "!t", "%x", "@x", "`x", "|", ">", "{", "[", "}", "]", ",",
		"\x7f", "\x01", "a\tb", "   trailing   ", "é", "😀", "\t\n", " \n", "\nx", "x\n\n\n", "x\n \n", "x\n\ty\n", "a: b", "a #b", "...", "---", "--- x", "\"x\"\n"}
	for _, s := range odd {
		c := parseFixture(t, "gp-42.yaml")
		if strings.TrimSpace(s) != "" {
			c.Title, c.Intent, c.Acceptance[0].EARS, c.NonGoals[0] = s, s, s, s
		}
		c.Acceptance[1].Check.Run = append(c.Acceptance[1].Check.Run, s)
		c.Holdouts[0].Files[0].Content = s
		if err := c.Validate(); err != nil {
			t.Errorf("Validate(%q) = %v", s, err)
			continue
		}
		b, err := Marshal(c)
		if err != nil {
			t.Errorf("Marshal(%q) = %v", s, err)
			continue
		}
		back, err := Parse(b, "x")
		if err != nil || !reflect.DeepEqual(back, c) {
			t.Errorf("Parse(Marshal(%q)) = %v; changed:\n%s", s, err, b)
		}
	}
}
