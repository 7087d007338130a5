package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/git-proof/git-proof/astdiff"
)

func main() {
	oldDir := flag.String("old", "", "the old tree")
	newDir := flag.String("new", "", "the new tree")
	big := flag.String("big", "", "a large file to time with three edits")
	bigLimit := flag.Int("big-bytes", 1<<20, "cut the large file to at most this many bytes, at a line break")
	runs := flag.Int("runs", 5, "timing runs of git diff (the median is reported)")
	check := flag.Bool("check", false, "also label every file with full parses of whole trees and count differences")
	flag.Parse()
	if err := run(*oldDir, *newDir, *big, *bigLimit, *runs, *check); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(oldDir, newDir, big string, bigLimit, runs int, check bool) error {
	ctx := context.Background()
	az, err := astdiff.New()
	if err != nil {
		return err
	}
	if oldDir != "" && newDir != "" {
		if err := pair(ctx, az, oldDir, newDir, runs, check); err != nil {
			return err
		}
	}
	if big != "" {
		if err := bigFile(ctx, az, big, bigLimit); err != nil {
			return err
		}
	}
	return nil
}

// repo is a throwaway git repository driven by the git CLI.
type repo struct{ dir string }

func (r repo) git(ctx context.Context, stdin io.Reader, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = r.dir
	cmd.Stdin = stdin
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+r.dir, "LC_ALL=C",
		"GIT_AUTHOR_NAME=bench", "GIT_AUTHOR_EMAIL=bench@example.com", "GIT_AUTHOR_DATE=2026-01-01T00:00:00Z",
		"GIT_COMMITTER_NAME=bench", "GIT_COMMITTER_EMAIL=bench@example.com", "GIT_COMMITTER_DATE=2026-01-01T00:00:00Z")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 1 && len(args) > 0 && args[0] == "diff" {
			return out, nil
		}
		return out, fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, stderr.String())
	}
	return out, nil
}

// commitTree commits the files of dir as the repository's next commit.
func (r repo) commitTree(ctx context.Context, dir, msg string) (string, error) {
	if _, err := r.git(ctx, nil, "--work-tree="+dir, "add", "-A", "."); err != nil {
		return "", err
	}
	if _, err := r.git(ctx, nil, "--work-tree="+dir, "commit", "-q", "--allow-empty", "-m", msg); err != nil {
		return "", err
	}
	out, err := r.git(ctx, nil, "rev-parse", "HEAD")
	return strings.TrimSpace(string(out)), err
}

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

// readBlobs reads the old and new blob of every file through one
// `git cat-file --batch`: blobs[2i] and blobs[2i+1].
func readBlobs(ctx context.Context, r repo, base, head string, files []astdiff.FilePatch) ([][]byte, error) {
	var in bytes.Buffer
	for _, f := range files {
		for _, side := range []struct{ rev, path string }{{base, f.OldPath}, {head, f.NewPath}} {
			if side.path == "" {
				in.WriteString("missing-empty-side\n")
			} else {
				in.WriteString(side.rev + ":" + side.path + "\n")
			}
		}
	}
	out, err := r.git(ctx, &in, "cat-file", "--batch")
	if err != nil {
		return nil, err
	}
	br := bufio.NewReader(bytes.NewReader(out))
	var blobs [][]byte
	for range 2 * len(files) {
		hdr, err := br.ReadString('\n')
		if err != nil {
			return nil, fmt.Errorf("cat-file: %w", err)
		}
		f := strings.Fields(hdr)
		if len(f) == 2 && f[1] == "missing" {
			blobs = append(blobs, nil)
			continue
		}
		if len(f) != 3 {
			return nil, fmt.Errorf("cat-file: header %q", hdr)
		}
		n, err := strconv.Atoi(f[2])
		if err != nil {
			return nil, fmt.Errorf("cat-file: header %q", hdr)
		}
		b := make([]byte, n+1)
		if _, err := io.ReadFull(br, b); err != nil {
			return nil, fmt.Errorf("cat-file: %w", err)
		}
		blobs = append(blobs, b[:n])
	}
	return blobs, nil
}

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

func vmHWM() string {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return fmt.Sprintf("Go Sys %s", kib(int(m.Sys)))
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "?"
}

func countStr(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

func classesStr(m map[astdiff.Class]int) map[string]int {
	out := map[string]int{}
	for k, v := range m {
		out[string(k)] = v
	}
	return out
}

func ms(d time.Duration) float64   { return float64(d.Microseconds()) / 1000 }
func round(d time.Duration) string { return d.Round(10 * time.Microsecond).String() }
func kib(n int) string             { return fmt.Sprintf("%.0f KiB", float64(n)/1024) }

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
