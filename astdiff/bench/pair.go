package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"time"

	"github.com/git-proof/git-proof/astdiff"
)

func median(runs int, f func() error) (time.Duration, error) {
	var ds []time.Duration
	for i := 0; i < runs; i++ {
		start := time.Now()
		if err := f(); err != nil {
			return 0, err
		}
		ds = append(ds, time.Since(start))
	}
	slices.Sort(ds)
	return ds[len(ds)/2], nil
}

type fileTime struct {
	path  string
	bytes int
	d     time.Duration
	res   astdiff.FileResult
}

func pair(ctx context.Context, az *astdiff.Analyzer, oldDir, newDir string, runs int, check bool) error {
	tmp, err := os.MkdirTemp("", "astdiff-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	r := repo{dir: tmp}
	if _, err := r.git(ctx, nil, "init", "-q"); err != nil {
		return err
	}
	if _, err := r.git(ctx, nil, "config", "core.autocrlf", "false"); err != nil {
		return err
	}
	base, err := r.commitTree(ctx, oldDir, "old")
	if err != nil {
		return err
	}
	head, err := r.commitTree(ctx, newDir, "new")
	if err != nil {
		return err
	}
	statTime, err := median(runs, func() error { _, err := r.git(ctx, nil, "diff", "--stat", base, head); return err })
	if err != nil {
		return err
	}
	diffTime, err := median(runs, func() error { _, err := r.git(ctx, nil, "diff", "-U0", base, head); return err })
	if err != nil {
		return err
	}

	start := time.Now()
	patch, err := r.git(ctx, nil, "diff", "-U0", "--no-color", "--no-ext-diff", "--no-renames", base, head)
	if err != nil {
		return err
	}
	files, err := astdiff.ParseDiff(patch)
	if err != nil {
		return err
	}
	blobs, err := readBlobs(ctx, r, base, head, files)
	if err != nil {
		return err
	}
	readTime := time.Since(start)

	// Load the grammars once before timing files: a long-lived Analyzer
	// pays this on first use only.
	warm := time.Now()
	for _, f := range files {
		p := f.NewPath
		if p == "" {
			p = f.OldPath
		}
		az.File(ctx, astdiff.FileRequest{Path: p, Old: []byte("a\n"), New: []byte("b\n")})
	}
	warmTime := time.Since(warm)

	runtime.GC()
	var times []fileTime
	classes := map[astdiff.Class]int{}
	langs := map[string]int{}
	hunks, essential, api := 0, 0, 0
	var parse, classify time.Duration
	parsed := 0
	all := time.Now()
	for i, f := range files {
		p := f.NewPath
		if p == "" {
			p = f.OldPath
		}
		req := astdiff.FileRequest{Path: p, Old: blobs[2*i], New: blobs[2*i+1], Hunks: f.Hunks, Binary: f.Binary}
		t0 := time.Now()
		res := az.File(ctx, req)
		d := time.Since(t0)
		times = append(times, fileTime{path: p, bytes: max(len(req.Old), len(req.New)), d: d, res: res})
		lang := string(res.Language)
		if lang == "" || res.Reason != "" {
			lang += "(" + res.Reason + ")"
		}
		langs[lang]++
		for _, h := range res.Hunks {
			classes[h.Class]++
			hunks++
			if h.Essential {
				essential++
			}
		}
		api += len(res.API)
		parse += res.Stats.Parse
		classify += res.Stats.Classify
		parsed += res.Stats.Bytes
	}
	total := time.Since(all)

	fmt.Printf("pair: %s → %s\n", oldDir, newDir)
	fmt.Printf("changed files: %d (%s), hunks: %d (%d essential), API changes: %d\n", len(files), countStr(langs), hunks, essential, api)
	fmt.Printf("classes: %s\n", countStr(classesStr(classes)))
	fmt.Printf("git diff --stat: %v   git diff -U0: %v   (median of %d)\n", round(statTime), round(diffTime), runs)
	fmt.Printf("read patch + blobs (git diff -U0 + cat-file --batch): %v; grammar load (once): %v\n", round(readTime), round(warmTime))
	fmt.Printf("astdiff: %v for %d files = %.0f files/s; parse %v (%.1f MB/s over %.1f MB), classify %v\n",
		round(total), len(files), float64(len(files))/total.Seconds(), round(parse), float64(parsed)/1e6/parse.Seconds(), float64(parsed)/1e6, round(classify))
	fmt.Printf("ratio astdiff / git diff -U0: %.1f×   astdiff / git diff --stat: %.1f×\n", total.Seconds()/diffTime.Seconds(), total.Seconds()/statTime.Seconds())
	report := func(name string, ts []fileTime) {
		if len(ts) == 0 {
			return
		}
		ds := make([]time.Duration, len(ts))
		for i, t := range ts {
			ds[i] = t.d
		}
		slices.Sort(ds)
		q := func(p float64) time.Duration { return ds[min(len(ds)-1, int(p*float64(len(ds))))] }
		fmt.Printf("per file %-16s n=%-4d p50 %6.2f ms  p90 %6.2f ms  p99 %6.2f ms  max %6.2f ms\n", name, len(ds),
			ms(q(0.5)), ms(q(0.9)), ms(q(0.99)), ms(ds[len(ds)-1]))
	}
	var small []fileTime
	for _, t := range times {
		if t.bytes <= 200<<10 {
			small = append(small, t)
		}
	}
	var parsedFiles []fileTime
	for _, t := range small {
		if t.res.Stats.Bytes > 0 {
			parsedFiles = append(parsedFiles, t)
		}
	}
	report("(all)", times)
	report("(≤ 200 KB)", small)
	report("(parsed, ≤200KB)", parsedFiles)
	fmt.Printf("peak RSS so far (VmHWM): %s\n", vmHWM())
	slices.SortFunc(times, func(a, b fileTime) int { return int(b.d - a.d) })
	reasons := map[string]int{}
	for _, t := range times {
		for _, h := range t.res.Hunks {
			if h.Class == astdiff.LineLevel {
				reasons[h.Reason]++
			}
		}
	}
	fmt.Printf("line-level reasons: %s\n", countStr(reasons))
	if check {
		if err := compareReference(ctx, files, blobs, times); err != nil {
			return err
		}
	}
	fmt.Println("slowest files:")
	for _, t := range times[:min(5, len(times))] {
		fmt.Printf("  %7.2f ms  %7d B  %d hunks  %s\n", ms(t.d), t.bytes, len(t.res.Hunks), t.path)
	}
	return nil
}

// compareReference labels every file again with full parses of whole trees
// and reports the hunks whose label differs from the fast path's.
func compareReference(ctx context.Context, files []astdiff.FilePatch, blobs [][]byte, times []fileTime) error {
	ref, err := astdiff.New(astdiff.WithFullReparse())
	if err != nil {
		return err
	}
	fast := map[string]astdiff.FileResult{}
	for _, t := range times {
		fast[t.path] = t.res
	}
	diffs, compared := 0, 0
	for i, f := range files {
		p := f.NewPath
		if p == "" {
			p = f.OldPath
		}
		r := ref.File(ctx, astdiff.FileRequest{Path: p, Old: blobs[2*i], New: blobs[2*i+1], Hunks: f.Hunks, Binary: f.Binary})
		a := fast[p]
		for j := range r.Hunks {
			compared++
			x, y := a.Hunks[j], r.Hunks[j]
			if x.Class != y.Class || x.Path != y.Path {
				diffs++
				fmt.Printf("  differs: %s %s: fast %s %q, reference %s %q\n", p, x.Hunk, x.Class, x.Path, y.Class, y.Path)
			}
		}
	}
	fmt.Printf("check against full parses: %d of %d hunks differ\n", diffs, compared)
	return nil
}
