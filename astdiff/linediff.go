package astdiff

import (
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// LineDiff computes the hunks of a line diff from old to new, numbered as
// `git diff -U0` numbers them. Hunk boundaries may differ from git's where
// several minimal diffs exist; use the caller's own hunks when it has them.
func LineDiff(old, new []byte) []Hunk {
	if string(old) == string(new) {
		return nil
	}
	dmp := diffmatchpatch.New()
	a, b, table := dmp.DiffLinesToRunes(string(old), string(new))
	diffs := dmp.DiffCharsToLines(dmp.DiffMainRunes(a, b, false), table)
	var hunks []Hunk
	var cur *Hunk
	ol, nl := 0, 0 // lines consumed on each side
	for _, d := range diffs {
		n := countLines(d.Text)
		switch d.Type {
		case diffmatchpatch.DiffEqual:
			if cur != nil {
				hunks = append(hunks, finish(*cur))
				cur = nil
			}
			ol += n
			nl += n
			continue
		}
		if cur == nil {
			cur = &Hunk{OldStart: ol, NewStart: nl}
		}
		if d.Type == diffmatchpatch.DiffDelete {
			cur.OldLines += n
			ol += n
		} else {
			cur.NewLines += n
			nl += n
		}
	}
	if cur != nil {
		hunks = append(hunks, finish(*cur))
	}
	return hunks
}

// finish turns 0-based starts into git's numbering.
func finish(h Hunk) Hunk {
	if h.OldLines > 0 {
		h.OldStart++
	}
	if h.NewLines > 0 {
		h.NewStart++
	}
	return h
}

func countLines(s string) int {
	n := strings.Count(s, "\n")
	if s != "" && s[len(s)-1] != '\n' {
		n++
	}
	return n
}
