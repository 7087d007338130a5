package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/git-proof/git-proof/internal/gittest"
	"github.com/git-proof/git-proof/proofpack"
)

// TestRunHermetic: checks see a scrubbed environment, no credentials, the
// commit's time, and no network unless they ask for it.
func TestRunHermetic(t *testing.T) {
	t.Parallel()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		http.NotFound(w, nil)
	}))
	defer srv.Close()

	r := newProofRepo(t)
	r.Signing("alice@example.com")
	r.Env = append(r.Env, "GITHUB_TOKEN=ghp_leak", "GOFLAGS=-count=1", "MY_SETTING=on")
	realHome := envOf(r.Env, "HOME")
	// The check passes only in the environment git-proof promises.
	probe := `[ "$TZ" = UTC ] && [ "$LC_ALL" = C.UTF-8 ] && [ -z "$GITHUB_TOKEN" ] && [ -z "$MY_SETTING" ] &&
[ "$GOFLAGS" = -count=1 ] && [ -n "$HOME" ] && [ "$HOME" != '` + realHome + `' ] && [ -d "$TMPDIR" ] &&
[ "$SOURCE_DATE_EPOCH" = "$(git show -s --format=%ct HEAD)" ] || { env; exit 1; }`
	net := `git ls-remote ` + srv.URL + `/r.git >/dev/null 2>&1; true`
	cfg := fmt.Sprintf("checks:\n  - name: env\n    run: %q\n    env: [GOFLAGS]\n  - name: offline\n    run: %q\n", probe, net)
	r.Write(map[string]string{".proof/config.yaml": cfg, "calc.sh": gittest.CalcBuggy})
	r.Commit("config")
	r.Write(map[string]string{"docs.txt": "d\n"})
	r.Commit("docs")
	p := r.runJSON(1).Predicate // REVIEW: nothing fixed
	for _, c := range p.Checks {
		if c.Head.Status != "pass" || c.Base.Status != "pass" {
			t.Errorf("check %s: head %s base %s; want both to pass in the hermetic environment", c.Name, c.Head.Status, c.Base.Status)
		}
	}
	if e := p.Environment; !slices.Contains(e.Passed, "GOFLAGS") || slices.Contains(e.Passed, "GITHUB_TOKEN") || e.SourceDateEpoch == 0 {
		t.Errorf("environment = %+v", e)
	}
	if p.Environment.Network == "off" {
		if n := hits.Load(); n != 0 {
			t.Errorf("network is recorded off, but the checks reached the host %d times", n)
		}
	} else {
		t.Logf("network namespaces unavailable here (%s): isolation not checked", p.Environment.Network)
	}

	// network: true lets a check out, and the record says so.
	cfg = fmt.Sprintf("checks:\n  - name: online\n    run: %q\n    network: true\n", net)
	r.Write(map[string]string{".proof/config.yaml": cfg})
	r.Commit("config: online")
	r.Write(map[string]string{"docs.txt": "e\n"})
	r.Commit("docs 2")
	before := hits.Load()
	p = r.runJSON(1).Predicate
	if hits.Load() == before {
		t.Error("a check with network: true did not reach the host")
	}
	if !strings.Contains(p.Environment.Network, "online") && !strings.HasPrefix(p.Environment.Network, "on") {
		t.Errorf("network = %q; want it to name the check that had the network", p.Environment.Network)
	}
}

