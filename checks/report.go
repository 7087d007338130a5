package checks

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/git-proof/git-proof/checks/junit"
	"github.com/git-proof/git-proof/checks/tap"
	"github.com/git-proof/git-proof/checks/testcase"
	"github.com/git-proof/git-proof/sarif"
)

// Limits on report files.
const (
	maxReportFiles = 1000
	maxReportBytes = 64 << 20 // all of a check's report files together
)

// The formats a check's report can be read in, beyond go-test-json and
// exit-code.
const (
	FormatJUnit = "junit"
	FormatTAP   = "tap"
	FormatSARIF = "sarif"
)

// readReports reads the files glob names under dir, one slice per file
// (sorted by path, so the result does not depend on the file system's
// order); the glob cannot leave dir.
func readReports(dir, glob string) ([][]byte, error) {
	matches, err := doublestar.Glob(os.DirFS(dir), glob)
	if err != nil {
		return nil, fmt.Errorf("report glob %q: %w", glob, err)
	}
	if len(matches) == 0 {
		return nil, fmt.Errorf("report glob %q matched no files: the check wrote no report", glob)
	}
	if len(matches) > maxReportFiles {
		return nil, fmt.Errorf("report glob %q matched %d files, over the limit of %d", glob, len(matches), maxReportFiles)
	}
	sort.Strings(matches)
	var out [][]byte
	total := 0
	for _, m := range matches {
		b, err := readRegular(filepath.Join(dir, filepath.FromSlash(m)), maxReportBytes-total)
		if err != nil {
			return nil, fmt.Errorf("report %s: %w", m, err)
		}
		total += len(b)
		out = append(out, b)
	}
	return out, nil
}

// readRegular reads a regular file of at most limit bytes.
func readRegular(path string, limit int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file")
	}
	b, err := io.ReadAll(io.LimitReader(f, int64(limit)+1))
	if err != nil {
		return nil, err
	}
	if len(b) > limit {
		return nil, fmt.Errorf("reports over %d bytes", maxReportBytes)
	}
	return b, nil
}

// parseReports reads test results from reports in format (junit or tap),
// one report per slice; results of several reports merge, the worst
// status of an ID winning.
func parseReports(format string, reports [][]byte) ([]Result, error) {
	var all []testcase.Case
	for _, r := range reports {
		var cases []testcase.Case
		var err error
		switch format {
		case FormatJUnit:
			if cases, err = junit.Parse(bytes.NewReader(r)); err != nil {
				return nil, fmt.Errorf("junit report: %w", err)
			}
		case FormatTAP:
			if cases, err = tap.Parse(bytes.NewReader(r)); err != nil {
				return nil, fmt.Errorf("tap report: %w", err)
			}
		default:
			return nil, fmt.Errorf("unknown report format %q", format)
		}
		all = append(all, cases...)
	}
	merged := testcase.Merge(all)
	out := make([]Result, len(merged))
	for i, c := range merged {
		out[i] = Result{ID: c.ID, Status: c.Status}
	}
	return out, nil
}

// parseFindings reads SARIF reports (or, when a check's output is `go vet`
// text, converts it), with paths made relative to dir.
func parseFindings(reports [][]byte, dir, tool string) ([]sarif.Finding, error) {
	var all []sarif.Finding
	for _, r := range reports {
		var fs []sarif.Finding
		var err error
		if t := bytes.TrimSpace(r); len(t) == 0 || t[0] != '{' {
			// Not JSON: `go vet` text output, converted.
			fs, err = sarif.FromGoVet(bytes.NewReader(r), tool, dir)
		} else {
			fs, err = sarif.Parse(bytes.NewReader(r), dir)
		}
		if err != nil {
			return nil, fmt.Errorf("sarif report: %w", err)
		}
		all = append(all, fs...)
	}
	return all, nil
}
