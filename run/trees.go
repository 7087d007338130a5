package run

import (
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/git-proof/git-proof/checks"
	"github.com/git-proof/git-proof/gitx"
)

// reproTree builds base's tree with head's test files: every test file of
// base is dropped and every test file of head is added. It returns the tree
// id, how many test files came from head, and what narrowing needs to know
// of the tree (changed is left for the caller).
func reproTree(ctx context.Context, repo *gitx.Repo, baseTree, headTree string, globs []string) (string, int, reproScope, error) {
	rs := reproScope{goTestDirs: map[string]bool{}, goModDirs: map[string]bool{}}
	// The trees base and head have need not be written again: most of
	// repro's are base's.
	var base []gitx.TreeEntry
	known := map[string]bool{}
	if baseTree != repo.EmptyTree() {
		var err error
		if base, known, err = repo.ListTreeAll(ctx, baseTree); err != nil {
			return "", 0, rs, fmt.Errorf("repro tree: %w", err)
		}
	}
	head, headTrees, err := repo.ListTreeAll(ctx, headTree)
	if err != nil {
		return "", 0, rs, fmt.Errorf("repro tree: %w", err)
	}
	for id := range headTrees {
		known[id] = true
	}
	var entries []gitx.IndexEntry
	add := func(e gitx.TreeEntry) {
		entries = append(entries, gitx.IndexEntry{Mode: e.Mode, ID: e.ID, Path: e.Path})
		switch {
		case path.Base(e.Path) == "go.mod":
			rs.goModDirs[dirOf(e.Path)] = true
		case strings.HasSuffix(e.Path, "_test.go"):
			rs.goTestDirs[dirOf(e.Path)] = true
		}
	}
	for _, e := range base {
		if !checks.IsTestFile(e.Path, globs) {
			add(e)
		}
	}
	n := 0
	for _, e := range head {
		if checks.IsTestFile(e.Path, globs) {
			add(e)
			n++
		}
	}
	if len(entries) == 0 {
		return repo.EmptyTree(), n, rs, nil
	}
	tree, err := repo.WriteTreeKnown(ctx, entries, known)
	if err != nil {
		return "", 0, rs, fmt.Errorf("repro tree: %w", err)
	}
	return tree, n, rs, nil
}