// TestRunCacheAndWorktrees: a second run reuses cached results (and needs
// no checkout); --no-cache runs again; --fresh leaves no worktree.
func TestRunCacheAndWorktrees(t *testing.T) {
	t.Parallel()
	r := newProofRepo(t)
	r.Signing("alice@example.com")
	r.ShellBugFix()
	counter := filepath.Join(t.TempDir(), "runs")
	check := `echo x >> ` + counter + `; ` + gittest.ShellJSONCheck
	runs := func() int {
		b, _ := os.ReadFile(counter)
		return strings.Count(string(b), "x")
	}
	p := r.runJSON(0, "--test", check).Predicate
	if runs() != 3 || p.Checks[0].Head.Cached {
		t.Fatalf("first run: %d runs, cached %v; want 3 runs (head, base, repro)", runs(), p.Checks[0].Head.Cached)
	}
	p = r.runJSON(0, "--test", check).Predicate
	c := p.Checks[0]
	if runs() != 3 || !c.Head.Cached || !c.Base.Cached || !c.Repro.Cached || strings.Join(c.Fixed, ",") != "shell.Test_add" {
		t.Fatalf("second run: %d runs, cached %v/%v/%v, fixed %v; want every result from the cache", runs(), c.Head.Cached, c.Base.Cached, c.Repro.Cached, c.Fixed)
	}
	r.must(0, "run", "--no-cache", "--test", check)
	if runs() != 6 {
		t.Errorf("--no-cache: %d runs; want 6", runs())
	}
	// A new commit on top: its base is the commit just proven, whose tree
	// was head before: cached.
	r.Write(map[string]string{"docs.txt": "d\n"})
	r.Commit("docs")
	p = r.runJSON(1, "--test", check).Predicate
	if !p.Checks[0].Base.Cached || p.Checks[0].Head.Cached {
		t.Errorf("next commit: base cached %v head cached %v; want the base from the cache", p.Checks[0].Base.Cached, p.Checks[0].Head.Cached)
	}
	res := r.proof("show")
	contains(t, "show", res.stdout, "base  pass", "(cached)")
	// Amending the commit (same trees, a new commit time) keeps the base
	// and repro results, which run with the base commit's time as
	// SOURCE_DATE_EPOCH; head runs again with its own.
	env := r.Env
	r.Env = append(append([]string(nil), env...), "GIT_COMMITTER_DATE=2026-03-04T05:06:07Z")
	r.Git("commit", "--amend", "-q", "-m", "docs, amended")
	r.Env = env
	before := runs()
	p = r.runJSON(1, "--test", check).Predicate
	c = p.Checks[0]
	if !c.Base.Cached || !c.Repro.Cached || c.Head.Cached || runs() != before+1 {
		t.Errorf("amended commit: cached base %v repro %v head %v, %d runs; want base and repro cached, head run once", c.Base.Cached, c.Repro.Cached, c.Head.Cached, runs()-before)
	}
	if want := r.Git("log", "-1", "--format=%ct"); fmt.Sprint(p.Environment.SourceDateEpoch) != want {
		t.Errorf("sourceDateEpoch = %d; want the amended commit's time %s", p.Environment.SourceDateEpoch, want)
	}
	r.noStrayWorktrees()

	// --fresh: temporary worktrees, removed afterwards.
	f := newProofRepo(t)
	f.Signing("alice@example.com")
	f.ShellBugFix()
	f.must(0, "run", "--fresh", "--no-cache", "-j", "1", "--test", gittest.ShellJSONCheck)
	if wt := f.Git("worktree", "list", "--porcelain"); strings.Count(wt, "worktree ") != 1 {
		t.Errorf("--fresh left worktrees:\n%s", wt)
	}
}

// TestRunTestIntegrity: skipping a test that ran on base BLOCKs; a test
// whose outcome changes between repeated runs is flaky (REVIEW), and a
// flaky repro does not count as fixed.
func TestRunTestIntegrity(t *testing.T) {
	t.Parallel()
	t.Run("skipped", func(t *testing.T) {
		t.Parallel()
		r := newProofRepo(t)
		r.Signing("alice@example.com")
		r.ShellBugFix()
		// A runner that reports test/zero.sh as skipped once it says so.
		skipping := `for t in test/*.sh; do n=$(basename "$t" .sh); if grep -q SKIP "$t"; then a=skip; elif sh "$t" >/dev/null 2>&1; then a=pass; else a=fail; fi; ` +
			`printf '{"Action":"%s","Package":"shell","Test":"Test_%s"}\n' "$a" "$n"; done`
		r.Write(map[string]string{"test/zero.sh": "# SKIP\n" + gittest.TestZero})
		r.Commit("skip a test")
		p := r.runJSON(1, "--test", skipping).Predicate
		if p.Decision != proofpack.Block || strings.Join(p.Checks[0].Skipped, ",") != "shell.Test_zero" {
			t.Errorf("decision %s skipped %v; want BLOCK for shell.Test_zero", p.Decision, p.Checks[0].Skipped)
		}
		contains(t, "reasons", strings.Join(p.Policy.Reasons, "\n"), "skipped at head that ran on base")
	})
	t.Run("flaky", func(t *testing.T) {
		t.Parallel()
		r := newProofRepo(t)
		r.Signing("alice@example.com")
		counters := t.TempDir()
		// Test_add fails on the first run of each tree, then passes: at
		// head it is flaky, so it is not a reproduction.
		flaky := `f=` + counters + `/$(git write-tree); n=$(cat "$f" 2>/dev/null || echo 0); echo $((n+1)) > "$f"; ` +
			`for t in test/*.sh; do b=$(basename "$t" .sh); if sh "$t" >/dev/null 2>&1 && { [ "$b" != add ] || [ "$n" != 0 ]; }; then a=pass; else a=fail; fi; ` +
			`printf '{"Action":"%s","Package":"shell","Test":"Test_%s"}\n' "$a" "$b"; done`
		cfg := fmt.Sprintf("checks:\n  - name: unit\n    run: %q\n    format: go-test-json\n    repeat: 3\n", flaky)
		r.Write(map[string]string{".proof/config.yaml": cfg, "calc.sh": gittest.CalcBuggy, "test/zero.sh": gittest.TestZero})
		r.Commit("base")
		r.Write(map[string]string{"calc.sh": gittest.CalcFixed, "test/add.sh": gittest.TestAdd})
		r.Commit("fix")
		p := r.runJSON(1, "--no-cache").Predicate
		c := p.Checks[0]
		if p.Decision != proofpack.Review || strings.Join(c.Flaky, ",") != "shell.Test_add" || len(c.Fixed) != 0 || c.Head.Runs != 3 {
			t.Errorf("decision %s flaky %v fixed %v runs %d; want REVIEW, flaky shell.Test_add, nothing fixed, 3 runs", p.Decision, c.Flaky, c.Fixed, c.Head.Runs)
		}
	})
	t.Run("--check NAME=CMD", func(t *testing.T) {
		t.Parallel()
		r := newProofRepo(t)
		r.Signing("alice@example.com")
		r.ShellBugFix()
		p := r.runJSON(0, "-j", "1", "--check", "lint=true", "--check", "unit="+gittest.ShellJSONCheck).Predicate
		if len(p.Checks) != 2 || p.Checks[0].Name != "lint" || p.Checks[1].Name != "unit" {
			t.Errorf("checks %+v", p.Checks)
		}
		for _, args := range [][]string{{"run", "--check", "no-equals"}, {"run", "--check", "bad name=true"}, {"run", "--check", "a=true", "--check", "a=false"}, {"run", "-j", "-1"}} {
			if res := r.proof(args...); res.code != 2 {
				t.Errorf("git proof %v: %s; want exit 2", args, res)
			}
		}
	})
}

