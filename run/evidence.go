package run

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/git-proof/git-proof/checks"
	"github.com/git-proof/git-proof/coverage"
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

// changedCode is the added and changed lines of base → head, without the
// test files (coverage tools measure those too; they are not the change's
// code).
func changedCode(ctx context.Context, repo *gitx.Repo, baseTree, headTree string, testGlobs []string) (coverage.ChangedLines, error) {
	out, err := repo.Run(ctx, "diff-tree", "-p", "-U0", "--no-color", "--no-ext-diff", "--no-textconv", "--no-renames",
		"--src-prefix=a/", "--dst-prefix=b/", baseTree, headTree)
	if err != nil {
		return nil, fmt.Errorf("changed lines: %w", err)
	}
	changed, err := coverage.ChangedFromUnifiedDiff(out)
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
