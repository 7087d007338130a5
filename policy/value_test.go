package policy

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/git-proof/git-proof/proofpack"
	"github.com/open-policy-agent/opa/v1/ast"
)

// viaRoundTrip is what the converter must equal: the input as JSON, read
// back by OPA.
func viaRoundTrip(t testing.TB, v any) ast.Value {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	val, err := ast.ValueFromReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return val
}

func richPredicate() *proofpack.Predicate {
	tr := &proofpack.TreeResult{Tree: "t", Status: "fail", ExitCode: -1, DurationMS: 1 << 40, TimedOut: true,
		OutputSHA256: "ab", OutputBytes: 7, Passed: 1, Failed: 2, FailedTests: []string{"p.TestA", "p.Test\x1b[2J", "bad\xffutf8"}, ParseError: "x"}
	return &proofpack.Predicate{
		SchemaVersion: 1, CreatedAt: "2026-01-02T03:04:05Z", Tool: proofpack.Tool{Name: "git-proof", Version: "v"},
		Creator: proofpack.Identity{Name: "Ünï Cödé", Email: "a@example.com"}, Commit: "c", Tree: "t",
		Base: proofpack.Base{Tree: "b"}, Repro: proofpack.Repro{Tree: "r", TestGlobs: []string{"**/*_test.go"}, TestFiles: 3},
		Diff:     proofpack.Diff{SHA256: "d", Files: 2, Additions: 3, Deletions: 4, Binary: 1},
		Contract: proofpack.Contract{Status: "none"}, Environment: proofpack.Environment{OS: "linux", Arch: "amd64"},
		Checks: []proofpack.Check{
			{Name: "unit", Kind: "test", Command: "go test \"./...\"", Format: "go-test-json", Head: tr, Base: nil, Repro: tr,
				Fixed: []string{"p.TestA"}, Regressed: []string{}, Added: nil, Removed: []string{"x"}, Flaky: []string{},
				Truncated: true, Counts: proofpack.Counts{Fixed: 1, Removed: 1}},
			{Name: "empty"},
		},
		Policy:   proofpack.PolicyResult{SHA256: "s", Decision: "REVIEW", Reasons: []string{"why"}},
		Decision: "REVIEW",
	}
}

func TestToValueMatchesJSON(t *testing.T) {
	t.Parallel()
	var c converter
	cases := map[string]any{
		"rich predicate":   richPredicate(),
		"zero predicate":   &proofpack.Predicate{},
		"nil predicate":    (*proofpack.Predicate)(nil),
		"normalized":       func() any { p := richPredicate(); p.Normalize(); return p }(),
		"input":            &Input{Proofpack: richPredicate(), Signer: Signer{Signed: true, KeyID: "SHA256:x"}, Commit: Commit{ID: "c", Parents: []string{}}, Ref: "refs/heads/main", Context: "verify"},
		"input, raw":       &Input{Proofpack: json.RawMessage(`{"a":[1,2.5,"x",null,{"b":true}]}`)},
		"input, nil":       &Input{},
		"map and numbers":  map[string]any{"i": 1, "f": 2.5, "big": int64(1) << 62, "u": uint8(7), "neg": -3, "m": map[string]string{"k": "v"}, "b": []byte("hi")},
		"arrays and nests": []any{[2]int{1, 2}, []*proofpack.Counts{nil, {Fixed: 1}}, map[string]*proofpack.Tool{"t": {Name: "n"}}},
	}
	for name, v := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := c.toValue(v)
			if err != nil {
				t.Fatal(err)
			}
			if want := viaRoundTrip(t, v); got.Compare(want) != 0 {
				t.Errorf("toValue(%s) =\n%v\nwant\n%v", name, got, want)
			}
		})
	}
}

// FuzzToValue decodes arbitrary JSON into a predicate, as verify does with
// a record, and checks the converter against the JSON route.
func FuzzToValue(f *testing.F) {
	b, err := json.Marshal(richPredicate())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`{"checks":[{"head":{"failedTests":["\ud800"]}}],"creator":{"name":"\u0000"}}`))
	f.Add([]byte(`{}`))
	var c converter
	f.Fuzz(func(t *testing.T, data []byte) {
		var p proofpack.Predicate
		if json.Unmarshal(data, &p) != nil {
			return
		}
		in := &Input{Proofpack: &p, Context: "verify"}
		got, err := c.toValue(in)
		if err != nil {
			t.Fatal(err)
		}
		if want := viaRoundTrip(t, in); got.Compare(want) != 0 {
			t.Fatalf("toValue =\n%v\nwant\n%v", got, want)
		}
	})
}

func BenchmarkInputValue(b *testing.B) {
	p := richPredicate()
	p.Normalize()
	in := &Input{Proofpack: p, Signer: Signer{Signed: true}, Context: "verify"}
	b.Run("converter", func(b *testing.B) {
		var c converter
		for b.Loop() {
			if _, err := c.toValue(in); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json round trip", func(b *testing.B) {
		for b.Loop() {
			raw, _ := json.Marshal(in)
			if _, err := ast.ValueFromReader(bytes.NewReader(raw)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkEvalRecord evaluates the default policy on a record shaped as
// verify passes it: a parsed predicate with one check.
func BenchmarkEvalRecord(b *testing.B) {
	e, err := New(context.Background(), Default())
	if err != nil {
		b.Fatal(err)
	}
	p := richPredicate()
	p.Checks = p.Checks[:1]
	p.Checks[0].Regressed, p.Checks[0].Removed, p.Checks[0].Head.Status = nil, nil, "pass"
	p.Normalize()
	in := &Input{Proofpack: p, Signer: Signer{Signed: true, Verified: true, Trusted: true}, Context: "verify", Rule: Rule{Require: "approval"}, Approvals: []Approval{}}
	for b.Loop() {
		if _, err := e.Eval(context.Background(), in); err != nil {
			b.Fatal(err)
		}
	}
}
