package gitx

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
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
// files to tree exactly: a reused worktree is cleaned (clean -ffdx removes
// untracked and ignored files) and reset (read-tree --reset -u restores
// what the index tracks), so nothing a previous run left, not even after a
// crash, reaches this one. Reuse saves the checkout of unchanged files.
// anchor is any commit, for a new one.
func (r *Repo) AcquireWorktree(ctx context.Context, dir, anchor, tree string) (*PooledWorktree, error) {
	res, err := r.reserve(ctx, dir)
	if err != nil {
		return nil, err
	}
	return res.Acquire(ctx, anchor, tree)
}

// WorktreeReservation is a worktree of the pool taken before its tree is
// known: it is cleaned meanwhile, so that Acquire only resets the files.
type WorktreeReservation struct {
	r       *Repo
	wt      string
	unlock  func()
	cleaned chan struct{}
	err     error // of the clean; then Acquire starts the worktree over
	taken   atomic.Bool
}

// ErrReservationUsed: a WorktreeReservation was acquired already; acquire a
// worktree of the pool instead (AcquireWorktree).
var ErrReservationUsed = errors.New("the worktree reservation is used up")

// ReserveWorktree locks a free worktree of the pool in dir and cleans it
// in the background. Acquire it for a tree, or Release it unused.
func (r *Repo) ReserveWorktree(ctx context.Context, dir string) (*WorktreeReservation, error) {
	return r.reserve(ctx, dir)
}

func (r *Repo) reserve(ctx context.Context, dir string) (*WorktreeReservation, error) {
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
		res := &WorktreeReservation{r: r, wt: filepath.Join(dir, "slot-"+strconv.Itoa(slot)), unlock: unlock, cleaned: make(chan struct{})}
		// Cleaning before the reset leaves what the other order does: the
		// clean removes all the index does not track, and read-tree --reset
		// -u then switches the tracked files, restoring changed ones.
		go func() {
			defer close(res.cleaned)
			if _, err := os.Stat(filepath.Join(res.wt, ".git")); err != nil {
				res.err = err
				return
			}
			_, res.err = r.worktreeAt(res.wt).Run(ctx, "clean", "-ffdxq")
		}()
		return res, nil
	}
	return nil, fmt.Errorf("worktree pool %s: all %d worktrees are busy; wait, or run with --fresh", dir, maxPoolSlots)
}

// worktreeAt is git run in the worktree wt (not in r's).
func (r *Repo) worktreeAt(wt string) *Repo {
	return &Repo{Dir: wt, Env: WithoutRepoEnv(r.Env)}
}

// Acquire makes the reserved worktree one of tree and hands it over; the
// reservation is used up, even on an error (which releases the worktree).
// Only the first call gets it, however many run at once: the others get
// ErrReservationUsed.
func (res *WorktreeReservation) Acquire(ctx context.Context, anchor, tree string) (*PooledWorktree, error) {
	if !res.taken.CompareAndSwap(false, true) {
		return nil, fmt.Errorf("worktree %s: %w", res.wt, ErrReservationUsed)
	}
	<-res.cleaned
	if err := res.r.prepareSlot(ctx, res.wt, anchor, tree, res.err == nil); err != nil {
		res.unlock()
		return nil, err
	}
	return &PooledWorktree{Dir: res.wt, Tree: tree, release: res.unlock}, nil
}

// Release gives the worktree back unused (after its clean); a no-op once
// Acquire took it, and for no reservation (nil).
func (res *WorktreeReservation) Release() {
	if res == nil || !res.taken.CompareAndSwap(false, true) {
		return
	}
	<-res.cleaned
	res.unlock()
}

// prepareSlot makes wt a worktree of tree: it resets a registered one that
// was cleaned, and (re)creates one that is missing, could not be cleaned
// or is damaged.
func (r *Repo) prepareSlot(ctx context.Context, wt, anchor, tree string, cleaned bool) error {
	w := r.worktreeAt(wt)
	if cleaned {
		if _, err := w.Run(ctx, "read-tree", "--reset", "-u", tree); err == nil {
			return nil
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
