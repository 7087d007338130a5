package tap

import (
	"strconv"
	"strings"

	"github.com/git-proof/git-proof/checks/testcase"
)

// idSep joins the names of a subtest's parents and its own.
const idSep = " › "

// pointName is a test point's own part of its ID: its description, else
// the name of its subtest, else "test N".
func pointName(pt *point) string {
	switch {
	case pt.desc != "":
		return pt.desc
	case pt.name != "":
		return pt.name
	case pt.synthetic:
		return "subtest at line " + strconv.Itoa(pt.line)
	}
	return "test " + strconv.Itoa(pt.num)
}

// idSet hands out unique IDs.
type idSet struct {
	used map[string]bool
	next map[string]int // per repeated ID, the next suffix number to try
}

// unique returns id, or id with the first free " #N" suffix (N from 2),
// cut to MaxIDBytes, and marks it used.
func (s *idSet) unique(id string) string {
	id = strings.ToValidUTF8(id, "\uFFFD")
	out := capID(id)
	if s.used[out] {
		n := max(s.next[id], 2)
		for ; s.used[out]; n++ {
			out = capID(id + " #" + strconv.Itoa(n))
		}
		s.next[id] = n
	}
	s.used[out] = true
	return out
}

// capID cuts an ID to MaxIDBytes (see testcase.CapID).
func capID(id string) string { return testcase.CapID(id, MaxIDBytes) }
