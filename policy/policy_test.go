package policy

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/tester"
)

// TestDefaultPolicyRegoTests runs the embedded *_test.rego files the way
// `opa test` does.
func TestDefaultPolicyRegoTests(t *testing.T) {
	ctx := context.Background()
	mods := map[string]*ast.Module{}
	for _, m := range append(Default(), DefaultTests()...) {
		pm, err := ast.ParseModuleWithOpts(m.Name, m.Source, ast.ParserOptions{RegoVersion: ast.RegoV1})
		if err != nil {
			t.Fatalf("parse %s: %v", m.Name, err)
		}
		mods[m.Name] = pm
	}
	ch, err := tester.NewRunner().SetModules(mods).SetStore(inmem.New()).RunTests(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for r := range ch {
		n++
		if r.Fail || r.Error != nil {
			t.Errorf("%s.%s failed: %v", r.Package, r.Name, r.Error)
		}
	}
	if n < 8 {
		t.Fatalf("ran %d rego tests, want at least 8", n)
	}
}

func mustEngine(t *testing.T, mods []Module) *Engine {
	t.Helper()
	e, err := New(context.Background(), mods)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestEvalDefault(t *testing.T) {
	e := mustEngine(t, Default())
	signed := Signer{Signed: true, Verified: true, Trusted: true}
	check := func(fixed, regressed, removed string, base, head string) string {
		list := func(s string) string {
			if s == "" {
				return "[]"
			}
			return `["` + s + `"]`
		}
		n := func(s string) int {
			if s == "" {
				return 0
			}
			return 1
		}
		b, _ := json.Marshal(map[string]any{
			"name": "unit", "base": map[string]any{"status": base, "exitCode": 0},
			"head":  map[string]any{"status": head, "exitCode": map[string]int{"pass": 0, "fail": 1}[head]},
			"fixed": json.RawMessage(list(fixed)), "regressed": json.RawMessage(list(regressed)),
			"added": []string{}, "removed": json.RawMessage(list(removed)), "flaky": []string{},
			"counts": map[string]int{"fixed": n(fixed), "regressed": n(regressed), "removed": n(removed)},
		})
		return `{"checks":[` + string(b) + `]}`
	}
	tests := []struct {
		name      string
		proofpack string
		signer    Signer
		want      string
		reason    string
	}{
		{"fixed and signed", check("m.TestBug", "", "", "pass", "pass"), signed, "AUTO_OK", ""},
		{"regressed", check("m.TestBug", "m.TestOld", "", "pass", "fail"), signed, "BLOCK", "regressed"},
		{"removed", check("m.TestBug", "", "m.TestGone", "pass", "pass"), signed, "BLOCK", "removed"},
		{"no repro", check("", "", "", "pass", "pass"), signed, "REVIEW", "no test is fixed"},
		{"unsigned", check("m.TestBug", "", "", "pass", "pass"), Signer{}, "REVIEW", "unsigned"},
		{"no checks", `{"checks":[]}`, signed, "REVIEW", "no checks ran"},
		{"missing checks", `{}`, signed, "REVIEW", "no checks ran"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := e.Eval(context.Background(), &Input{Proofpack: json.RawMessage(tc.proofpack), Signer: tc.signer, Context: "verify"})
			if err != nil {
				t.Fatal(err)
			}
			if r.Decision != tc.want {
				t.Fatalf("Eval(%s) = %s %v; want %s", tc.name, r.Decision, r.Reasons(), tc.want)
			}
			if tc.reason != "" && !strings.Contains(strings.Join(r.Reasons(), "\n"), tc.reason) {
				t.Fatalf("Eval(%s) reasons %q; want one containing %q", tc.name, r.Reasons(), tc.reason)
			}
			if tc.want != "AUTO_OK" && len(r.Reasons()) == 0 {
				t.Fatalf("Eval(%s) = %s without reasons", tc.name, r.Decision)
			}
		})
	}
}

func TestForbiddenBuiltins(t *testing.T) {
	for _, src := range []string{
		"package proof\ndecision := \"AUTO_OK\" if { http.send({\"method\": \"GET\", \"url\": \"http://127.0.0.1:1\"}) }",
		"package proof\ndecision := \"AUTO_OK\" if { net.lookup_ip_addr(\"example.com\") }",
		"package proof\ndecision := \"AUTO_OK\" if { opa.runtime().env.HOME }",
	} {
		_, err := New(context.Background(), []Module{{Name: "p.rego", Source: src}})
		if !errors.Is(err, ErrPolicy) {
			t.Errorf("New(%q) error = %v; want ErrPolicy", src, err)
		}
	}
}

func TestUndefinedAndBogusDecisionsBlock(t *testing.T) {
	for _, src := range []string{
		"package proof\nx := 1",
		"package proof\ndecision := \"YES\"",
		"package proof\ndecision := \"AUTO_OK\"\ndeny contains \"no\"",
		"package other\ndecision := \"AUTO_OK\"",
	} {
		e := mustEngine(t, []Module{{Name: "p.rego", Source: src}})
		r, err := e.Eval(context.Background(), &Input{Proofpack: json.RawMessage(`{}`)})
		if err != nil {
			t.Fatal(err)
		}
		if r.Decision != "BLOCK" || len(r.Reasons()) == 0 {
			t.Errorf("policy %q: decision %s %v; want BLOCK with a reason", src, r.Decision, r.Reasons())
		}
	}
}

func TestDigestStable(t *testing.T) {
	a := Digest([]Module{{"a.rego", "x"}, {"b.rego", "y"}})
	b := Digest([]Module{{"b.rego", "y"}, {"a.rego", "x"}})
	c := Digest([]Module{{"a.rego", "xy"}, {"b.rego", ""}})
	if a != b || a == c {
		t.Fatalf("Digest order/ambiguity: %s %s %s", a, b, c)
	}
}

func BenchmarkEval(b *testing.B) {
	e, err := New(context.Background(), Default())
	if err != nil {
		b.Fatal(err)
	}
	in := &Input{Proofpack: json.RawMessage(`{"checks":[{"name":"unit","base":{"status":"pass"},"head":{"status":"pass"},"fixed":["m.T"],"regressed":[],"added":["m.T"],"removed":[],"flaky":[],"counts":{"fixed":1}}]}`), Signer: Signer{Signed: true}}
	for b.Loop() {
		if _, err := e.Eval(context.Background(), in); err != nil {
			b.Fatal(err)
		}
	}
}
