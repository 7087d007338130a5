package risk

import (
	"fmt"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// maxShown bounds a name quoted in a detail, so details stay short however
// long a path or test name is.
const maxShown = 80

// shown renders a path or name for a detail: as is when it is printable,
// else Go-quoted (a newline in a path must not break a line of output);
// cut to maxShown bytes with "…" either way.
func shown(s string) string {
	printable := true
	for _, r := range s {
		if r == utf8.RuneError || !unicode.IsPrint(r) {
			printable = false
			break
		}
	}
	if len(s) > maxShown {
		cut := maxShown
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	if !printable {
		return strconv.Quote(s)
	}
	return s
}

// plural says "1 file" or "3 files"; many replaces one+"s" when given.
func plural(n int, one string, many ...string) string {
	return fmt.Sprintf("%d %s", n, pluralWord(n, one, many...))
}

func pluralWord(n int, one string, many ...string) string {
	if n == 1 {
		return one
	}
	if len(many) > 0 {
		return many[0]
	}
	return one + "s"
}

// andMore says "x" or "x and 3 more".
func andMore(x string, more int) string {
	if more <= 0 {
		return x
	}
	return fmt.Sprintf("%s and %d more", x, more)
}
