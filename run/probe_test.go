package run

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
	home := "HOME=" + t.TempDir()
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
		get := goEnv(context.Background(), append(tc.env, home))
		_, err := os.Stat(calls)
		if asked := err == nil; asked != tc.asks {
			t.Errorf("%s: asked go %v; want %v", tc.name, asked, tc.asks)
		}
		if get("GOCACHE") != tc.cache || get("GOMODCACHE") != tc.mod {
			t.Errorf("%s: GOCACHE %q GOMODCACHE %q; want %q %q", tc.name, get("GOCACHE"), get("GOMODCACHE"), tc.cache, tc.mod)
		}
	}
}

// TestGoEnvMemo: go's answer is kept in the user's cache directory and
// used while the go binary, the variables go reads, its env file and
// GOROOT/go.env are unchanged; go is asked outside any module; the kept
// file holds no variable's value.
func TestGoEnvMemo(t *testing.T) {
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	calls, goBin := filepath.Join(dir, "calls"), filepath.Join(dir, "bin", "go")
	fake := "#!/bin/sh\necho \"$PWD $*\" >>" + calls + "\necho /from/go/cache\necho /from/go/mod\n"
	old := time.Now().Add(-time.Hour)
	writeOld := func(p, content string, mode os.FileMode, at time.Time) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, at, at); err != nil {
			t.Fatal(err)
		}
	}
	writeOld(goBin, fake, 0o755, old)
	base := []string{"PATH=" + filepath.Dir(goBin) + ":/usr/bin:/bin", "HOME=" + home, "GOPROXY=https://user:s3cret@proxy.example"}
	asked := func() int {
		b, _ := os.ReadFile(calls)
		return strings.Count(string(b), "\n")
	}
	steps := []struct {
		name string
		do   func()
		env  []string
		asks bool
	}{
		{"first", nil, base, true},
		{"again", nil, base, false},
		{"another GOPATH", nil, append(base, "GOPATH=/elsewhere"), true},
		{"that GOPATH again", nil, append(base, "GOPATH=/elsewhere"), false},
		{"back: one answer is kept", nil, base, true},
		{"go env -w", func() { writeOld(filepath.Join(home, ".config", "go", "env"), "GOCACHE=/x\n", 0o644, old) }, base, true},
		{"after go env -w", nil, base, false},
		{"GOENV=off", nil, append(base, "GOENV=off"), true},
		{"env file changed under GOENV=off", func() {
			writeOld(filepath.Join(home, ".config", "go", "env"), "GOCACHE=/y\n", 0o644, old.Add(time.Minute))
		}, append(base, "GOENV=off"), false},
		{"env file changed", nil, base, true},
		{"GOROOT/go.env", func() { writeOld(filepath.Join(dir, "go.env"), "GOTOOLCHAIN=local\n", 0o644, old) }, base, true},
		{"go replaced", func() { writeOld(goBin, fake+"\n", 0o755, old) }, base, true},
		{"after go replaced", nil, base, false},
		{"kept file damaged", func() { writeOld(filepath.Join(home, ".cache", "git-proof", "go-env"), "x\n/a\n/b", 0o600, old) }, base, true},
		{"after the damage", nil, base, false},
		{"another XDG_CACHE_HOME", nil, append(base, "XDG_CACHE_HOME="+filepath.Join(dir, "xdg")), true},
		{"go just modified", func() { writeOld(goBin, fake, 0o755, time.Now()) }, base, true},
		{"still recent: not kept", nil, base, true},
	}
	for _, st := range steps {
		if st.do != nil {
			st.do()
		}
		n := asked()
		get := goEnv(context.Background(), st.env)
		if got := asked() > n; got != st.asks {
			t.Fatalf("%s: asked go %v; want %v", st.name, got, st.asks)
		}
		if get("GOCACHE") != "/from/go/cache" || get("GOMODCACHE") != "/from/go/mod" {
			t.Fatalf("%s: GOCACHE %q GOMODCACHE %q", st.name, get("GOCACHE"), get("GOMODCACHE"))
		}
	}
	b, _ := os.ReadFile(calls)
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if line != "/ env GOCACHE GOMODCACHE" {
			t.Errorf("go was asked as %q; want in / with env GOCACHE GOMODCACHE", line)
		}
	}
	kept, err := os.ReadFile(filepath.Join(home, ".cache", "git-proof", "go-env"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(kept), "s3cret") || strings.Contains(string(kept), home) {
		t.Errorf("the kept file holds the environment's values:\n%s", kept)
	}
}
