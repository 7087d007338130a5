package junit

import (
	"strconv"
	"strings"

	"github.com/git-proof/git-proof/checks/testcase"
)

// suiteSep joins the names of enclosing test suites and the test's name
// when the classname says nothing (node --test, for one).
const suiteSep = " › "

// caseID is the ID of a <testcase>: see the package documentation.
func caseID(classname, name string, suites []string, nth int) string {
	c, n := strings.TrimSpace(classname), strings.TrimSpace(name)
	if !placeholder(c) {
		switch {
		case n == "" || n == c:
			return capID(c)
		case strings.HasPrefix(n, c+" "):
			// jest-junit's default templates: classname and name are both
			// "{classname} {title}", or the name extends the classname.
			return capID(n)
		}
		return capID(c + "." + n)
	}
	if n == "" {
		n = "testcase " + strconv.Itoa(nth)
	}
	parts := make([]string, 0, len(suites)+1)
	for _, s := range suites {
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, s)
		}
	}
	return capID(strings.Join(append(parts, n), suiteSep))
}

// placeholder tells a classname that names nothing: empty, node's constant
// "test", or a JavaScript reporter's unset template variable.
func placeholder(c string) bool {
	switch c {
	case "", "test", "undefined", "null":
		return true
	}
	return false
}

// capID cuts an ID to MaxIDBytes (see testcase.CapID).
func capID(id string) string { return testcase.CapID(id, MaxIDBytes) }
