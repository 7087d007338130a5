package gitx

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Worktree is a temporary, detached checkout of a tree.
type Worktree struct {
	Dir  string
	Tree string
	repo *Repo
	root string
}

// AddWorktree checks tree out into a fresh temporary linked worktree. The
// worktree is detached at commit (any commit; it only anchors the worktree)
// and its index and files are then set to tree exactly, so a tree that no
// commit has (base code + head tests) can be checked out too. The caller must
// call Remove, also on error paths.
func (r *Repo) AddWorktree(ctx context.Context, commit, tree, label string) (*Worktree, error) {
	root, err := os.MkdirTemp("", "git-proof-"+label+"-")
	if err != nil {
		return nil, fmt.Errorf("add worktree: %w", err)
	}
	dir := filepath.Join(root, "tree")
	w := &Worktree{Dir: dir, Tree: tree, repo: r, root: root}
	if _, err := r.Run(ctx, "worktree", "add", "--quiet", "--detach", "--no-checkout", dir, commit); err != nil {
		w.Remove()
		return nil, fmt.Errorf("add worktree for %s: %w", label, err)
	}
	wt := &Repo{Dir: dir, Env: r.Env}
	if _, err := wt.Run(ctx, "read-tree", "--reset", "-u", tree); err != nil {
		w.Remove()
		return nil, fmt.Errorf("check out %s tree %s: %w", label, short(tree), err)
	}
	return w, nil
}

// Remove deletes the worktree and its registration. It runs with its own
// short deadline so that it still works after the caller's context was
// cancelled (Ctrl-C).
func (w *Worktree) Remove() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var first error
	if _, err := os.Stat(w.Dir); err == nil {
		if _, err := w.repo.Run(ctx, "worktree", "remove", "--force", "--force", w.Dir); err != nil {
			first = err
		}
	}
	if err := os.RemoveAll(w.root); err != nil && first == nil {
		first = err
	}
	// A worktree whose directory vanished leaves an administrative entry.
	if _, err := w.repo.Run(ctx, "worktree", "prune"); err != nil && first == nil {
		first = err
	}
	return first
}
