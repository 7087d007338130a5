package checks

import (
	"slices"
	"testing"
)

func TestWithBase(t *testing.T) {
	res := func(kv ...string) []Result {
		var out []Result
		for i := 0; i < len(kv); i += 2 {
			out = append(out, Result{ID: kv[i], Status: Status(kv[i+1])})
		}
		return out
	}
	base := &Outcome{Format: FormatGoTestJSON, ExitCode: 1, Results: res(
		"m/a", "fail", "m/a.TestA", "fail", "m/a.TestA/sub", "fail",
		"m/b", "fail", "m/b.TestB", "fail",
		"m/c", "pass", "m/c.TestC", "pass",
	), Flaky: []string{"m/a.TestA", "m/c.TestC"}}
	ran := &Outcome{Format: FormatGoTestJSON, ExitCode: 1, Results: res("m/a", "fail", "m/a.TestNew", "fail"), Flaky: []string{"m/a.TestNew"}}

	got := WithBase(base, ran)
	ids := func(o *Outcome) []string {
		var s []string
		for _, r := range o.Results {
			s = append(s, r.ID+"="+string(r.Status))
		}
		return s
	}
	want := []string{"m/a=fail", "m/a.TestNew=fail", "m/b=fail", "m/b.TestB=fail", "m/c=pass", "m/c.TestC=pass"}
	if !slices.Equal(ids(got), want) {
		t.Errorf("results = %q; want %q (a from the narrowed run, b and c from base)", ids(got), want)
	}
	if want := []string{"m/a.TestNew", "m/c.TestC"}; !slices.Equal(got.Flaky, want) {
		t.Errorf("flaky = %q; want %q", got.Flaky, want)
	}
	if len(ran.Results) != 2 {
		t.Errorf("WithBase changed its argument: %v", ran.Results)
	}
	// b's test fails at base and repro alike, passes at head: fixed, as a
	// full repro run would say; a's new test is flaky, so it is not.
	head := &Outcome{Format: FormatGoTestJSON, Results: res("m/a", "pass", "m/a.TestNew", "pass", "m/b", "pass", "m/b.TestB", "pass", "m/c", "pass", "m/c.TestC", "pass")}
	if c := Compare(base, got, head); !slices.Equal(c.Fixed, []string{"m/b.TestB"}) {
		t.Errorf("fixed = %q", c.Fixed)
	}

	// Left as they are.
	for name, tc := range map[string]struct{ base, ran *Outcome }{
		"ran timed out":     {base, &Outcome{Format: FormatGoTestJSON, TimedOut: true}},
		"ran did not parse": {base, &Outcome{Format: FormatGoTestJSON, ParseError: "x"}},
		"base timed out":    {&Outcome{Format: FormatGoTestJSON, TimedOut: true}, ran},
		"no base":           {nil, ran},
		"exit-code format":  {&Outcome{Format: FormatExitCode}, &Outcome{Format: FormatExitCode}},
	} {
		if got := WithBase(tc.base, tc.ran); got != tc.ran {
			t.Errorf("%s: WithBase made a new outcome", name)
		}
	}
	if WithBase(base, nil) != nil {
		t.Error("WithBase(base, nil) is not nil")
	}
}
