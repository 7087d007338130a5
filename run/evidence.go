package run

import (
	"context"
	"errors"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/git-proof/git-proof/checks"
	"github.com/git-proof/git-proof/coverage"
	"github.com/git-proof/git-proof/deps"
	"github.com/git-proof/git-proof/gitx"
	"github.com/git-proof/git-proof/proofpack"
	"github.com/git-proof/git-proof/sarif"
)

// newFindings compares a static-analysis check's findings at head with
// base: only new ones count (sarif.Match); levels are kept.
func newFindings(base, head *checks.Outcome) *proofpack.Findings {
	var bf []sarif.Finding
	if base != nil {
		bf = base.Findings
	}
	added, fixed, unchanged := sarif.Match(bf, head.Findings)
	f := &proofpack.Findings{New: len(added), Fixed: len(fixed), Unchanged: len(unchanged), NewByLevel: map[string]int{}}
	for _, x := range added {
		if x.Suppressed {
			continue
		}
		f.NewByLevel[x.Level]++
		msg := x.Message
		if len(msg) > 200 {
			msg = msg[:200] + "…"
		}
		f.NewList = append(f.NewList, proofpack.Finding{Rule: x.RuleID, Level: x.Level, File: x.File, Line: x.StartLine, Message: msg})
	}
	return f
}

// changedCode is the added and changed lines of the patch, without the
// test files (coverage tools measure those too; they are not the change's
// code).
func changedCode(patch []byte, testGlobs []string) (coverage.ChangedLines, error) {
	changed, err := coverage.ChangedFromUnifiedDiff(patch)
	if err != nil {
		return nil, fmt.Errorf("changed lines: %w", err)
	}
	for f := range changed {
		if checks.IsTestFile(f, testGlobs) {
			delete(changed, f)
		}
	}
	return changed, nil
}

// changeCoverage measures the coverage of the changed lines at head.
func changeCoverage(cd *checks.CoverageData, changed coverage.ChangedLines) *proofpack.Coverage {
	if cd.Error != "" {
		return &proofpack.Coverage{Error: cd.Error}
	}
	prof, err := cd.Profile()
	if err != nil {
		return &proofpack.Coverage{Error: "coverage data does not parse: " + err.Error()}
	}
	res := coverage.OfChanges(prof, changed)
	c := &proofpack.Coverage{Executable: res.Executable, Covered: res.Covered, Fraction: res.Fraction, Files: res.Files, NoData: res.NoData}
	files := make([]string, 0, len(res.Uncovered))
	for f := range res.Uncovered {
		files = append(files, f)
	}
	sort.Strings(files)
	for _, f := range files {
		var parts []string
		for _, r := range res.Uncovered[f] {
			if r.Start == r.End {
				parts = append(parts, strconv.Itoa(r.Start))
			} else {
				parts = append(parts, fmt.Sprintf("%d-%d", r.Start, r.End))
			}
		}
		c.Uncovered = append(c.Uncovered, proofpack.UncoveredLines{File: f, Lines: strings.Join(parts, ",")})
	}
	return c
}

// dependencyDelta compares the dependencies of base and head when the
// change touches a manifest or lock file: every manifest of both trees is
// read (the same paths on both sides, as deps.Diff wants), so a lock file
// resolves the versions of the manifest beside it.
func dependencyDelta(ctx context.Context, repo *gitx.Repo, baseTree, headTree string, changed []string) (proofpack.Dependencies, []int, error) {
	var d proofpack.Dependencies
	touched := false
	for _, p := range changed {
		if deps.IsManifest(p) {
			touched = true
			break
		}
	}
	if !touched {
		return d, nil, nil
	}
	read := func(tree string) (map[string][]byte, error) {
		files := map[string][]byte{}
		if tree == repo.EmptyTree() {
			return files, nil
		}
		entries, err := repo.ListTree(ctx, tree, true)
		if err != nil {
			return nil, err
		}
		var names, paths []string
		for _, e := range entries {
			if e.Type == "blob" && deps.IsManifest(e.Path) {
				names, paths = append(names, e.ID), append(paths, e.Path)
			}
		}
		err = repo.ReadObjects(ctx, names, 32<<20, func(i int, o *gitx.Object) error {
			if !o.Missing && !o.TooLarge {
				files[paths[i]] = o.Data
			}
			return nil
		})
		return files, err
	}
	bf, err := read(baseTree)
	if err != nil {
		return d, nil, fmt.Errorf("dependencies at base: %w", err)
	}
	hf, err := read(headTree)
	if err != nil {
		return d, nil, fmt.Errorf("dependencies at head: %w", err)
	}
	bd, berrs := deps.Parse(bf)
	hd, herrs := deps.Parse(hf)
	// What does not parse is unknown, not gone: the dependencies of a
	// directory with a manifest or lock that failed (on either side) are
	// left out of the comparison on both sides.
	unknown := map[string]bool{}
	for _, e := range herrs {
		d.Errors = append(d.Errors, e.Error())
		unknown[errDir(e)] = true
	}
	for _, e := range berrs {
		d.Errors = append(d.Errors, "base: "+e.Error())
		unknown[errDir(e)] = true
	}
	known := func(ds []deps.Dependency) []deps.Dependency {
		out := ds[:0:0]
		for _, x := range ds {
			if !unknown[path.Dir(x.Manifest)] {
				out = append(out, x)
			}
		}
		return out
	}
	delta := deps.Diff(known(bd), known(hd))
	counts := []int{0, 0, 0} // direct added, removed, changed
	add := func(list *[]proofpack.DepChange, n *int, c deps.Change, counter *int) {
		dep := c.New
		if dep == nil {
			dep = c.Old
		}
		direct := (c.New != nil && c.New.Direct) || (c.Old != nil && c.Old.Direct)
		if !direct {
			*n++
			return
		}
		*counter++
		dc := proofpack.DepChange{Ecosystem: dep.Ecosystem, Name: dep.Name, Scope: dep.Scope, PURL: dep.PURL, Manifest: dep.Manifest, Replace: dep.Replace}
		if c.Old != nil {
			dc.OldVersion = c.Old.Version
		}
		if c.New != nil {
			dc.NewVersion = c.New.Version
		}
		*list = append(*list, dc)
	}
	for _, c := range delta.Added {
		add(&d.Added, &d.Indirect.Added, c, &counts[0])
	}
	for _, c := range delta.Removed {
		add(&d.Removed, &d.Indirect.Removed, c, &counts[1])
	}
	for _, c := range delta.Changed {
		add(&d.Changed, &d.Indirect.Changed, c, &counts[2])
	}
	return d, counts, nil
}

// errDir is the directory of the file a parse error is about.
func errDir(err error) string {
	var pe *deps.ParseError
	if errors.As(err, &pe) {
		return path.Dir(pe.File)
	}
	return "."
}
