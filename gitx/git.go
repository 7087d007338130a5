package gitx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Sentinel errors, each with how to recover.
var (
	// ErrNotARepository: run the command inside a git repository or pass -C.
	ErrNotARepository = errors.New("not a git repository (run inside one, or use git -C <dir> proof …)")
	// ErrUnknownRevision: check the revision name; `git log --oneline` lists commits.
	ErrUnknownRevision = errors.New("unknown revision")
	// ErrObjectMissing: the object is not in this repository (a shallow clone
	// or a partial fetch); fetch more history with `git fetch --deepen` or `--unshallow`.
	ErrObjectMissing = errors.New("object missing from the repository")
)

// GitError is a git command that failed: what ran and what git said.
type GitError struct {
	Args     []string
	ExitCode int
	Stderr   string
	Err      error
}

func (e *GitError) Error() string {
	msg := strings.TrimSpace(e.Stderr)
	if msg == "" && e.Err != nil {
		msg = e.Err.Error()
	}
	return fmt.Sprintf("git %s: exit %d: %s", strings.Join(e.Args, " "), e.ExitCode, msg)
}

func (e *GitError) Unwrap() error { return e.Err }

// Repo is a git repository as the git CLI resolves it from Dir and Env.
type Repo struct {
	// Dir is where git runs (its -C); "" means the current directory.
	Dir string
	// Env is the environment git runs with; nil means this process's.
	Env []string

	gitDir       string
	commonDir    string
	topLevel     string // "" in a bare repository
	objectFormat string
	objectsDir   string // where new objects go (GIT_OBJECT_DIRECTORY or objects/)
	zeroID       string
	emptyTree    string
	cfg          *configCache // nil: no cache (a Repo not made by Open)
	batch        *batchCat    // nil: every read starts its own cat-file
	zlibs        *zlibPool    // zlib writers for loose objects; nil: a new one each time
}

// Open resolves the repository that git sees from dir with env (nil = inherit).
// It honours GIT_DIR and friends because git itself reads them.
func Open(ctx context.Context, dir string, env []string) (*Repo, error) {
	r := &Repo{Dir: dir, Env: env, cfg: &configCache{}, batch: &batchCat{}, zlibs: &zlibPool{}}
	// The kept cat-file (batchCat) lives as long as ctx, or until Close.
	context.AfterFunc(ctx, func() { _ = r.Close() })
	// The config is read beside the discovery: nearly every command wants
	// it, and waiting for one process after the other was ~3 ms on the way
	// to a run's first check. configCache.take checks the files are older
	// than the read.
	r.cfg.prefetch = r.prefetchConfig(ctx)
	// The top level comes as --show-cdup, which (unlike --show-toplevel)
	// does not fail outside a worktree, so one process answers all.
	out, err := r.Run(ctx, "rev-parse", "--path-format=absolute", "--git-dir", "--git-common-dir",
		"--is-bare-repository", "--show-object-format", "--git-path", "objects",
		"--is-inside-work-tree", "--show-cdup")
	if err != nil {
		var ge *GitError
		if errors.As(err, &ge) && strings.Contains(ge.Stderr, "not a git repository") {
			return nil, fmt.Errorf("%w: %s", ErrNotARepository, strings.TrimSpace(ge.Stderr))
		}
		return nil, fmt.Errorf("open repository: %w", err)
	}
	// Inside a worktree the last line is --show-cdup's, empty at the top;
	// outside one it is missing, or (with GIT_WORK_TREE) a path that is
	// not relative to dir.
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	inside := len(lines) == 7 && lines[5] == "true"
	if !inside && (len(lines) < 6 || len(lines) > 7 || lines[5] != "false") {
		return nil, fmt.Errorf("open repository: unexpected rev-parse output %q", out)
	}
	r.gitDir, r.commonDir, r.objectFormat, r.objectsDir = lines[0], lines[1], lines[3], lines[4]
	if !filepath.IsAbs(r.objectsDir) {
		r.objectsDir = "" // git writes the objects then
	}
	switch {
	case inside:
		r.topLevel, err = topFromCdup(dir, lines[6])
		if err != nil {
			return nil, fmt.Errorf("open repository: %w", err)
		}
	case lines[2] != "true":
		// Not bare, yet not inside the worktree: a GIT_WORK_TREE elsewhere,
		// or the git directory itself; git says where the top is, if any.
		if top, err := r.Run(ctx, "rev-parse", "--show-toplevel"); err == nil {
			r.topLevel = strings.TrimRight(string(top), "\n")
		}
	}
	switch r.objectFormat {
	case "sha1":
		r.zeroID = strings.Repeat("0", 40)
		r.emptyTree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
	case "sha256":
		r.zeroID = strings.Repeat("0", 64)
		r.emptyTree = "6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321"
	default:
		return nil, fmt.Errorf("open repository: unsupported object format %q", r.objectFormat)
	}
	return r, nil
}

