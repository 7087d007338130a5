package review

import (
	"strconv"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// Kinds of diff line.
const (
	lineHeader  = 0   // a file header or anything outside a hunk
	lineAdded   = '+' // new side only
	lineRemoved = '-' // old side only
	lineContext = ' ' // both sides
)

// diffLine is what one line of a unified diff is.
type diffLine struct {
	section int  // index into parsedDiff.sections; -1 before the first file
	kind    byte // lineHeader, lineAdded, lineRemoved, lineContext
	// line is the line number on the new side (added, context) or the old
	// side (removed); 0 for headers.
	line int
}

// section is one file's part of a diff.
type section struct {
	path       string // the new path, or the old one for a deletion
	start, end int    // line indices [start, end)
	headerSeen bool   // its "--- " line was seen
}

// parsedDiff is a unified diff split into files and lines.
type parsedDiff struct {
	lines    []diffLine
	sections []section
}

// parseDiff reads git's unified diff format (and plain "--- / +++" diffs).
// It never fails: whatever it cannot place is a header line of the current
// file. Hunk line counts decide where a hunk ends, so that an added line
// starting with "++" or a removed one starting with "--" is not mistaken
// for a header.
func parseDiff(text string) *parsedDiff {
	lines := splitLines(text)
	pd := &parsedDiff{lines: make([]diffLine, len(lines))}
	cur := -1
	var oldRem, newRem, oldLine, newLine int
	newSection := func(i int) {
		if cur >= 0 {
			pd.sections[cur].end = i
		}
		pd.sections = append(pd.sections, section{start: i})
		cur = len(pd.sections) - 1
	}
	for i, l := range lines {
		if oldRem > 0 || newRem > 0 {
			kind := byte(0)
			if l == "" {
				kind = lineContext // an editor stripped the context line's space
			} else {
				kind = l[0]
			}
			switch kind {
			case lineContext:
				pd.lines[i] = diffLine{section: cur, kind: lineContext, line: newLine}
				oldLine++
				newLine++
				oldRem--
				newRem--
				continue
			case lineAdded:
				pd.lines[i] = diffLine{section: cur, kind: lineAdded, line: newLine}
				newLine++
				newRem--
				continue
			case lineRemoved:
				pd.lines[i] = diffLine{section: cur, kind: lineRemoved, line: oldLine}
				oldLine++
				oldRem--
				continue
			case '\\': // "\ No newline at end of file"
				pd.lines[i] = diffLine{section: cur}
				continue
			}
			oldRem, newRem = 0, 0 // a malformed hunk: read on as headers
		}
		pd.lines[i] = diffLine{section: cur}
		switch {
		case strings.HasPrefix(l, "diff --git "):
			newSection(i)
			pd.lines[i].section = cur
			pd.sections[cur].path = gitHeaderPath(l)
		case strings.HasPrefix(l, "--- ") && i+1 < len(lines) && strings.HasPrefix(lines[i+1], "+++ "):
			if cur < 0 || pd.sections[cur].headerSeen || !strings.HasPrefix(lines[pd.sections[cur].start], "diff --git ") {
				newSection(i)
				pd.lines[i].section = cur
			}
			pd.sections[cur].headerSeen = true
			if p := diffPath(l[4:]); p != "" {
				pd.sections[cur].path = p
			}
		case strings.HasPrefix(l, "+++ ") && cur >= 0:
			if p := diffPath(l[4:]); p != "" {
				pd.sections[cur].path = p
			}
		case strings.HasPrefix(l, "rename to ") && cur >= 0:
			pd.sections[cur].path = unquotePath(l[len("rename to "):])
		case strings.HasPrefix(l, "@@ "):
			o, on, n, nn, ok := parseHunkHeader(l)
			if ok {
				if cur < 0 { // hunks without file headers
					newSection(i)
					pd.lines[i].section = cur
				}
				oldLine, oldRem, newLine, newRem = o, on, n, nn
			}
		}
	}
	if cur >= 0 {
		pd.sections[cur].end = len(lines)
	}
	return pd
}

// splitLines splits at '\n'; a final newline does not start another line.
func splitLines(text string) []string {
	if text == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(text, "\n"), "\n")
}

