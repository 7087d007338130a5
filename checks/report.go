package checks

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/bmatcuk/doublestar/v4"
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

// readReports reads the files glob names under dir (sorted, so the
// result does not depend on the file system's order), refusing paths that
// leave dir.
func readReports(dir, glob string) ([]byte, error) {
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
	var buf bytes.Buffer
	for _, m := range matches {
		f, err := os.Open(filepath.Join(dir, filepath.FromSlash(m)))
		if err != nil {
			return nil, fmt.Errorf("report %s: %w", m, err)
		}
		fi, err := f.Stat()
		if err != nil || !fi.Mode().IsRegular() {
			f.Close()
			if err == nil {
				err = fmt.Errorf("not a regular file")
			}
			return nil, fmt.Errorf("report %s: %w", m, err)
		}
		_, err = io.Copy(&buf, io.LimitReader(f, maxReportBytes+1-int64(buf.Len())))
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("report %s: %w", m, err)
		}
		if buf.Len() > maxReportBytes {
			return nil, fmt.Errorf("reports over %d bytes", maxReportBytes)
		}
		buf.WriteByte('\n')
	}
	return buf.Bytes(), nil
}

// parseReport reads a report in one of the formats other packages parse.
func parseReport(format string, data []byte) ([]Result, error) {
	return nil, fmt.Errorf("format %s is not supported by this git-proof yet", format)
}
