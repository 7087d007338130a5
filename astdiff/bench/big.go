package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/git-proof/git-proof/astdiff"
)

// bigFile times one large file, cut to limit bytes at a line break, with
// three one-line edits spread over it.
func bigFile(ctx context.Context, az *astdiff.Analyzer, path string, limit int) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if len(src) > limit {
		cut := bytes.LastIndex(src[:limit], []byte("\nfunc "))
		if cut < 0 {
			cut = bytes.LastIndexByte(src[:limit], '\n')
		}
		src = src[:cut+1]
	}
	lines := bytes.SplitAfter(src, []byte("\n"))
	edited := slices.Clone(lines)
	for _, frac := range []int{1, 2, 3} {
		i := len(lines) * frac / 4
		for i < len(lines) && !bytes.Contains(lines[i], []byte("return")) {
			i++
		}
		if i < len(lines) {
			edited[i] = append([]byte("\t_ = 0\n"), lines[i]...)
		}
	}
	newSrc := bytes.Join(edited, nil)
	big, err := astdiff.New(astdiff.WithMaxFileBytes(max(len(src), len(newSrc))))
	if err != nil {
		return err
	}
	full, err := astdiff.New(astdiff.WithMaxFileBytes(max(len(src), len(newSrc))), astdiff.WithFullReparse())
	if err != nil {
		return err
	}
	for _, a := range []*astdiff.Analyzer{big, full} { // load the grammar
		a.File(ctx, astdiff.FileRequest{Path: "x.go", Old: []byte("package a\n"), New: []byte("package b\n")})
	}
	name := filepath.Base(path)
	defer func() { fmt.Printf("peak RSS after the reference run (VmHWM): %s\n", vmHWM()) }()
	for i, c := range []struct {
		label string
		a     *astdiff.Analyzer
	}{{"incremental", big}, {"full reparse", full}} {
		var ds []time.Duration
		var res astdiff.FileResult
		for range 3 {
			runtime.GC()
			t0 := time.Now()
			res = c.a.File(ctx, astdiff.FileRequest{Path: name, Old: src, New: newSrc})
			ds = append(ds, time.Since(t0))
		}
		slices.Sort(ds)
		var cls []string
		for _, h := range res.Hunks {
			cls = append(cls, string(h.Class))
		}
		fmt.Printf("big file %s (%s → %s, %s): median %v (parse %v, classify %v, %d nodes) hunks %s %s\n", name,
			kib(len(src)), kib(len(newSrc)), c.label, round(ds[1]), round(res.Stats.Parse), round(res.Stats.Classify), res.Stats.Nodes, strings.Join(cls, ","), res.Reason)
		if i == 0 {
			fmt.Printf("peak RSS so far (VmHWM): %s\n", vmHWM())
		}
	}
	return nil
}
