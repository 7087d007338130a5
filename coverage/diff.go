package coverage

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
)

const formatDiff = "diff"

// LineRange is a range of lines, 1-based and inclusive at both ends.
type LineRange struct{ Start, End int }

// ChangedLines holds, per repo-relative slash path, the lines added or
// changed at head: the new-side lines of each hunk that are additions,
// merged into ordered, disjoint ranges. Files with no added lines (deleted,
// binary, mode-only, pure renames, pure deletions) are absent.
type ChangedLines map[string][]LineRange

// ChangedFromUnifiedDiff reads the added lines of each file from a diff as
// printed by
//
//	git diff -U0 --no-color --no-ext-diff --src-prefix=a/ --dst-prefix=b/ BASE HEAD
//
// Context lines (another -U) are read but not counted. It handles new and
// deleted files, renames and copies (with or without --no-renames), binary
// files (with or without --binary), mode changes, paths quoted the way git
// quotes them (octal escapes for non-ASCII bytes with core.quotePath) or
// followed by the tab git adds to names with spaces, and
// `\ No newline at end of file`. Lines before the first file header (a
// commit message from `git log -p`, say) are skipped. A new-side path must
// start with "b/"; a hunk cut short, a malformed hunk header or a combined
// diff (`diff --cc`) is an error that names the line.
func ChangedFromUnifiedDiff(patch []byte) (ChangedLines, error) {
	if len(patch) > MaxInputBytes {
		return nil, errAt(formatDiff, 0, ErrTooLarge, "%d bytes: more than %d", len(patch), MaxInputBytes)
	}
	out := ChangedLines{}
	var (
		file    string // the new-side path of the current file; "" for /dev/null or before +++
		inFile  bool   // inside a file's section
		binary  bool   // inside a GIT binary patch
		oldLeft int    // old-side lines the current hunk still owes
		newLeft int    // new-side lines the current hunk still owes
		newLine int    // the new-side number of the next line
		hunkAt  int    // the line of the current hunk's header
		header  bool   // the current section had its +++ line
		hunks   bool   // the current section had a hunk
		lineNo  int
		rest    = patch
		seen    = map[string]bool{} // every new-side path, for the MaxFiles limit
	)
	add := func(ln int) {
		rs := out[file]
		if n := len(rs); n > 0 && rs[n-1].End+1 == ln {
			rs[n-1].End = ln
		} else {
			rs = append(rs, LineRange{Start: ln, End: ln})
		}
		out[file] = rs
	}
	for len(rest) > 0 {
		var line []byte
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			line, rest = rest, nil
		}
		lineNo++
		line = bytes.TrimSuffix(line, []byte("\r"))

		if oldLeft > 0 || newLeft > 0 {
			// Inside a hunk: its header said how many lines follow.
			if len(line) == 0 {
				line = []byte(" ") // an empty context line whose space was stripped
			}
			switch line[0] {
			case '+':
				if newLeft == 0 {
					return nil, errAt(formatDiff, lineNo, ErrMalformed, "more added lines than the hunk at line %d declares", hunkAt)
				}
				if file != "" {
					add(newLine)
				}
				newLine++
				newLeft--
			case '-':
				if oldLeft == 0 {
					return nil, errAt(formatDiff, lineNo, ErrMalformed, "more removed lines than the hunk at line %d declares", hunkAt)
				}
				oldLeft--
			case ' ':
				if oldLeft == 0 || newLeft == 0 {
					return nil, errAt(formatDiff, lineNo, ErrMalformed, "more context lines than the hunk at line %d declares", hunkAt)
				}
				newLine++
				oldLeft--
				newLeft--
			case '\\':
				// "\ No newline at end of file"
			default:
				return nil, errAt(formatDiff, lineNo, ErrMalformed, "the hunk at line %d ends early (%d old and %d new lines missing)", hunkAt, oldLeft, newLeft)
			}
			continue
		}

		switch {
		case bytes.HasPrefix(line, []byte("diff --git ")):
			inFile, binary, file, header, hunks = true, false, "", false, false
		case bytes.HasPrefix(line, []byte("diff --cc ")), bytes.HasPrefix(line, []byte("diff --combined ")):
			return nil, errAt(formatDiff, lineNo, ErrUnsupported, "combined diff of a merge: diff the two trees instead")
		case binary:
			// The base85 lines of a GIT binary patch.
		case bytes.HasPrefix(line, []byte("--- ")) && len(rest) > 0 && bytes.HasPrefix(rest, []byte("+++ ")):
			// A file header: the old side here, the new side on the next line.
			// A plain (non-git) diff starts its sections this way too.
			inFile, binary, file, header, hunks = true, false, "", false, false
		case inFile && !header && bytes.HasPrefix(line, []byte("+++ ")):
			p, err := newSidePath(line[len("+++ "):])
			if err != nil {
				return nil, &ParseError{Format: formatDiff, Line: lineNo, Err: err}
			}
			file, header = p, true
			if file != "" && !seen[file] {
				if len(seen) >= MaxFiles {
					return nil, errAt(formatDiff, lineNo, ErrTooLarge, "more than %d files", MaxFiles)
				}
				seen[file] = true
			}
		case inFile && bytes.HasPrefix(line, []byte("@@@")):
			return nil, errAt(formatDiff, lineNo, ErrUnsupported, "combined diff hunk: diff the two trees instead")
		case inFile && bytes.HasPrefix(line, []byte("@@ ")):
			if !header {
				return nil, errAt(formatDiff, lineNo, ErrMalformed, "hunk without a ---/+++ file header")
			}
			oldCount, newStart, newCount, err := parseHunkHeader(line)
			if err != nil {
				return nil, &ParseError{Format: formatDiff, Line: lineNo, Err: err}
			}
			if newCount > 0 && newStart+newCount-1 > MaxLine {
				return nil, errAt(formatDiff, lineNo, ErrTooLarge, "new lines %d-%d: past %d", newStart, newStart+newCount-1, MaxLine)
			}
			oldLeft, newLeft, newLine, hunkAt, hunks = oldCount, newCount, newStart, lineNo, true
		case hunks && len(line) > 0 && line[0] == '+':
			return nil, errAt(formatDiff, lineNo, ErrMalformed, "added line after the hunk at line %d ended: its header undercounts", hunkAt)
		case inFile && bytes.HasPrefix(line, []byte("GIT binary patch")):
			binary = true
		default:
			// Extended headers (index, mode, rename, similarity, Binary files
			// … differ) and anything between sections.
		}
	}
	if oldLeft > 0 || newLeft > 0 {
		return nil, errAt(formatDiff, lineNo, ErrMalformed, "the hunk at line %d is cut short (%d old and %d new lines missing)", hunkAt, oldLeft, newLeft)
	}
	// git writes hunks in order; a hand-made diff may not.
	for f := range out {
		out[f] = out.normalize(f)
	}
	return out, nil
}