func envOf(env []string, k string) string {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, k+"="); ok {
			return v
		}
	}
	return ""
}

// TestRunCheckHome: every check starts with an empty HOME and an empty
// TMPDIR, even after a check left a directory it cannot write in; a pooled
// worktree's HOME and TMPDIR are at the same paths run after run (Go's test
// cache keys on TMPDIR's value), TMPDIR a private directory under the
// system's temporary directory. Afterwards TMPDIR is gone and HOME holds
// only what the next check starts with.
func TestRunCheckHome(t *testing.T) {
	t.Parallel()
	r := newProofRepo(t)
	r.Signing("alice@example.com")
	r.ShellBugFix()
	const skeleton = "./.config ./.config/go ./.config/go/telemetry ./.config/go/telemetry/mode "
	log := filepath.Join(t.TempDir(), "homes")
	// HOME holds only Go's telemetry setting, off.
	check := `test "$(cd "$HOME" && find . -mindepth 1 | sort | tr '\n' ' ')" = "` + skeleton + `" && test "$(cat "$HOME/.config/go/telemetry/mode")" = off && test -z "$(ls -A "$TMPDIR")" && mkdir -p "$HOME/ro/sub" "$TMPDIR/ro/sub" && chmod 500 "$HOME/ro" "$TMPDIR/ro" && echo "$HOME $TMPDIR" >> ` + log
	homes := func() []string {
		b, _ := os.ReadFile(log)
		return strings.Fields(string(b))
	}
	for i := 0; i < 2; i++ {
		p := r.runJSON(1, "--no-cache", "-j", "1", "--check", "home="+check).Predicate
		c := p.Checks[0]
		if c.Head.Status != "pass" || c.Base.Status != "pass" {
			t.Fatalf("run %d: head %s base %s; want both to pass (a check found a HOME that was not empty)", i+1, c.Head.Status, c.Base.Status)
		}
	}
	h := homes()
	if len(h) != 12 { // HOME and TMPDIR of three trees, twice
		t.Fatalf("checks ran %d times (%v); want 6", len(h)/2, h)
	}
	wantTmp := filepath.Join(r.tmp, fmt.Sprintf("git-proof-%d", os.Getuid())) + string(filepath.Separator)
	if !strings.HasPrefix(h[1], wantTmp) {
		t.Errorf("TMPDIR %s is not under %s", h[1], wantTmp)
	}
	if fi, err := os.Stat(wantTmp); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("%s: %v; want a directory only its owner can reach", wantTmp, err)
	}
	for i, p := range h {
		if p != h[i%2] {
			t.Errorf("HOME or TMPDIR moved between checks in one slot: %v", h)
			break
		}
		if i%2 == 1 {
			if _, err := os.Stat(p); !os.IsNotExist(err) {
				t.Errorf("TMPDIR %s is still there after the run (%v)", p, err)
			}
			continue
		}
		out, err := exec.Command("sh", "-c", `cd "$1" && find . -mindepth 1 | sort | tr '\n' ' '`, "sh", p).Output()
		if err != nil || string(out) != skeleton {
			t.Errorf("HOME %s after the run holds %q (%v); want %q", p, out, err, skeleton)
		}
	}
}
