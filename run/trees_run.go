package run

import (
	"context"
	"fmt"
	"time"

	"github.com/git-proof/git-proof/checks"
	"github.com/git-proof/git-proof/gitx"
)

type treeJob struct{ label, tree string }

// runTrees checks out each distinct tree once, runs every spec in it and
// removes the worktree, also when ctx is cancelled. A tree equal to one
// already run (repro == base when the change adds no test) reuses its
// outcomes instead of running again.
func runTrees(ctx context.Context, repo *gitx.Repo, anchor string, trees []treeJob, specs []spec, env []string, progress func(string)) (map[string][]*checks.Outcome, error) {
	out := map[string][]*checks.Outcome{}
	byTree := map[string][]*checks.Outcome{}
	for _, tj := range trees {
		if prev, ok := byTree[tj.tree]; ok {
			out[tj.label] = prev
			progress(fmt.Sprintf("[%s] same tree as already run, reusing results", tj.label))
			continue
		}
		res, err := runTree(ctx, repo, anchor, tj, specs, env, progress)
		if err != nil {
			return nil, err
		}
		out[tj.label], byTree[tj.tree] = res, res
	}
	return out, nil
}

func runTree(ctx context.Context, repo *gitx.Repo, anchor string, tj treeJob, specs []spec, env []string, progress func(string)) (res []*checks.Outcome, err error) {
	start := time.Now()
	progress(fmt.Sprintf("[%s] checking out tree %s", tj.label, tj.tree[:12]))
	wt, err := repo.AddWorktree(ctx, anchor, tj.tree, tj.label)
	if err != nil {
		return nil, err
	}
	defer func() {
		if rerr := wt.Remove(); rerr != nil && err == nil {
			err = fmt.Errorf("remove %s worktree: %w", tj.label, rerr)
		}
	}()
	for _, s := range specs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		t0 := time.Now()
		progress(fmt.Sprintf("[%s] %s: %s", tj.label, s.Name, s.Command))
		o, err := checks.Run(ctx, s.Spec, checks.RunOptions{Dir: wt.Dir, Env: env})
		if err != nil {
			return nil, fmt.Errorf("[%s] check %s: %w", tj.label, s.Name, err)
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		progress(fmt.Sprintf("[%s] %s: exit %d in %s (total %s)", tj.label, s.Name, o.ExitCode, elapsed(t0), elapsed(start)))
		res = append(res, o)
	}
	return res, nil
}