// parseHunkHeader parses "@@ -old[,n] +new[,n] @@[ section]".
func parseHunkHeader(line []byte) (oldCount, newStart, newCount int, err error) {
	bad := func(why string) (int, int, int, error) {
		return 0, 0, 0, fmt.Errorf("hunk header %q: %s: %w", truncate(line), why, ErrMalformed)
	}
	rest := line[len("@@ "):]
	end := bytes.Index(rest, []byte(" @@"))
	if end < 0 {
		return bad("no closing @@")
	}
	fields := bytes.Split(rest[:end], []byte(" "))
	if len(fields) != 2 || len(fields[0]) < 2 || fields[0][0] != '-' || len(fields[1]) < 2 || fields[1][0] != '+' {
		return bad("want -old[,n] +new[,n]")
	}
	var (
		oldStart int
		ok       bool
	)
	if oldStart, oldCount, ok = parseHunkRange(fields[0][1:]); !ok {
		return bad("old range")
	}
	if newStart, newCount, ok = parseHunkRange(fields[1][1:]); !ok {
		return bad("new range")
	}
	if newCount > 0 && newStart == 0 || oldCount > 0 && oldStart == 0 {
		return bad("a range with lines starts at line 0")
	}
	return oldCount, newStart, newCount, nil
}

// parseHunkRange parses "start[,count]"; the count is 1 when omitted.
func parseHunkRange(b []byte) (start, count int, ok bool) {
	s, c, hasCount := bytes.Cut(b, []byte(","))
	st, ok := parseNumber(s, MaxLine)
	if !ok {
		return 0, 0, false
	}
	n := int64(1)
	if hasCount {
		if n, ok = parseNumber(c, MaxLine); !ok {
			return 0, 0, false
		}
	}
	return int(st), int(n), true
}

