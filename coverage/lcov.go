package coverage

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"
)

const formatLCOV = "lcov"

// ParseLCOV reads an LCOV tracefile as written by geninfo/lcov, genhtml's
// input, Istanbul (nyc, jest, c8), Node's test runner and most other
// languages' tools. Only line records count: SF: opens a file's record, DA:
// line,count[,checksum] says line ran count times, end_of_record closes it.
// Function, branch and summary records (FN, FNDA, FNF, FNH, FNL, FNA, BRDA,
// BRF, BRH, LF, LH, MCDC, TN, VER and any other upper-case key) are skipped.
// A line repeated in one record, or in several records of the same file
// (one per test name), ran the sum of its counts.
//
// root is the absolute directory the tree was at when the report was
// written (the worktree path as the tool saw it: resolve symlinks if the
// tool does). An absolute SF path is made relative to root; one outside
// root is listed by Outside. A relative SF path is taken relative to
// workDir, the slash path within the repository the tool ran in ("" or "."
// for the root). Paths are read with this machine's conventions, since the
// tool ran here.
//
// The input must be a whole tracefile: a record left open at the end (a
// tool that died while writing) is an error, and so are DA before SF,
// negative or non-numeric counts, line 0, lines past MaxLine, NUL bytes and
// lines that are not LCOV records.
func ParseLCOV(r io.Reader, root, workDir string) (*Profile, error) {
	return parseLCOV(r, root, workDir, MaxInputBytes)
}

func parseLCOV(r io.Reader, root, workDir string, maxBytes int64) (*Profile, error) {
	if root != "" && !filepath.IsAbs(root) {
		return nil, fmt.Errorf("%s: root %q: want an absolute directory", formatLCOV, root)
	}
	workDir = strings.TrimSuffix(filepath.ToSlash(workDir), "/")
	if workDir == "" {
		workDir = "."
	}
	if workDir != "." && !inTree(workDir) {
		return nil, fmt.Errorf("%s: work directory %q: want a clean path relative to the repository root", formatLCOV, workDir)
	}
	ls := newLineScanner(r, formatLCOV, maxBytes)
	b := newBuilder()
	var (
		open   bool   // inside a record
		openAt int    // the line of its SF:
		file   string // its repo-relative path, "" when outside the tree
	)
	for {
		line, ok := ls.next()
		if !ok {
			break
		}
		if bytes.IndexByte(line, 0) >= 0 {
			return nil, errAt(formatLCOV, ls.n, ErrMalformed, "binary data")
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		if string(line) == "end_of_record" {
			if !open {
				return nil, errAt(formatLCOV, ls.n, ErrMalformed, "end_of_record without SF")
			}
			open = false
			continue
		}
		key, val, ok := bytes.Cut(line, []byte(":"))
		if !ok || !isRecordKey(key) {
			return nil, errAt(formatLCOV, ls.n, ErrMalformed, "%q is not an LCOV record", truncate(line))
		}
		switch string(key) {
		case "SF":
			if open {
				return nil, errAt(formatLCOV, ls.n, ErrMalformed, "SF while the record opened at line %d has no end_of_record", openAt)
			}
			if len(val) == 0 {
				return nil, errAt(formatLCOV, ls.n, ErrMalformed, "SF without a path")
			}
			open, openAt = true, ls.n
			name, in := lcovPath(string(val), root, workDir)
			if !b.file(name, in) {
				return nil, errAt(formatLCOV, ls.n, ErrTooLarge, "more than %d files", MaxFiles)
			}
			file = ""
			if in {
				file = name
			}
		case "DA":
			if !open {
				return nil, errAt(formatLCOV, ls.n, ErrMalformed, "DA before SF")
			}
			ln, count, err := parseDA(val)
			if err != nil {
				return nil, &ParseError{Format: formatLCOV, Line: ls.n, Err: err}
			}
			if file != "" {
				b.add(file, span{start: ln, end: ln, count: count})
			}
		}
	}
	if err := ls.err(); err != nil {
		return nil, err
	}
	if open {
		return nil, errAt(formatLCOV, ls.n, ErrMalformed, "the record opened at line %d has no end_of_record (truncated report?)", openAt)
	}
	return b.profile(true), nil
}

// isRecordKey reports whether k looks like an LCOV key: upper-case letters,
// digits and '_', starting with a letter (TN, SF, DA, BRDA, FNL, MCDC, …).
func isRecordKey(k []byte) bool {
	if len(k) == 0 || k[0] < 'A' || k[0] > 'Z' {
		return false
	}
	for _, c := range k {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// parseDA parses "line,count[,checksum]".
func parseDA(val []byte) (int, int64, error) {
	l, rest, ok := bytes.Cut(val, []byte(","))
	if !ok {
		return 0, 0, fmt.Errorf("DA %q: want line,count: %w", truncate(val), ErrMalformed)
	}
	c, _, _ := bytes.Cut(rest, []byte(",")) // the checksum, if any, is not ours to check
	ln, ok := parseNumber(l, MaxLine)
	if !ok || ln == 0 {
		if n, isNum := parseNumber(l, math.MaxInt64); isNum && n > MaxLine {
			return 0, 0, fmt.Errorf("DA line %s: past %d: %w", l, MaxLine, ErrTooLarge)
		}
		return 0, 0, fmt.Errorf("DA line %q: want 1 to %d: %w", truncate(l), MaxLine, ErrMalformed)
	}
	if len(c) > 0 && c[0] == '-' {
		return 0, 0, fmt.Errorf("DA count %q: negative: %w", truncate(c), ErrMalformed)
	}
	count, ok := parseNumber(c, math.MaxInt64)
	if !ok {
		return 0, 0, fmt.Errorf("DA count %q: want a non-negative integer: %w", truncate(c), ErrMalformed)
	}
	return int(ln), count, nil
}

// lcovPath maps an SF path to a repo-relative slash path; in is false (and
// name is the path as given) when it lies outside the tree.
func lcovPath(sf, root, workDir string) (name string, in bool) {
	p := sf
	if filepath.IsAbs(sf) {
		if root == "" {
			return sf, false
		}
		rel, err := filepath.Rel(root, sf)
		if err != nil {
			return sf, false
		}
		p = filepath.ToSlash(rel)
	} else {
		p = filepath.ToSlash(filepath.Join(filepath.FromSlash(workDir), sf))
	}
	if !inTree(p) {
		return sf, false
	}
	return p, true
}
