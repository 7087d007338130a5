package gitx

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// maxPoolSlots bounds how many reusable worktrees a repository keeps.
const maxPoolSlots = 16

// PooledWorktree is a reusable worktree held for one use; Release hands it
// back for the next run.
type PooledWorktree struct {
	Dir     string
	Tree    string
	release func()
}

// Release unlocks the worktree for other runs. Its files stay; the next
// user resets them.
func (w *PooledWorktree) Release() { w.release() }

// AcquireWorktree takes a free worktree from the pool in dir (creating one
// when all are busy), locks it for this process, and sets its index and
// files to tree exactly: a reused worktree is reset (read-tree --reset -u,
// then clean -ffdx removes untracked and ignored files), so nothing a
// previous run left, not even after a crash, reaches this one. Reuse saves
// the checkout of unchanged files. anchor is any commit, for a new one.
func (r *Repo) AcquireWorktree(ctx context.Context, dir, anchor, tree string) (*PooledWorktree, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("worktree pool: %w", err)
	}
	for slot := 0; slot < maxPoolSlots; slot++ {
		unlock, ok, err := tryLock(filepath.Join(dir, "slot-"+strconv.Itoa(slot)+".lock"))
		if err != nil {
			return nil, fmt.Errorf("worktree pool: %w", err)
		}
		if !ok {
			continue // another run holds it
		}
		wt := filepath.Join(dir, "slot-"+strconv.Itoa(slot))
		if err := r.prepareSlot(ctx, wt, anchor, tree); err != nil {
			unlock()
			return nil, err
		}
		return &PooledWorktree{Dir: wt, Tree: tree, release: unlock}, nil
	}
	return nil, fmt.Errorf("worktree pool %s: all %d worktrees are busy; wait, or run with --fresh", dir, maxPoolSlots)
}

// prepareSlot makes wt a worktree of tree: it reuses a registered one, and
// (re)creates one that is missing or damaged.
func (r *Repo) prepareSlot(ctx context.Context, wt, anchor, tree string) error {
	w := &Repo{Dir: wt, Env: WithoutRepoEnv(r.Env)}
	if _, err := os.Stat(filepath.Join(wt, ".git")); err == nil {
		_, err1 := w.Run(ctx, "read-tree", "--reset", "-u", tree)
		if err1 == nil {
			if _, err := w.Run(ctx, "clean", "-ffdxq"); err == nil {
				return nil
			}
		}
		// Damaged: start over.
	}
	unlock, err := r.lockWorktrees(ctx)
	if err != nil {
		return fmt.Errorf("worktree pool: %w", err)
	}
	_, _ = r.Run(ctx, "worktree", "remove", "--force", "--force", wt)
	_ = os.RemoveAll(wt)
	_, _ = r.Run(ctx, "worktree", "prune")
	_, err = r.Run(ctx, "worktree", "add", "--quiet", "--detach", "--no-checkout", wt, anchor)
	unlock()
	if err != nil {
		return fmt.Errorf("add pooled worktree %s: %w", wt, err)
	}
	if _, err := w.Run(ctx, "read-tree", "--reset", "-u", tree); err != nil {
		return fmt.Errorf("check out tree %s in %s: %w", short(tree), wt, err)
	}
	return nil
}