// parseHunkHeader reads "@@ -a[,b] +c[,d] @@…".
func parseHunkHeader(l string) (oldStart, oldN, newStart, newN int, ok bool) {
	rest := strings.TrimPrefix(l, "@@ ")
	end := strings.Index(rest, " @@")
	if end < 0 {
		return 0, 0, 0, 0, false
	}
	fields := strings.Fields(rest[:end])
	if len(fields) != 2 || !strings.HasPrefix(fields[0], "-") || !strings.HasPrefix(fields[1], "+") {
		return 0, 0, 0, 0, false
	}
	parse := func(s string) (int, int, bool) {
		a, b, found := strings.Cut(s, ",")
		start, err := strconv.Atoi(a)
		if err != nil || start < 0 || start > 1<<30 {
			return 0, 0, false
		}
		n := 1
		if found {
			if n, err = strconv.Atoi(b); err != nil || n < 0 || n > 1<<30 {
				return 0, 0, false
			}
		}
		return start, n, true
	}
	o, on, ok1 := parse(fields[0][1:])
	n, nn, ok2 := parse(fields[1][1:])
	if !ok1 || !ok2 {
		return 0, 0, 0, 0, false
	}
	return o, on, n, nn, true
}

// diffPath reads the path of a "--- " or "+++ " line: git's a/ or b/ prefix
// removed, a C-quoted path unquoted, a timestamp after a tab dropped;
// "" for /dev/null.
func diffPath(s string) string {
	if i := strings.IndexByte(s, '\t'); i >= 0 && !strings.HasPrefix(s, `"`) {
		s = s[:i]
	}
	s = unquotePath(strings.TrimRight(s, " "))
	if s == "/dev/null" {
		return ""
	}
	for _, p := range []string{"a/", "b/"} {
		if rest, ok := strings.CutPrefix(s, p); ok {
			return rest
		}
	}
	return s
}

// gitHeaderPath reads the new path of "diff --git a/X b/X", which is only
// unambiguous when both halves are equal (the common case); the "+++ " line
// that usually follows gives the path otherwise.
func gitHeaderPath(l string) string {
	rest := strings.TrimPrefix(l, "diff --git ")
	if strings.HasPrefix(rest, `"`) {
		return ""
	}
	if n := len(rest); n%2 == 1 {
		a, b := rest[:n/2], rest[n/2+1:]
		if rest[n/2] == ' ' && strings.HasPrefix(a, "a/") && strings.HasPrefix(b, "b/") && a[2:] == b[2:] {
			return b[2:]
		}
	}
	return ""
}

// unquotePath undoes git's C-style quoting of unusual paths.
func unquotePath(s string) string {
	if len(s) >= 2 && s[0] == '"' {
		if u, err := strconv.Unquote(s); err == nil {
			return u
		}
	}
	return s
}

// fileText is the text a finding's evidence is looked up in: each added or
// context line of each file, whitespace-normalised, lines joined by a
// space, hunks separated by a newline (which normalised text never holds).
func (pd *parsedDiff) fileText(text string) map[string]string {
	lines := splitLines(text)
	b := map[string]*strings.Builder{}
	broken, last := true, -1
	for i, dl := range pd.lines {
		switch dl.kind {
		case lineRemoved:
			continue // the new side's lines around it are adjacent
		case lineAdded, lineContext:
		default:
			broken = true
			continue
		}
		if dl.section != last {
			broken = true
		}
		path := pd.sections[dl.section].path
		sb := b[path]
		if sb == nil {
			sb = &strings.Builder{}
			b[path] = sb
		}
		text := ""
		if l := lines[i]; l != "" {
			text = normalizeSpace(l[1:])
		}
		if text == "" {
			continue // a blank line joins its neighbours like a line break
		}
		if sb.Len() > 0 {
			if broken {
				sb.WriteByte('\n')
			} else {
				sb.WriteByte(' ')
			}
		}
		sb.WriteString(text)
		broken, last = false, dl.section
	}
	out := make(map[string]string, len(b))
	for k, v := range b {
		out[k] = v.String()
	}
	return out
}

// normalizeSpace trims s and collapses each run of white space to one
// space.
func normalizeSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// excludeFiles removes the sections whose path matches a glob, returning
// the remaining diff and the excluded paths (in diff order). Text before
// the first file is kept.
func excludeFiles(text string, globs []string) (string, []string) {
	if len(globs) == 0 || text == "" {
		return text, nil
	}
	pd := parseDiff(text)
	lines := splitLines(text)
	drop := make([]bool, len(pd.sections))
	var excluded []string
	for i, s := range pd.sections {
		for _, g := range globs {
			if ok, _ := doublestar.Match(g, s.path); ok {
				drop[i] = true
				excluded = append(excluded, s.path)
				break
			}
		}
	}
	if len(excluded) == 0 {
		return text, nil
	}
	var b strings.Builder
	for i, l := range lines {
		if s := pd.lines[i].section; s >= 0 && drop[s] {
			continue
		}
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.String(), excluded
}
