package policy

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/tester"
)

func TestRunTests(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	strict := Module{Name: "dir/strict.rego", Source: "package proof\n\ndeny contains \"no Fridays\" if input.day == \"Fri\"\n"}
	tests := []struct {
		name                           string
		modules, tests                 []Module
		opts                           []Option
		passed, failed, errored, total int    // total 0: all must pass
		err                            string // ErrPolicy containing this
	}{
		{
			name:    "passing and failing",
			modules: append(Default(), strict),
			tests: []Module{{Name: "dir/strict_test.rego", Source: `package proof_test

import data.proof

test_friday_blocks if {
	proof.decision == "BLOCK" with input as {"day": "Fri", "signer": {"signed": true}}
}

test_friday_is_fine if {
	proof.decision == "AUTO_OK" with input as {"day": "Fri", "signer": {"signed": true}}
}
`}},
			passed: 1, failed: 1, total: 2,
		},
		{
			name:    "data.config in tests",
			modules: Default(),
			opts:    []Option{WithData(map[string]any{"riskThreshold": 0.5})},
			tests:   []Module{{Name: "dir/d_test.rego", Source: "package p_test\n\ntest_threshold if data.config.riskThreshold == 0.5\n"}},
			passed:  1, total: 1,
		},
		{
			name:    "builtin error is an error, not a silent failure",
			modules: Default(),
			tests:   []Module{{Name: "dir/e_test.rego", Source: "package p_test\n\ntest_bad if to_number(\"x\") == 1\n"}},
			errored: 1, total: 1,
		},
		{
			name:    "http.send in a test does not compile",
			modules: Default(),
			tests:   []Module{{Name: "dir/net_test.rego", Source: "package p_test\n\ntest_net if http.send({\"method\": \"GET\", \"url\": \"http://127.0.0.1:1\"}).status_code == 200\n"}},
			err:     "http.send",
		},
		{
			name:    "opa.runtime in a test does not compile",
			modules: Default(),
			tests:   []Module{{Name: "dir/env_test.rego", Source: "package p_test\n\ntest_env if opa.runtime().env.HOME\n"}},
			err:     "not available to policies",
		},
		{
			name:    "net.* in a policy does not compile",
			modules: append(Default(), Module{Name: "dir/n.rego", Source: "package proof\n\ndeny contains \"x\" if net.lookup_ip_addr(\"example.com\")\n"}),
			err:     "not available to policies",
		},
		{
			name:    "policy without decision",
			modules: []Module{strict},
			err:     "decision",
		},
		{
			name:    "test that does not parse",
			modules: Default(),
			tests:   []Module{{Name: "dir/p_test.rego", Source: "package p_test\n\ntest_x if {\n"}},
			err:     "dir/p_test.rego",
		},
		{
			name:    "default policy's own tests",
			modules: Default(), tests: DefaultTests(),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rep, err := RunTests(ctx, tc.modules, tc.tests, tc.opts...)
			if tc.err != "" {
				if !errors.Is(err, ErrPolicy) || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("RunTests() error = %v; want ErrPolicy containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("RunTests() error = %v", err)
			}
			if tc.total == 0 {
				if !rep.OK() || rep.Passed == 0 {
					t.Fatalf("RunTests(default) = %+v; want all passing", rep)
				}
				return
			}
			if rep.Passed != tc.passed || rep.Failed != tc.failed || rep.Errored != tc.errored || len(rep.Results) != tc.total {
				t.Fatalf("RunTests() = %d passed, %d failed, %d errored of %d; want %d, %d, %d of %d",
					rep.Passed, rep.Failed, rep.Errored, len(rep.Results), tc.passed, tc.failed, tc.errored, tc.total)
			}
			if rep.OK() != (tc.failed+tc.errored == 0) {
				t.Errorf("RunTests().OK() = %v", rep.OK())
			}
		})
	}
}

func TestTestReportOrderAndReporters(t *testing.T) {
	t.Parallel()
	var src strings.Builder
	src.WriteString("package p_test\n\n")
	for _, n := range []string{"c", "a", "e", "b", "d"} {
		src.WriteString("test_" + n + " if true\n")
	}
	src.WriteString("test_z if false\n")
	rep, err := RunTests(context.Background(), Default(), []Module{{Name: "dir/o_test.rego", Source: src.String()}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rep.Results {
		got = append(got, strings.TrimPrefix(r.Name, "test_"))
	}
	if strings.Join(got, "") != "caebdz" {
		t.Errorf("results in order %q; want file order caebdz", got)
	}
	var out bytes.Buffer
	if err := rep.Report(tester.PrettyReporter{Output: &out, Verbose: true}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"dir/o_test.rego:", "data.p_test.test_z: FAIL", "PASS: 5/6", "FAIL: 1/6"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("PrettyReporter output lacks %q:\n%s", want, out.String())
		}
	}
}
