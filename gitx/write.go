package gitx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ErrRefChanged means a compare-and-swap ref update lost a race: the ref no
// longer had the expected old value (or was locked by another writer). Read
// the ref again and retry.
var ErrRefChanged = errors.New("ref changed under us")

// RefValue returns the commit a ref points at, or "" when it does not exist.
func (r *Repo) RefValue(ctx context.Context, ref string) (string, error) {
	out, err := r.Run(ctx, "rev-parse", "--verify", "--quiet", "--end-of-options", ref+"^{commit}")
	if err != nil {
		if ExitCode(err) == 1 {
			return "", nil
		}
		return "", fmt.Errorf("read ref %s: %w", ref, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// UpdateRef moves ref from old to new through git's own ref transaction
// (lock file, reflog). old == "" requires that the ref does not exist yet.
func (r *Repo) UpdateRef(ctx context.Context, ref, newID, oldID, msg string) error {
	if oldID == "" {
		oldID = r.zeroID
	}
	_, err := r.Run(ctx, "update-ref", "-m", msg, ref, newID, oldID)
	if err != nil {
		var ge *GitError
		if errors.As(err, &ge) && (strings.Contains(ge.Stderr, "but expected") ||
			strings.Contains(ge.Stderr, "cannot lock ref") || strings.Contains(ge.Stderr, "already exists") ||
			strings.Contains(ge.Stderr, "File exists") || strings.Contains(ge.Stderr, "unable to resolve reference")) {
			return fmt.Errorf("%w: %s", ErrRefChanged, strings.TrimSpace(ge.Stderr))
		}
		return fmt.Errorf("update %s: %w", ref, err)
	}
	return nil
}

// IndexEntry is one path of a tree built by WriteTree.
type IndexEntry struct{ Mode, ID, Path string }

// WriteTree builds a tree from entries (full slash paths) in a throwaway
// index, so the user's index is never touched.
func (r *Repo) WriteTree(ctx context.Context, entries []IndexEntry) (string, error) {
	dir, err := os.MkdirTemp("", "git-proof-index-")
	if err != nil {
		return "", fmt.Errorf("write tree: %w", err)
	}
	defer os.RemoveAll(dir)
	idx := r.withEnv("GIT_INDEX_FILE=" + filepath.Join(dir, "index"))
	var in bytes.Buffer
	for _, e := range entries {
		if strings.ContainsRune(e.Path, 0) {
			return "", fmt.Errorf("write tree: NUL in path %q", e.Path)
		}
		fmt.Fprintf(&in, "%s %s\t%s\x00", e.Mode, e.ID, e.Path)
	}
	if _, err := idx.RunInput(ctx, &in, "update-index", "-z", "--index-info"); err != nil {
		return "", fmt.Errorf("write tree: %w", err)
	}
	out, err := idx.Run(ctx, "write-tree", "--missing-ok")
	if err != nil {
		return "", fmt.Errorf("write tree: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}

// CommitTree creates a commit of tree with the given parents and message,
// as `git commit-tree` does; in process when it can write the very same
// commit (commitInProcess), else through git.
func (r *Repo) CommitTree(ctx context.Context, tree string, parents []string, msg string) (string, error) {
	if id, ok, err := r.commitInProcess(ctx, tree, parents, msg); ok {
		if err != nil {
			return "", fmt.Errorf("commit tree: %w", err)
		}
		return id, nil
	}
	args := []string{"commit-tree", tree}
	for _, p := range parents {
		args = append(args, "-p", p)
	}
	args = append(args, "-F", "-")
	out, err := r.RunInput(ctx, strings.NewReader(msg), args...)
	if err != nil {
		return "", fmt.Errorf("commit tree: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}

// withEnv returns a copy of r whose git commands get extra variables.
func (r *Repo) withEnv(kv ...string) *Repo {
	c := *r
	c.batch = nil // its process has r's environment
	base := r.Env
	if base == nil {
		base = os.Environ()
	}
	c.Env = append(append([]string(nil), base...), kv...)
	return &c
}
