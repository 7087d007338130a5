package checks

import (
	"context"
	"errors"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

func TestHermeticEnv(t *testing.T) {
	t.Parallel()
	from := []string{
		"PATH=/opt/bin:/usr/bin", "HOME=/home/me", "GITHUB_TOKEN=ghp_secret", "AWS_SECRET_ACCESS_KEY=x",
		"GOFLAGS=-mod=mod", "PYTHONPATH=src", "GIT_DIR=/repo/.git", "SSH_AUTH_SOCK=/tmp/agent", "TZ=Europe/Paris", "LANG=fr_FR.UTF-8",
	}
	env, passed := HermeticEnv(EnvOptions{
		From: from, Pass: []string{"GOFLAGS", "GITHUB_TOKEN", "NOT_SET"}, Home: "/tmp/h",
		SourceDateEpoch: 1767323045, Caches: map[string]string{"GOCACHE": "/c/go-build"},
	})
	want := []string{
		"GOCACHE=/c/go-build", "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local", "HOME=/tmp/h", "LC_ALL=C.UTF-8",
		"PATH=/opt/bin:/usr/bin", "SOURCE_DATE_EPOCH=1767323045", "TMPDIR=/tmp/h/tmp", "TZ=UTC",
	}
	if !slices.Equal(env, want) {
		t.Errorf("HermeticEnv env =\n%q\nwant\n%q", env, want)
	}
	if !slices.Equal(passed, []string{"GOFLAGS", "PATH"}) {
		t.Errorf("passed = %q", passed)
	}
	for _, kv := range env {
		if strings.Contains(kv, "secret") || strings.HasPrefix(kv, "SSH_AUTH_SOCK") || strings.HasPrefix(kv, "GIT_DIR") {
			t.Errorf("leaked %q", kv)
		}
	}
	// No PATH: a sane default.
	env, _ = HermeticEnv(EnvOptions{From: []string{}, Home: "/h"})
	if !slices.Contains(env, "PATH=/usr/local/bin:/usr/bin:/bin") || slices.ContainsFunc(env, func(s string) bool { return strings.HasPrefix(s, "SOURCE_DATE_EPOCH") }) {
		t.Errorf("HermeticEnv without PATH = %q", env)
	}
}

func TestUserCaches(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	for _, d := range []string{".npm", ".cache/pip", "go-build"} {
		if err := os.MkdirAll(filepath.Join(home, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	file := filepath.Join(home, "a-file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	goEnv := func(vals map[string]string) func(string) string { return func(k string) string { return vals[k] } }
	tests := []struct {
		name string
		from []string
		go_  map[string]string
		want map[string]string
	}{
		{
			name: "existing caches",
			from: []string{"HOME=" + home},
			go_:  map[string]string{"GOCACHE": filepath.Join(home, "go-build")},
			want: map[string]string{"GOCACHE": filepath.Join(home, "go-build"), "npm_config_cache": filepath.Join(home, ".npm"), "PIP_CACHE_DIR": filepath.Join(home, ".cache", "pip")},
		},
		{
			// A fresh machine: go makes its caches on first use.
			name: "Go's caches not made yet",
			from: []string{"HOME=" + home, "GOMODCACHE=/does/not/exist/mod"},
			go_:  map[string]string{"GOCACHE": filepath.Join(home, "new", "go-build")},
			want: map[string]string{"GOCACHE": filepath.Join(home, "new", "go-build"), "GOMODCACHE": "/does/not/exist/mod", "npm_config_cache": filepath.Join(home, ".npm"), "PIP_CACHE_DIR": filepath.Join(home, ".cache", "pip")},
		},
		{
			name: "not a directory, relative, npm and pip not made yet",
			from: []string{"HOME=" + filepath.Join(home, "elsewhere"), "GOCACHE=" + file, "GOMODCACHE=rel/mod"},
			want: map[string]string{},
		},
		{
			name: "the environment wins over go env",
			from: []string{"HOME=" + home, "GOCACHE=" + filepath.Join(home, "go-build")},
			go_:  map[string]string{"GOCACHE": "/from/go/env"},
			want: map[string]string{"GOCACHE": filepath.Join(home, "go-build"), "npm_config_cache": filepath.Join(home, ".npm"), "PIP_CACHE_DIR": filepath.Join(home, ".cache", "pip")},
		},
	}
	for _, tc := range tests {
		got := UserCaches(tc.from, goEnv(tc.go_))
		if !maps.Equal(got, tc.want) {
			t.Errorf("%s: UserCaches = %v; want %v", tc.name, got, tc.want)
		}
	}
}

// netnsTestHelper is this test binary, which serves as the helper (see
// TestMain); the test is skipped where network namespaces do not work.
func netnsTestHelper(t *testing.T) string {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("network namespaces need Linux")
	}
	helper, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if err := ProbeNetns(context.Background(), helper); err != nil {
		t.Skipf("no network namespaces here: %v", err)
	}
	return helper
}

// TestRunWithoutNetwork: a check isolated in a network namespace sees only
// a loopback, and it is up.
func TestRunWithoutNetwork(t *testing.T) {
	helper := netnsTestHelper(t)
	probe := func(isolated bool) []string {
		t.Helper()
		var out lines
		opts := RunOptions{Dir: t.TempDir(), Env: append(slices.Clone(shEnv), "CHECKS_TEST_NETPROBE=1"), Progress: out.add}
		if isolated {
			opts.NetnsHelper = helper
		}
		o, err := Run(context.Background(), Spec{Name: "net", Command: "exec " + helper}, opts)
		if err != nil || o.ExitCode != 0 {
			t.Fatalf("probe: %+v, %v; output %q", o, err, out.get())
		}
		return out.get()
	}
	got := probe(true)
	if len(got) != 2 || got[0] != "interfaces lo:true" || got[1] != "loopback ok" {
		t.Fatalf("inside the namespace: %q; want only lo, up, and a working loopback", got)
	}
	host := probe(false)
	if len(host) < 1 || host[0] == "interfaces lo:true" {
		t.Logf("the host has only a loopback too (%q): the namespace check above is what counts", host)
	}
	// A timeout still kills the isolated check and its children.
	o, err := Run(context.Background(), Spec{Name: "slow", Command: "sleep 60", Timeout: 200e6}, RunOptions{Dir: t.TempDir(), Env: shEnv, NetnsHelper: helper})
	if err != nil || !o.TimedOut {
		t.Errorf("isolated timeout: %+v, %v", o, err)
	}
}

// TestProbeNetnsRefusesBadHelpers: without a helper that can run, checks
// keep the network and the record says why; the probe does not pass on
// the kernel's word alone.
func TestProbeNetnsRefusesBadHelpers(t *testing.T) {
	dir := t.TempDir()
	notExec := filepath.Join(dir, "helper")
	if err := os.WriteFile(notExec, []byte("#!/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, helper, want string }{
		{"none", "", "no network-namespace helper"},
		{"missing", filepath.Join(dir, "absent"), "no such file"},
		{"a directory", dir, "not an executable file"},
		{"not executable", notExec, "not an executable file"},
	} {
		err := ProbeNetns(context.Background(), tc.helper)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: ProbeNetns = %v; want an error with %q", tc.name, err, tc.want)
		}
	}
}

// TestNetnsHelpers: both helpers, the C one that runs before Go starts
// (with cgo) and Go's NetnsExec, bring loopback up in a new namespace and
// exec the check; the C one does it before Go's runtime would say a word
// (GODEBUG=inittrace=1 prints every package's init), and both refuse an
// empty command line with exit 125.
func TestNetnsHelpers(t *testing.T) {
	self := netnsTestHelper(t)
	probe := "unset GODEBUG CHECKS_TEST_GO_HELPER; CHECKS_TEST_NETPROBE=1 exec " + self
	type helper struct {
		name string
		args []string
		env  string
	}
	helpers := []helper{{"go", []string{"/bin/sh", "-c", probe}, "CHECKS_TEST_GO_HELPER=1"}}
	if netnsHelperInC {
		helpers = append(helpers, helper{"c", []string{NetnsHelperArg, "/bin/sh", "-c", probe}, ""})
	}
	for _, h := range helpers {
		t.Run(h.name, func(t *testing.T) {
			cmd := exec.Command(self, h.args...)
			cmd.Env = append(slices.Clone(shEnv), "GODEBUG=inittrace=1", h.env)
			newNamespaces(cmd)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("helper: %v\n%s", err, out)
			}
			var inits, lines []string
			for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
				if strings.HasPrefix(l, "init ") {
					inits = append(inits, l)
				} else {
					lines = append(lines, l)
				}
			}
			if !slices.Equal(lines, []string{"interfaces lo:true", "loopback ok"}) {
				t.Errorf("the check saw %q; want only lo, up, and a working loopback", lines)
			}
			if inC := len(inits) == 0; inC != (h.name == "c") {
				t.Errorf("Go's runtime started in the %s helper: %v (%d init lines)", h.name, !inC, len(inits))
			}
			empty := exec.Command(self, h.args[:len(h.args)-3]...)
			empty.Env = append(slices.Clone(shEnv), h.env)
			out, err = empty.CombinedOutput()
			if code := exitCode(err); code != 125 || !strings.Contains(string(out), "network namespace helper: nothing to run") {
				t.Errorf("empty command line: exit %d, %q; want 125 and a message", code, out)
			}
		})
	}
}

func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}
