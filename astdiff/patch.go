package astdiff

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// FilePatch is one file of a unified diff: its paths ("" for /dev/null) and
// hunk headers.
type FilePatch struct {
	OldPath, NewPath string
	Binary           bool
	Hunks            []Hunk
}

// ParseDiff reads the output of `git diff -U0` (or any unified diff) and
// returns each file's paths and hunks. Hunk bodies are skipped, so context
// lines are allowed but not needed. Run git with --no-color and
// --no-ext-diff; paths are unquoted as git quotes them.
func ParseDiff(patch []byte) ([]FilePatch, error) {
	var out []FilePatch
	cur := -1                // index of the current file in out
	git := false             // the current file began with "diff --git"
	skipOld, skipNew := 0, 0 // body lines of the current hunk still to skip
	for lineNo := 1; len(patch) > 0; lineNo++ {
		var line []byte
		if i := bytes.IndexByte(patch, '\n'); i >= 0 {
			line, patch = patch[:i], patch[i+1:]
		} else {
			line, patch = patch, nil
		}
		if skipOld > 0 || skipNew > 0 {
			c := byte(' ')
			if len(line) > 0 {
				c = line[0]
			}
			switch {
			case c == ' ' && skipOld > 0 && skipNew > 0:
				skipOld--
				skipNew--
				continue
			case c == '-' && skipOld > 0:
				skipOld--
				continue
			case c == '+' && skipNew > 0:
				skipNew--
				continue
			}
		}
		if len(line) > 0 && line[0] == '\\' { // "\ No newline at end of file"
			continue
		}
		skipOld, skipNew = 0, 0
		s := string(line)
		if strings.HasPrefix(s, "diff --git ") || (strings.HasPrefix(s, "--- ") && (cur < 0 || !git && len(out[cur].Hunks) > 0)) {
			out = append(out, FilePatch{})
			cur = len(out) - 1
			git = strings.HasPrefix(s, "diff --git ")
			if git {
				out[cur].OldPath, out[cur].NewPath, _ = splitGitPaths(s[len("diff --git "):])
				continue
			}
		}
		if cur < 0 {
			continue // preamble, such as a commit message
		}
		f := &out[cur]
		var err error
		switch {
		case strings.HasPrefix(s, "--- "):
			f.OldPath, err = patchPath(s[4:], "a/")
		case strings.HasPrefix(s, "+++ "):
			f.NewPath, err = patchPath(s[4:], "b/")
		case strings.HasPrefix(s, "rename from "):
			f.OldPath = unquote(s[len("rename from "):])
		case strings.HasPrefix(s, "rename to "):
			f.NewPath = unquote(s[len("rename to "):])
		case strings.HasPrefix(s, "new file mode"):
			f.OldPath = ""
		case strings.HasPrefix(s, "deleted file mode"):
			f.NewPath = ""
		case strings.HasPrefix(s, "Binary files ") || strings.HasPrefix(s, "GIT binary patch"):
			f.Binary = true
		case strings.HasPrefix(s, "@@ "):
			var h Hunk
			if h, err = ParseHunkHeader(s); err == nil {
				f.Hunks = append(f.Hunks, h)
				skipOld, skipNew = h.OldLines, h.NewLines
			}
		}
		if err != nil {
			return nil, fmt.Errorf("diff line %d: %w", lineNo, err)
		}
	}
	return out, nil
}

// ParseHunkHeader parses "@@ -a,b +c,d @@ …"; a missing count means 1.
func ParseHunkHeader(s string) (Hunk, error) {
	rest, ok := strings.CutPrefix(s, "@@ -")
	if !ok {
		return Hunk{}, fmt.Errorf("hunk header %q: no \"@@ -\"", s)
	}
	oldPart, rest, ok := strings.Cut(rest, " +")
	if !ok {
		return Hunk{}, fmt.Errorf("hunk header %q: no \" +\"", s)
	}
	newPart, _, ok := strings.Cut(rest, " @@")
	if !ok {
		return Hunk{}, fmt.Errorf("hunk header %q: no closing \"@@\"", s)
	}
	var h Hunk
	var err error
	if h.OldStart, h.OldLines, err = parseRange(oldPart); err != nil {
		return Hunk{}, fmt.Errorf("hunk header %q: %w", s, err)
	}
	if h.NewStart, h.NewLines, err = parseRange(newPart); err != nil {
		return Hunk{}, fmt.Errorf("hunk header %q: %w", s, err)
	}
	return h, nil
}

func parseRange(s string) (start, n int, err error) {
	a, b, comma := strings.Cut(s, ",")
	if start, err = strconv.Atoi(a); err != nil || start < 0 {
		return 0, 0, fmt.Errorf("bad start %q", a)
	}
	n = 1
	if comma {
		if n, err = strconv.Atoi(b); err != nil || n < 0 {
			return 0, 0, fmt.Errorf("bad count %q", b)
		}
	}
	return start, n, nil
}

// patchPath reads the path of a ---/+++ line, "" for /dev/null.
func patchPath(s, prefix string) (string, error) {
	if i := strings.IndexByte(s, '\t'); i >= 0 && !strings.HasPrefix(s, "\"") {
		s = s[:i]
	}
	if s == "/dev/null" {
		return "", nil
	}
	s = unquote(s)
	return strings.TrimPrefix(s, prefix), nil
}

// splitGitPaths splits the "a/x b/y" of a diff --git line when it is
// unambiguous (quoted paths, or both halves equal).
func splitGitPaths(s string) (string, string, bool) {
	if strings.HasPrefix(s, "\"") {
		if q, err := strconv.QuotedPrefix(s); err == nil {
			a := unquote(q)
			b := unquote(strings.TrimPrefix(s[len(q):], " "))
			return strings.TrimPrefix(a, "a/"), strings.TrimPrefix(b, "b/"), true
		}
		return "", "", false
	}
	if n := len(s); n%2 == 1 {
		a, b := s[:n/2], s[n/2+1:]
		if strings.HasPrefix(a, "a/") && strings.HasPrefix(b, "b/") && a[2:] == b[2:] {
			return a[2:], b[2:], true
		}
	}
	return "", "", false
}

// unquote undoes git's C-style quoting of unusual paths.
func unquote(s string) string {
	if len(s) < 2 || s[0] != '"' {
		return s
	}
	var b strings.Builder
	for i := 1; i < len(s)-1; i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s)-1 {
			b.WriteByte(c)
			continue
		}
		i++
		switch c = s[i]; c {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'r':
			b.WriteByte('\r')
		case 'v':
			b.WriteByte('\v')
		case '0', '1', '2', '3':
			if i+2 < len(s)-1 {
				if v, err := strconv.ParseUint(s[i:i+3], 8, 8); err == nil {
					b.WriteByte(byte(v))
					i += 2
					continue
				}
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
