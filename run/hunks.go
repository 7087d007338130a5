package run

import (
	"context"
	"fmt"

	"github.com/git-proof/git-proof/astdiff"
	"github.com/git-proof/git-proof/gitx"
	"github.com/git-proof/git-proof/proofpack"
	"github.com/git-proof/git-proof/risk"
)

// maxBlobBytes bounds a blob read for classification: above it (astdiff's
// own limit is 1 MiB) the file's hunks are line-level unread.
const maxBlobBytes = 2 << 20

// classifiedHunks labels every hunk of the patch with astdiff and lists
// the public declarations that changed. entries are the raw diff of the
// same trees, whose blob ids are read (paths are not: a path may hold a
// newline, which cat-file --batch cannot take).
func classifiedHunks(ctx context.Context, repo *gitx.Repo, patch []byte, entries []gitx.DiffEntry) ([]proofpack.Hunk, proofpack.HunkCounts, proofpack.API, error) {
	counts := proofpack.HunkCounts{ByClass: map[string]int{}}
	var api proofpack.API
	files, err := astdiff.ParseDiff(patch)
	if err != nil {
		return nil, counts, api, fmt.Errorf("hunks: %w", err)
	}
	byPath := map[string]gitx.DiffEntry{}
	for _, e := range entries {
		byPath[e.Path] = e
	}
	zero := repo.ZeroID()
	var names []string
	for _, f := range files {
		e := byPath[pathOf(f)]
		for _, id := range []string{e.OldID, e.NewID} {
			if id != "" && id != zero {
				names = append(names, id)
			}
		}
	}
	blobs := map[string][]byte{}
	tooLarge := map[string]bool{}
	err = repo.ReadObjects(ctx, names, maxBlobBytes, func(_ int, o *gitx.Object) error {
		switch {
		case o.TooLarge:
			tooLarge[o.Name] = true
		case !o.Missing:
			blobs[o.Name] = o.Data
		}
		return nil
	})
	if err != nil {
		return nil, counts, api, fmt.Errorf("hunks: %w", err)
	}
	an, err := astdiff.New()
	if err != nil {
		return nil, counts, api, fmt.Errorf("hunks: %w", err)
	}
	var hunks []proofpack.Hunk
	for _, f := range files {
		path := pathOf(f)
		e := byPath[path]
		var res astdiff.FileResult
		if tooLarge[e.OldID] || tooLarge[e.NewID] {
			res = lineLevel(path, f.Hunks, fmt.Sprintf("file over %d MiB", maxBlobBytes>>20))
		} else {
			res = an.File(ctx, astdiff.FileRequest{Path: path, Old: blobs[e.OldID], New: blobs[e.NewID], Hunks: f.Hunks, Binary: f.Binary})
		}
		for _, h := range res.Hunks {
			ph := proofpack.Hunk{
				File: path, OldStart: h.OldStart, OldLines: h.OldLines, NewStart: h.NewStart, NewLines: h.NewLines,
				Language: string(res.Language), Class: string(h.Class), Essential: h.Essential, Path: h.Path, Reason: h.Reason,
			}
			if d := h.New; d != nil {
				ph.Decl = d.Label()
			} else if d := h.Old; d != nil {
				ph.Decl = d.Label()
			}
			if ph.Reason == "" && h.Class == astdiff.LineLevel {
				ph.Reason = res.Reason
			}
			hunks = append(hunks, ph)
			counts.Total++
			counts.ByClass[ph.Class]++
			if ph.Essential {
				counts.Essential++
			}
		}
		for _, c := range res.API {
			api.Changed = append(api.Changed, proofpack.APIChange{Kind: c.Kind, Name: c.Name, Language: string(c.Language), File: c.File,
				Change: c.Change, OldSignature: c.OldSignature, NewSignature: c.NewSignature})
			switch c.Change {
			case "added":
				api.Added++
			case "removed":
				api.Removed++
			default:
				api.Signature++
			}
		}
	}
	return hunks, counts, api, nil
}

// pathOf is a file patch's path: the new one, the old one for a deletion.
func pathOf(f astdiff.FilePatch) string {
	if f.NewPath != "" {
		return f.NewPath
	}
	return f.OldPath
}

// lineLevel labels hunks without reading the file.
func lineLevel(path string, hs []astdiff.Hunk, reason string) astdiff.FileResult {
	res := astdiff.FileResult{Path: path, Reason: reason}
	for _, h := range hs {
		res.Hunks = append(res.Hunks, astdiff.HunkResult{Hunk: h, Class: astdiff.LineLevel, Essential: true, Reason: reason})
	}
	return res
}

// hunkSummary is what the risk score takes of the hunks.
func hunkSummary(c proofpack.HunkCounts) *risk.HunkSummary {
	if c.Total == 0 {
		return nil
	}
	b := c.ByClass
	return &risk.HunkSummary{
		Total: c.Total, Essential: c.Essential,
		FormattingOnly: b[string(astdiff.FormattingOnly)], CommentOnly: b[string(astdiff.CommentOnly)],
		ImportChange: b[string(astdiff.ImportChange)], DeclAdded: b[string(astdiff.DeclAdded)],
		DeclRemoved: b[string(astdiff.DeclRemoved)], DeclRenamed: b[string(astdiff.DeclRenamed)],
		CodeChange: b[string(astdiff.CodeChange)], LineLevel: b[string(astdiff.LineLevel)],
	}
}
