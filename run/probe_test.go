package run

import (
	"context"
	"testing"
)

// TestProbeFor: a Probe started for the request's environment and helper
// is the one Run uses; for any other, Run probes again, so that what the
// checks get follows the request.
func TestProbeFor(t *testing.T) {
	ctx := context.Background()
	env := []string{"PATH=/usr/bin:/bin", "HOME=/nonexistent"}
	pr := StartProbe(ctx, env, "")
	defer pr.Wait()
	for _, tc := range []struct {
		name string
		req  Request
		same bool
	}{
		{"same environment and helper", Request{Env: env, Probe: pr}, true},
		{"a copy of the environment", Request{Env: append([]string(nil), env...), Probe: pr}, true},
		{"another environment", Request{Env: []string{"PATH=/bin"}, Probe: pr}, false},
		{"this process's environment", Request{Probe: pr}, false},
		{"another helper", Request{Env: env, NetnsHelper: "/bin/true", Probe: pr}, false},
		{"no probe", Request{Env: env}, false},
	} {
		p := probeFor(ctx, tc.req)
		if got := p == pr.p; got != tc.same {
			t.Errorf("%s: uses the started probe %v; want %v", tc.name, got, tc.same)
		}
		m, err := p.wait()
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if want := envValue(tc.req.Env, "PATH"); tc.req.Env != nil && m.path != want {
			t.Errorf("%s: the probe fingerprinted PATH %q; want %q", tc.name, m.path, want)
		}
	}
}
