package policy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestDefaultPolicyRegoTests runs the embedded *_test.rego files the way
// `opa test` does.
func TestDefaultPolicyRegoTests(t *testing.T) {
	rep, err := RunTests(context.Background(), Default(), DefaultTests())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Results {
		if r.Fail || r.Error != nil {
			t.Errorf("%s.%s failed: %v", r.Package, r.Name, r.Error)
		}
	}
	if rep.Passed < 8 {
		t.Fatalf("ran %d rego tests, want at least 8", rep.Passed)
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
		if !errors.Is(err, ErrPolicy) || !strings.Contains(err.Error(), "not available to policies") {
			t.Errorf("New(%q) error = %v; want ErrPolicy saying the builtin is not available", src, err)
		}
	}
}

func TestUndefinedAndBogusDecisionsBlock(t *testing.T) {
	for _, src := range []string{
		"package proof\ndecision := \"AUTO_OK\" if input.never",
		"package proof\ndecision := \"YES\"",
		"package proof\ndecision := \"AUTO_OK\"\ndeny contains \"no\"",
		"package proof\ndefault decision := 7",
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

// TestNoDecisionRule: a policy that can never define data.proof.decision
// is refused when it is built, not discovered commit by commit.
func TestNoDecisionRule(t *testing.T) {
	for _, src := range []string{
		"package proof\nx := 1",
		"package other\ndecision := \"AUTO_OK\"",
		"package proof.sub\ndecision := \"AUTO_OK\"",
		"package proof\ndecision(x) := \"AUTO_OK\" if x",
		"package proof\ndeny contains \"no Fridays\"",
	} {
		_, err := New(context.Background(), []Module{{Name: "p.rego", Source: src}})
		if !errors.Is(err, ErrPolicy) || !strings.Contains(err.Error(), "decision") {
			t.Errorf("New(%q) error = %v; want ErrPolicy about decision", src, err)
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

func TestDigestCoversModulesAndData(t *testing.T) {
	ctx := context.Background()
	mods := Default()
	base := mustEngine(t, mods)
	if base.Digest() != Digest(mods) {
		t.Fatalf("engine digest %s != Digest(modules) %s", base.Digest(), Digest(mods))
	}
	seen := map[string]string{base.Digest(): "no data"}
	distinct := func(what, d string) {
		t.Helper()
		if prev, ok := seen[d]; ok {
			t.Errorf("%s has the digest of %s: %s", what, prev, d)
		}
		seen[d] = what
	}
	for _, data := range []map[string]any{
		{"riskThreshold": 0.5},
		{"riskThreshold": 0.6},
		{"riskThreshold": "0.5"},
		{"riskThreshold": 0.5, "x": nil},
		{"nested": map[string]any{"a": []any{1, 2}}},
	} {
		e, err := New(ctx, mods, WithData(data))
		if err != nil {
			t.Fatal(err)
		}
		want, err := DigestWithData(mods, data)
		if err != nil {
			t.Fatal(err)
		}
		if e.Digest() != want {
			t.Errorf("New(WithData(%v)).Digest() = %s; want DigestWithData = %s", data, e.Digest(), want)
		}
		distinct(fmt.Sprint(data), e.Digest())
	}
	// Empty data is no data.
	if e, _ := New(ctx, mods, WithData(map[string]any{})); e.Digest() != base.Digest() {
		t.Errorf("empty data changed the digest")
	}
	// Key order does not matter; structs and maps with the same JSON agree.
	a, _ := DigestWithData(mods, map[string]any{"a": 1, "b": map[string]any{"y": 2, "x": 3}})
	b, _ := DigestWithData(mods, map[string]any{"b": struct {
		X int `json:"x"`
		Y int `json:"y"`
	}{3, 2}, "a": 1})
	if a != b {
		t.Errorf("DigestWithData depends on key order or Go types: %s != %s", a, b)
	}
	// Any byte of any module, or its name.
	for i, m := range mods {
		for _, change := range []func(Module) Module{
			func(m Module) Module { m.Source += " "; return m },
			func(m Module) Module { m.Source = m.Source[:len(m.Source)-1]; return m },
			func(m Module) Module { m.Name += "x"; return m },
		} {
			changed := append([]Module(nil), mods...)
			changed[i] = change(m)
			distinct(fmt.Sprintf("a change to %s", m.Name), Digest(changed))
		}
	}
	if _, err := New(ctx, mods, WithData(map[string]any{"f": func() {}})); !errors.Is(err, ErrPolicy) {
		t.Errorf("New(WithData(func)) error = %v; want ErrPolicy", err)
	}
}

func TestWithDataAndAccessors(t *testing.T) {
	mods := append(Default(), Module{Name: "x/risk.rego", Source: `package proof

review contains sprintf("risk %v is over %v", [input.proofpack.risk.score, data.config.riskThreshold]) if {
	input.proofpack.risk.score > data.config.riskThreshold
}
`})
	e, err := New(context.Background(), mods, WithData(map[string]any{"riskThreshold": 0.5}))
	if err != nil {
		t.Fatal(err)
	}
	in := func(score float64) *Input {
		b, _ := json.Marshal(map[string]any{"risk": map[string]any{"score": score}})
		return &Input{Proofpack: json.RawMessage(b), Signer: Signer{Signed: true}}
	}
	r, err := e.Eval(context.Background(), in(0.75))
	if err != nil {
		t.Fatal(err)
	}
	if want := "risk 0.75 is over 0.5"; !strings.Contains(strings.Join(r.Review, "\n"), want) {
		t.Errorf("Eval(score 0.75).Review = %q; want %q", r.Review, want)
	}
	r, _ = e.Eval(context.Background(), in(0.25))
	if strings.Contains(strings.Join(r.Review, "\n"), "risk") {
		t.Errorf("Eval(score 0.25).Review = %q; want no risk reason", r.Review)
	}
	if got := e.Modules(); len(got) != len(mods) || got[len(got)-1].Name != "x/risk.rego" {
		t.Errorf("Modules() = %v", got)
	}
	e.Modules()[0].Source = "changed"
	if e.Modules()[0].Source == "changed" {
		t.Errorf("Modules() shares the engine's slice")
	}
	d := e.Data()
	if fmt.Sprint(d["riskThreshold"]) != "0.5" {
		t.Errorf("Data() = %v", d)
	}
	d["riskThreshold"] = 9
	if fmt.Sprint(e.Data()["riskThreshold"]) != "0.5" {
		t.Errorf("Data() shares the engine's map")
	}
	if mustEngine(t, Default()).Data() != nil {
		t.Errorf("Data() without data is not nil")
	}
}

func TestModuleNames(t *testing.T) {
	for _, m := range append(Default(), DefaultTests()...) {
		if !strings.HasPrefix(m.Name, SourceDefault+"/") {
			t.Errorf("default module %q is not named default/…", m.Name)
		}
	}
	if len(DefaultTests()) == 0 || len(Default()) == 0 {
		t.Fatal("embedded default policy or its tests missing")
	}
	if got := (Module{Source: "x"}).SHA256(); got != "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881" {
		t.Errorf("Module.SHA256() = %s", got)
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
