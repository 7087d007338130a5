package junit

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"unicode/utf8"
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

// capID cuts an ID longer than MaxIDBytes and ends it with a digest of the
// whole, so that two long IDs that share a prefix stay apart.
func capID(id string) string {
	if len(id) <= MaxIDBytes {
		return id
	}
	sum := sha256.Sum256([]byte(id))
	suffix := "…" + hex.EncodeToString(sum[:8])
	return cutUTF8(id, MaxIDBytes-len(suffix)) + suffix
}

// cutUTF8 cuts s to at most n bytes without splitting a character.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
