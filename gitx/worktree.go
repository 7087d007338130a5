package gitx

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"
)

// Worktree is a temporary, detached checkout of a tree.
type Worktree struct {
	Dir  string
	Tree string
	repo *Repo
}

// AddWorktree checks tree out into a fresh temporary linked worktree. The
// worktree is detached at commit (any commit; it only anchors the worktree)
// and its index and files are then set to tree exactly, so a tree that no
// commit has (base code + head tests) can be checked out too. The caller must
// call Remove, also on error paths.
//
// Worktree additions and removals are serialised across processes (see
// lockWorktrees): git 2.39's `worktree add` reads every registered worktree
// and dies on one that another `add` has half written.
func (r *Repo) AddWorktree(ctx context.Context, commit, tree, label string) (*Worktree, error) {
	// The directory's unique name is also the worktree's name under
	// $GIT_COMMON_DIR/worktrees, so concurrent runs never pick the same one.
	dir, err := os.MkdirTemp("", "git-proof-"+label+"-")
	if err != nil {
		return nil, fmt.Errorf("add worktree: %w", err)
	}
	w := &Worktree{Dir: dir, Tree: tree, repo: r}
	unlock, err := r.lockWorktrees(ctx)
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("add worktree for %s: %w", label, err)
	}
	_, err = r.Run(ctx, "worktree", "add", "--quiet", "--detach", "--no-checkout", dir, commit)
	unlock()
	if err != nil {
		w.Remove()
		return nil, fmt.Errorf("add worktree for %s: %w", label, err)
	}
	// Git must see the worktree, not whatever GIT_DIR or GIT_INDEX_FILE the
	// caller had: read-tree -u there would rewrite the user's index.
	wt := &Repo{Dir: dir, Env: WithoutRepoEnv(r.Env)}
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
	unlock, err := w.repo.lockWorktrees(ctx)
	if err != nil {
		os.RemoveAll(w.Dir)
		return fmt.Errorf("remove worktree %s: %w", w.Dir, err)
	}
	defer unlock()
	_, rmErr := w.repo.Run(ctx, "worktree", "remove", "--force", "--force", w.Dir)
	if rmErr == nil {
		return nil
	}
	// The worktree was half made (or its directory vanished): delete what
	// is left, then let git drop the registration that points nowhere.
	// Pruning runs under the lock, so it cannot catch another run's
	// worktree half made.
	if err := os.RemoveAll(w.Dir); err != nil {
		return fmt.Errorf("remove worktree %s: %w", w.Dir, err)
	}
	if _, err := w.repo.Run(ctx, "worktree", "prune"); err != nil {
		return fmt.Errorf("remove worktree %s: %w", w.Dir, err)
	}
	return nil
}

// WithoutRepoEnv returns env (nil = this process's) without the variables
// that point git at a particular repository, index or object store, so that
// git run in another directory finds the repository there.
func WithoutRepoEnv(env []string) []string {
	if env == nil {
		env = os.Environ()
	}
	out := make([]string, 0, len(env))
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES",
			"GIT_QUARANTINE_PATH", "GIT_PREFIX", "GIT_COMMON_DIR", "GIT_NAMESPACE", "GIT_CEILING_DIRECTORIES", "GIT_NOTES_REF":
			continue
		}
		out = append(out, kv)
	}
	return out
}
