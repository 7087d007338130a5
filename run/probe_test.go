package run

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/git-proof/git-proof/internal/environ"
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
		if want := environ.Get(tc.req.Env, "PATH"); tc.req.Env != nil && m.path != want {
			t.Errorf("%s: the probe fingerprinted PATH %q; want %q", tc.name, m.path, want)
		}
	}
}

// TestGoEnvOnlyWhenNeeded: go is asked for its caches unless the
// environment sets both to absolute paths.
func TestGoEnvOnlyWhenNeeded(t *testing.T) {
	dir := t.TempDir()
	calls := filepath.Join(dir, "calls")
	fake := "#!/bin/sh\necho \"$*\" >>" + calls + "\necho /from/go/cache\necho /from/go/mod\n"
	if err := os.WriteFile(filepath.Join(dir, "go"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	path := "PATH=" + dir + ":/usr/bin:/bin"
	for _, tc := range []struct {
		name       string
		env        []string
		asks       bool
		cache, mod string
	}{
		{"both set", []string{path, "GOCACHE=/c", "GOMODCACHE=/m"}, false, "/c", "/m"},
		{"set twice, the last one counts", []string{path, "GOCACHE=c", "GOCACHE=/c", "GOMODCACHE=/m"}, false, "/c", "/m"},
		{"one set", []string{path, "GOCACHE=/c"}, true, "/from/go/cache", "/from/go/mod"},
		{"a relative path", []string{path, "GOCACHE=c", "GOMODCACHE=/m"}, true, "/from/go/cache", "/from/go/mod"},
		{"none set", []string{path}, true, "/from/go/cache", "/from/go/mod"},
	} {
		os.Remove(calls)
		get := goEnv(context.Background(), tc.env)
		_, err := os.Stat(calls)
		if asked := err == nil; asked != tc.asks {
			t.Errorf("%s: asked go %v; want %v", tc.name, asked, tc.asks)
		}
		if get("GOCACHE") != tc.cache || get("GOMODCACHE") != tc.mod {
			t.Errorf("%s: GOCACHE %q GOMODCACHE %q; want %q %q", tc.name, get("GOCACHE"), get("GOMODCACHE"), tc.cache, tc.mod)
		}
	}
}
