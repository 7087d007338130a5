package run

import (
	"context"
	"fmt"

	"github.com/git-proof/git-proof/checks"
	"github.com/git-proof/git-proof/gitx"
)

// reproTree builds base's tree with head's test files: every test file of
// base is dropped and every test file of head is added. It returns the tree
// id and how many test files came from head.
func reproTree(ctx context.Context, repo *gitx.Repo, baseTree, headTree string, globs []string) (string, int, error) {
	var base []gitx.TreeEntry
	if baseTree != repo.EmptyTree() {
		var err error
		if base, err = repo.ListTree(ctx, baseTree, true); err != nil {
			return "", 0, fmt.Errorf("repro tree: %w", err)
		}
	}
	head, err := repo.ListTree(ctx, headTree, true)
	if err != nil {
		return "", 0, fmt.Errorf("repro tree: %w", err)
	}
	var entries []gitx.IndexEntry
	for _, e := range base {
		if !checks.IsTestFile(e.Path, globs) {
			entries = append(entries, gitx.IndexEntry{Mode: e.Mode, ID: e.ID, Path: e.Path})
		}
	}
	n := 0
	for _, e := range head {
		if checks.IsTestFile(e.Path, globs) {
			entries = append(entries, gitx.IndexEntry{Mode: e.Mode, ID: e.ID, Path: e.Path})
			n++
		}
	}
	if len(entries) == 0 {
		return repo.EmptyTree(), n, nil
	}
	tree, err := repo.WriteTree(ctx, entries)
	if err != nil {
		return "", 0, fmt.Errorf("repro tree: %w", err)
	}
	return tree, n, nil
}