// newSidePath reads the path of a "+++ " line: "" for /dev/null, else the
// path after "b/", unquoted, without the tab git appends to names with
// spaces.
func newSidePath(b []byte) (string, error) {
	if bytes.Equal(b, []byte("/dev/null")) {
		return "", nil
	}
	if len(b) > 0 && b[0] == '"' {
		s, ok := unquoteGit(b)
		if !ok {
			return "", fmt.Errorf("path %q: bad quoting: %w", truncate(b), ErrMalformed)
		}
		b = []byte(s)
	} else if i := bytes.IndexByte(b, '\t'); i >= 0 {
		// git's "+++ b/name with space\t"; GNU diff puts a date after the tab.
		b = b[:i]
	}
	p, ok := bytes.CutPrefix(b, []byte("b/"))
	if !ok {
		return "", fmt.Errorf("path %q: want the b/ prefix (run git diff with --dst-prefix=b/): %w", truncate(b), ErrMalformed)
	}
	if !inTree(string(p)) {
		return "", fmt.Errorf("path %q: not a clean path inside the repository: %w", truncate(p), ErrMalformed)
	}
	return string(p), nil
}

// unquoteGit undoes git's C-style quoting of a path: "…" with \a \b \t \n
// \v \f \r \" \\ and three-digit octal escapes of raw bytes. Anything after
// the closing quote must be a tab or nothing.
func unquoteGit(b []byte) (string, bool) {
	if len(b) < 2 || b[0] != '"' {
		return "", false
	}
	var out []byte
	for i := 1; i < len(b); i++ {
		c := b[i]
		switch c {
		case '"':
			tail := b[i+1:]
			if len(tail) > 0 && tail[0] != '\t' {
				return "", false
			}
			return string(out), true
		case '\\':
			i++
			if i >= len(b) {
				return "", false
			}
			switch e := b[i]; e {
			case 'a':
				out = append(out, '\a')
			case 'b':
				out = append(out, '\b')
			case 't':
				out = append(out, '\t')
			case 'n':
				out = append(out, '\n')
			case 'v':
				out = append(out, '\v')
			case 'f':
				out = append(out, '\f')
			case 'r':
				out = append(out, '\r')
			case '"', '\\':
				out = append(out, e)
			case '0', '1', '2', '3':
				if i+2 >= len(b) {
					return "", false
				}
				v, err := strconv.ParseUint(string(b[i:i+3]), 8, 8)
				if err != nil {
					return "", false
				}
				out = append(out, byte(v))
				i += 2
			default:
				return "", false
			}
		default:
			out = append(out, c)
		}
	}
	return "", false
}

// normalize returns the ranges of c for file sorted and merged, dropping
// empty or inverted ones and clamping starts to line 1.
func (c ChangedLines) normalize(file string) []LineRange {
	rs := make([]LineRange, 0, len(c[file]))
	for _, r := range c[file] {
		r.Start = max(r.Start, 1)
		if r.End >= r.Start {
			rs = append(rs, r)
		}
	}
	slices.SortFunc(rs, func(a, b LineRange) int { return a.Start - b.Start })
	var out []LineRange
	for _, r := range rs {
		if n := len(out); n > 0 && r.Start <= out[n-1].End+1 {
			out[n-1].End = max(out[n-1].End, r.End)
			continue
		}
		out = append(out, r)
	}
	return out
}
