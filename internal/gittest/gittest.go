// Package gittest builds real git repositories for tests: isolated from the
// user's configuration, with fixed identities and dates, so that runs are
// deterministic (commit ids included).
package gittest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-proof/git-proof/gitx"
)

// Env returns an environment isolated from the user's git and ssh setup:
// its own HOME and global config, no system config, UTC, fixed identity and
// dates. Go's caches stay the user's so builds in tests stay warm.
func Env(t testing.TB) []string {
	t.Helper()
	home := t.TempDir()
	global := filepath.Join(home, ".gitconfig")
	if err := os.WriteFile(global, []byte("[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{
		"HOME=" + home,
		"PATH=" + os.Getenv("PATH"),
		"TZ=UTC",
		"LC_ALL=C",
		"GIT_CONFIG_GLOBAL=" + global,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=Alice Example",
		"GIT_AUTHOR_EMAIL=alice@example.com",
		"GIT_COMMITTER_NAME=Alice Example",
		"GIT_COMMITTER_EMAIL=alice@example.com",
		"GIT_AUTHOR_DATE=2026-01-02T03:04:05Z",
		"GIT_COMMITTER_DATE=2026-01-02T03:04:05Z",
		"GOTOOLCHAIN=local",
		"GOFLAGS=-count=1",
	}
	for _, k := range []string{"GOCACHE", "GOMODCACHE", "GOPATH"} {
		v := os.Getenv(k)
		if v == "" {
			out, err := exec.Command("go", "env", k).Output()
			if err == nil {
				v = strings.TrimSpace(string(out))
			}
		}
		if v != "" {
			env = append(env, k+"="+v)
		}
	}
	return env
}

// Repo is a test repository.
type Repo struct {
	T   testing.TB
	Dir string
	Env []string
}

// New makes an empty repository (branch main) in a temporary directory.
func New(t testing.TB) *Repo {
	t.Helper()
	r := &Repo{T: t, Dir: filepath.Join(t.TempDir(), "repo"), Env: Env(t)}
	if err := os.MkdirAll(r.Dir, 0o755); err != nil {
		t.Fatal(err)
	}
	r.Git("init", "-q")
	return r
}

// NewBare makes a bare repository sharing r's environment.
func (r *Repo) NewBare(name string) string {
	r.T.Helper()
	dir := filepath.Join(filepath.Dir(r.Dir), name)
	r.GitIn(filepath.Dir(r.Dir), "init", "-q", "--bare", dir)
	return dir
}

// Git runs git in the repository and returns its trimmed stdout.
func (r *Repo) Git(args ...string) string {
	r.T.Helper()
	return r.GitIn(r.Dir, args...)
}

// GitIn runs git in dir with the repository's environment.
func (r *Repo) GitIn(dir string, args ...string) string {
	r.T.Helper()
	out, err := r.TryGitIn(dir, args...)
	if err != nil {
		r.T.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(out)
}

// TryGitIn runs git and returns combined output and the error.
func (r *Repo) TryGitIn(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = r.Env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// Write writes files (path → content, slash paths) into the worktree.
func (r *Repo) Write(files map[string]string) {
	r.T.Helper()
	for p, c := range files {
		full := filepath.Join(r.Dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			r.T.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			r.T.Fatal(err)
		}
	}
}

// Remove deletes files from the worktree.
func (r *Repo) Remove(paths ...string) {
	r.T.Helper()
	for _, p := range paths {
		if err := os.RemoveAll(filepath.Join(r.Dir, filepath.FromSlash(p))); err != nil {
			r.T.Fatal(err)
		}
	}
}

// Commit stages everything and commits; it returns the commit id.
func (r *Repo) Commit(msg string) string {
	r.T.Helper()
	r.Git("add", "-A")
	r.Git("commit", "-q", "--allow-empty", "-m", msg)
	return r.Git("rev-parse", "HEAD")
}

// Open returns the gitx view of the repository.
func (r *Repo) Open() *gitx.Repo {
	r.T.Helper()
	g, err := gitx.Open(context.Background(), r.Dir, r.Env)
	if err != nil {
		r.T.Fatal(err)
	}
	r.T.Cleanup(func() { _ = g.Close() })
	return g
}

// SSHKey makes an ed25519 key pair with ssh-keygen in dir and returns the
// private key path and the public key line.
func SSHKey(t testing.TB, dir, name string) (string, string) {
	t.Helper()
	if _, err := exec.LookPath("ssh-keygen"); err != nil {
		t.Skip("ssh-keygen not installed (apt-get install openssh-client)")
	}
	path := filepath.Join(dir, name)
	out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	pub, err := os.ReadFile(path + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	return path, strings.TrimSpace(string(pub))
}

// AllowedSigners writes an allowed_signers file trusting pubLine as
// principal for the git-proof namespace and returns its path.
func AllowedSigners(t testing.TB, dir, principal, pubLine string) string {
	t.Helper()
	f := filepath.Join(dir, "allowed_signers")
	fields := strings.Fields(pubLine)
	line := fmt.Sprintf("%s namespaces=\"git-proof\" %s %s\n", principal, fields[0], fields[1])
	if err := os.WriteFile(f, []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

// Signing makes an ed25519 key, trusts it for principal in a fresh
// allowed_signers file, and points the repository's proof.signingKey and
// proof.allowedSignersFile at them. It returns the key and signers paths.
func (r *Repo) Signing(principal string) (key, allowed string) {
	r.T.Helper()
	dir := r.T.TempDir()
	key, pub := SSHKey(r.T, dir, "id_ed25519")
	allowed = AllowedSigners(r.T, dir, principal, pub)
	r.Git("config", "proof.signingKey", key)
	r.Git("config", "proof.allowedSignersFile", allowed)
	return key, allowed
}

// Shell fixtures: a tiny "project" whose code and tests are POSIX shell, so
// a check runs in milliseconds. test/add.sh is a test file under the
// default globs (**/test/**); calc.sh is the code.
const (
	// CalcBuggy is calc.sh with a bug: add subtracts.
	CalcBuggy = "add() { echo $(($1 - $2)); }\n"
	// CalcFixed is calc.sh with the bug fixed.
	CalcFixed = "add() { echo $(($1 + $2)); }\n"
	// TestZero passes with both versions of calc.sh.
	TestZero = ". ./calc.sh\n[ \"$(add 0 0)\" = 0 ] || { echo 'add 0 0 failed'; exit 1; }\n"
	// TestAdd fails with CalcBuggy and passes with CalcFixed.
	TestAdd = ". ./calc.sh\n[ \"$(add 2 3)\" = 5 ] || { echo \"add 2 3 = $(add 2 3)\"; exit 1; }\n"
	// ShellCheck is the check command that runs every test script.
	ShellCheck = "for t in test/*.sh; do sh \"$t\" || exit 1; done"
)

// ShellBugFix commits the buggy calc.sh with a passing test (base), then
// the fix together with a new test that catches the bug (fix). It returns
// both commit ids.
func (r *Repo) ShellBugFix() (base, fix string) {
	r.T.Helper()
	r.Write(map[string]string{"calc.sh": CalcBuggy, "test/zero.sh": TestZero})
	base = r.Commit("calc: add")
	r.Write(map[string]string{"calc.sh": CalcFixed, "test/add.sh": TestAdd})
	fix = r.Commit("calc: fix add")
	return base, fix
}

// ShellJSONCheck runs every test script like ShellCheck but reports in `go
// test -json` form, one test per script (test/add.sh is "shell.Test_add"),
// so that per-test comparisons (regressed, removed) run at shell speed.
const ShellJSONCheck = `st=pass; for t in test/*.sh; do [ -e "$t" ] || continue; n=$(basename "$t" .sh); ` +
	`if sh "$t" >/dev/null 2>&1; then a=pass; else a=fail; st=fail; fi; ` +
	`printf '{"Action":"run","Package":"shell","Test":"Test_%s"}\n{"Action":"%s","Package":"shell","Test":"Test_%s"}\n' "$n" "$a" "$n"; done; ` +
	`printf '{"Action":"%s","Package":"shell"}\n' "$st"; [ "$st" = pass ]`
