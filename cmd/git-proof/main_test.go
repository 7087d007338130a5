package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-proof/git-proof/internal/gittest"
)

// binDir holds the git-proof binary built for these tests; it is put first
// on PATH so that `git proof …` reaches it through git, as users run it.
var binDir string

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "git-proof-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer os.RemoveAll(dir)
	args := []string{"build", "-o", filepath.Join(dir, "git-proof")}
	if raceEnabled {
		args = append(args, "-race")
	}
	out, err := exec.Command("go", append(args, ".")...).CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "build git-proof: %v\n%s", err, out)
		return 2
	}
	binDir = dir
	return m.Run()
}

// proofRepo is a test repository with git-proof on PATH and its own TMPDIR,
// so a test can check that no temporary worktree outlives a run.
type proofRepo struct {
	*gittest.Repo
	tmp string
}

func newProofRepo(t *testing.T) *proofRepo {
	t.Helper()
	r := gittest.New(t)
	tmp := t.TempDir()
	for i, kv := range r.Env {
		if strings.HasPrefix(kv, "PATH=") {
			r.Env[i] = "PATH=" + binDir + string(os.PathListSeparator) + strings.TrimPrefix(kv, "PATH=")
		}
	}
	r.Env = append(r.Env, "TMPDIR="+tmp)
	return &proofRepo{Repo: r, tmp: tmp}
}

// result is one finished command.
type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

// proof runs `git proof args…` in the repository.
func (r *proofRepo) proof(args ...string) result {
	r.T.Helper()
	return r.proofIn(r.Dir, args...)
}

func (r *proofRepo) proofIn(dir string, args ...string) result {
	r.T.Helper()
	cmd := exec.Command("git", append([]string{"proof"}, args...)...)
	cmd.Dir = dir
	cmd.Env = r.Env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := result{stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		res.code = ee.ExitCode()
	case err != nil:
		r.T.Fatalf("git proof %s: %v", strings.Join(args, " "), err)
	}
	return res
}

// must runs git proof and fails the test unless it exits with code.
func (r *proofRepo) must(code int, args ...string) result {
	r.T.Helper()
	res := r.proof(args...)
	if res.code != code {
		r.T.Fatalf("git proof %s: exit %d, want %d\n%s", strings.Join(args, " "), res.code, code, res)
	}
	return res
}

// noStrayWorktrees fails the test if a run left a worktree registered
// outside the reusable pool (under the git directory), one in the pool
// with leftovers, or a temporary directory behind.
func (r *proofRepo) noStrayWorktrees() {
	r.T.Helper()
	pool := filepath.Join(r.Git("rev-parse", "--path-format=absolute", "--git-common-dir"), "git-proof", "worktrees") + string(filepath.Separator)
	for _, line := range strings.Split(r.Git("worktree", "list", "--porcelain"), "\n") {
		dir, ok := strings.CutPrefix(line, "worktree ")
		if !ok || dir == r.Dir {
			continue
		}
		if !strings.HasPrefix(dir, pool) {
			r.T.Errorf("worktree left registered outside the pool: %s", dir)
			continue
		}
		// A released pool worktree may hold the last tree's files, but
		// never a lock another run would wait on: it can be taken now.
		if st, err := r.TryGitIn(dir, "status", "--porcelain", "--ignored"); err != nil {
			r.T.Errorf("pool worktree %s is damaged: %v %s", dir, err, st)
		}
	}
	ents, err := os.ReadDir(r.tmp)
	if err != nil {
		r.T.Fatal(err)
	}
	for _, e := range ents {
		if e.Name() == fmt.Sprintf("git-proof-%d", os.Getuid()) {
			// The pooled worktrees' TMPDIRs live here; the directory
			// itself stays, empty.
			if sub, err := os.ReadDir(filepath.Join(r.tmp, e.Name())); err != nil || len(sub) > 0 {
				r.T.Errorf("temporary directory left behind in %s: %v %v", e.Name(), sub, err)
			}
			continue
		}
		if strings.HasPrefix(e.Name(), "git-proof-") {
			r.T.Errorf("temporary directory left behind: %s", e.Name())
		}
	}
}

func contains(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s does not contain %q:\n%s", what, w, got)
		}
	}
}

// readFile reads a file of the worktree.
func (r *proofRepo) readFile(p string) string {
	r.T.Helper()
	b, err := os.ReadFile(filepath.Join(r.Dir, filepath.FromSlash(p)))
	if err != nil {
		r.T.Fatal(err)
	}
	return string(b)
}