// topFromCdup is the top level git names with --show-cdup (relative to
// dir, where git ran), as --show-toplevel would: absolute, symlinks resolved.
func topFromCdup(dir, cdup string) (string, error) {
	abs, err := filepath.Abs(filepath.Join(dir, cdup))
	if err != nil {
		return "", fmt.Errorf("the worktree's top level: %w", err)
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return real, nil
	}
	return abs, nil
}

// GitDir is the absolute path of the repository's git directory.
func (r *Repo) GitDir() string { return r.gitDir }

// CommonDir is the git directory shared by all worktrees.
func (r *Repo) CommonDir() string { return r.commonDir }

// TopLevel is the root of the current worktree; "" for a bare repository.
func (r *Repo) TopLevel() string { return r.topLevel }

// ObjectFormat is "sha1" or "sha256".
func (r *Repo) ObjectFormat() string { return r.objectFormat }

// ZeroID is the all-zero object id of the repository's object format.
func (r *Repo) ZeroID() string { return r.zeroID }

// EmptyTree is the id of the empty tree, the base of a root commit.
func (r *Repo) EmptyTree() string { return r.emptyTree }

// IsObjectID reports whether s is a full lowercase object id of this repository's format.
func (r *Repo) IsObjectID(s string) bool {
	if len(s) != len(r.zeroID) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// Command returns a git command for this repository. LC_ALL=C keeps git's
// messages parseable whatever the user's locale.
func (r *Repo) Command(ctx context.Context, args ...string) *exec.Cmd {
	full := args
	if r.Dir != "" {
		full = append([]string{"-C", r.Dir}, args...)
	}
	cmd := exec.CommandContext(ctx, "git", full...)
	env := r.Env
	if env == nil {
		env = os.Environ()
	}
	cmd.Env = append(append([]string(nil), env...), "LC_ALL=C", "GIT_TERMINAL_PROMPT=0")
	return cmd
}

// Run runs git with args and returns its stdout.
func (r *Repo) Run(ctx context.Context, args ...string) ([]byte, error) {
	return r.RunInput(ctx, nil, args...)
}

// RunInput runs git with args, stdin from input, and returns its stdout.
func (r *Repo) RunInput(ctx context.Context, input io.Reader, args ...string) ([]byte, error) {
	cmd := r.Command(ctx, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdin = input
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return stdout.Bytes(), wrapExit(args, err, stderr.String())
	}
	return stdout.Bytes(), nil
}

func wrapExit(args []string, err error, stderr string) error {
	ge := &GitError{Args: args, ExitCode: -1, Stderr: stderr, Err: err}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		ge.ExitCode = ee.ExitCode()
	}
	return ge
}

// ExitCode returns the exit code of a failed git command, or -1.
func ExitCode(err error) int {
	var ge *GitError
	if errors.As(err, &ge) {
		return ge.ExitCode
	}
	return -1
}
