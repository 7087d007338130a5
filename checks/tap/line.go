package tap

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// testLine is a parsed test point line.
type testLine struct {
	fail   bool
	num    int
	hasNum bool
	desc   string
	skip   bool
	todo   bool
	reason string // of the SKIP or TODO directive
	dur    time.Duration
}

// parseTestPoint reads a test point line ("ok", "not ok", an optional
// number, an optional "- ", a description and directives). It says false
// for a line that is not a test point.
func parseTestPoint(body string) (testLine, bool, error) {
	var t testLine
	rest, ok := strings.CutPrefix(body, "ok")
	if !ok {
		rest, ok = strings.CutPrefix(body, "not ok")
		t.fail = true
	}
	if !ok || (rest != "" && rest[0] != ' ' && rest[0] != '\t') {
		return t, false, nil // "okay", "not okay", prose
	}
	rest = strings.TrimLeft(rest, " \t")
	i := 0
	for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
		i++
	}
	if i > 0 && (i == len(rest) || rest[i] == ' ' || rest[i] == '\t') {
		n, err := strconv.Atoi(rest[:i])
		if err != nil {
			return t, true, fmt.Errorf("%w: test number %.20s… is out of range", ErrPlan, rest[:i])
		}
		t.num, t.hasNum = n, true
		rest = strings.TrimLeft(rest[i:], " \t")
	}

	desc := rest
	dirs := directives(rest)
	if len(dirs) > 0 {
		desc = rest[:dirs[0]]
	}
	for k, at := range dirs {
		end := len(rest)
		if k+1 < len(dirs) {
			end = dirs[k+1]
		}
		word, reason := splitWord(rest[at+1 : end])
		switch kind := directiveKind(word); kind {
		case "skip", "todo":
			if !t.skip && !t.todo {
				t.skip, t.todo = kind == "skip", kind == "todo"
				t.reason = unescape(reason)
			}
		case "time":
			if d, err := time.ParseDuration(word[len("time="):]); err == nil && d > 0 {
				t.dur = d
			}
		}
	}
	desc = strings.TrimSpace(desc)
	if desc == "-" {
		desc = ""
	} else if len(desc) > 1 && desc[0] == '-' && (desc[1] == ' ' || desc[1] == '\t') {
		desc = strings.TrimSpace(desc[2:])
	}
	t.desc = unescape(desc)
	return t, true, nil
}

// directives returns the offsets in s of the '#' characters that begin
// directives. The first '#' that is not escaped and follows whitespace, an
// escaped '\' (TAP 14's "hello \\# todo"), or starts s, is the delimiter
// TAP 14 defines: when the word after it is a
// directive the parser knows — SKIP or TODO (any case, any suffix: "#
// Skipped: reason") or node-tap's "time=12ms" — it and every later such
// '#' that also begins a known directive start directives. When the word
// is anything else, there are none, and the '#' is part of the
// description, as TAP 14 says of unknown directives ("ok 7 - hello #
// description # todo" is not a TODO).
func directives(s string) []int {
	var at []int
	afterBackslash := false // s[i-1] ends an escaped '\'
	for i := 0; i < len(s); i++ {
		after := afterBackslash
		afterBackslash = false
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s) && (s[i+1] == '\\' || s[i+1] == '#'):
			afterBackslash = s[i+1] == '\\'
			i++ // an escaped '\' or '#'
		case c == '#' && (i == 0 || s[i-1] == ' ' || s[i-1] == '\t' || after):
			word, _ := splitWord(s[i+1:])
			if directiveKind(word) != "" {
				at = append(at, i)
			} else if len(at) == 0 {
				return nil
			}
		}
	}
	return at
}

// splitWord splits s, the text after a '#', into the directive word and
// the rest, both trimmed.
func splitWord(s string) (word, rest string) {
	s = strings.TrimLeft(s, " \t")
	i := strings.IndexAny(s, " \t")
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i:])
}

func directiveKind(word string) string {
	switch {
	case len(word) >= 4 && strings.EqualFold(word[:4], "skip"):
		return "skip"
	case len(word) >= 4 && strings.EqualFold(word[:4], "todo"):
		return "todo"
	case strings.HasPrefix(word, "time=") && len(word) > len("time="):
		return "time"
	}
	return ""
}

// parsePlan reads a plan line "1..N" with an optional "# reason". It says
// false for a line that is not a plan.
func parsePlan(body string) (n int, ok bool, err error) {
	i := 0
	for i < len(body) && body[i] >= '0' && body[i] <= '9' {
		i++
	}
	if i == 0 || !strings.HasPrefix(body[i:], "..") {
		return 0, false, nil
	}
	first := body[:i]
	rest := body[i+2:]
	j := 0
	for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
		j++
	}
	if j == 0 {
		return 0, false, nil
	}
	last, tail := rest[:j], strings.TrimLeft(rest[j:], " \t")
	if tail != "" && tail[0] != '#' {
		return 0, false, nil // "1..3 seconds": prose
	}
	if first != "1" {
		return 0, true, fmt.Errorf("%w: plan %.40s does not start at 1", ErrPlan, body)
	}
	n, err = strconv.Atoi(last)
	if err != nil || n > MaxCases {
		return 0, true, fmt.Errorf("%w: plan %.40s is larger than %d", ErrTooManyCases, body, MaxCases)
	}
	return n, true, nil
}

// parseVersion reads the number of a "TAP version N" line.
func parseVersion(body string) (int, error) {
	v := strings.TrimSpace(strings.TrimPrefix(body, "TAP version "))
	n, err := strconv.Atoi(v)
	if err != nil || n < 13 || n > 14 {
		return 0, fmt.Errorf("%w: %q: want TAP version 13 or 14", ErrVersion, body)
	}
	return n, nil
}

// bailOut tells a "Bail out!" line (any case) and returns its reason.
func bailOut(body string) (string, bool) {
	const word = "bail out!"
	if len(body) < len(word) || !strings.EqualFold(body[:len(word)], word) {
		return "", false
	}
	return unescape(strings.TrimSpace(body[len(word):])), true
}

// subtestName reads a "# Subtest: name" (or bare "# Subtest") comment.
func subtestName(body string) (string, bool) {
	rest, ok := strings.CutPrefix(body, "# Subtest")
	if !ok {
		return "", false
	}
	if rest == "" {
		return "", true
	}
	name, ok := strings.CutPrefix(rest, ":")
	if !ok {
		return "", false // "# Subtests run: 3"
	}
	return unescape(strings.TrimSpace(name)), true
}

// unescape undoes TAP's escapes: "\\" is '\' and "\#" is '#'; any other
// '\' is itself.
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && (s[i+1] == '\\' || s[i+1] == '#') {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
