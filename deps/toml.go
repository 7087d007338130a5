package deps

import (
	"bytes"
	"errors"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// decodeTOML decodes a TOML document into a map, reporting a syntax error
// with its line. It first bounds the document's nesting, the one shape
// that makes the decoder slow (see tomlNesting).
func decodeTOML(file string, data []byte) (map[string]any, *ParseError) {
	data = trimBOM(data)
	if depth, line := tomlNesting(data, MaxTOMLNesting); depth > MaxTOMLNesting {
		return nil, errAt(file, line, ErrTooDeep, "keys and values nest more than %d levels", MaxTOMLNesting)
	}
	var doc map[string]any
	err := toml.Unmarshal(data, &doc)
	if err == nil {
		return doc, nil
	}
	var pe toml.ParseError
	if errors.As(err, &pe) {
		// The decoder counts a line's newline as the next line; the
		// byte offset says where the error really is.
		return nil, errWrap(file, lineAt(data, int64(pe.Position.Start)), ErrSyntax, errors.New(pe.Message))
	}
	return nil, errWrap(file, 0, ErrSyntax, err)
}

// tomlNesting measures, without parsing, how deep a TOML document nests:
// open arrays and inline tables plus the parts of the dotted key (or
// table header) leading to them. It returns the deepest level and its line,
// stopping as soon as it passes limit. Strings and comments are skipped,
// so it never overcounts a real file; it may overcount a broken one, which
// the parser would reject anyway.
//
// The TOML decoder builds each value's full key path at every level, so
// its time grows with the square of the depth: a 10,000-part dotted key
// takes seconds, 30,000 takes gigabytes.
func tomlNesting(data []byte, limit int) (depth, line int) {
	type open struct {
		c    byte
		base int // key parts before the bracket
	}
	var stack []open
	parts, keyPos, cur := 0, true, 1
	deepest, deepLine := 0, 1
	note := func() bool {
		if d := len(stack) + parts; d > deepest {
			deepest, deepLine = d, cur
		}
		return deepest > limit
	}
	for i := 0; i < len(data); i++ {
		switch c := data[i]; c {
		case '\n':
			cur++
			if len(stack) == 0 {
				parts, keyPos = 0, true
			}
		case '#':
			for i+1 < len(data) && data[i+1] != '\n' {
				i++
			}
		case '"', '\'':
			i = skipTOMLString(data, i, &cur)
		case '[', '{':
			if c == '[' && keyPos && len(stack) == 0 {
				continue // a table header: its parts count, it opens no value
			}
			stack = append(stack, open{c, parts})
			keyPos = c == '{'
			if note() {
				return deepest, deepLine
			}
		case ']', '}':
			if n := len(stack); n > 0 {
				parts = stack[n-1].base
				stack = stack[:n-1]
				keyPos = false
			}
		case ',':
			if n := len(stack); n > 0 {
				parts = stack[n-1].base
				keyPos = stack[n-1].c == '{'
			}
		case '=':
			keyPos = false
		case '.':
			if keyPos {
				parts++
				if note() {
					return deepest, deepLine
				}
			}
		}
	}
	return deepest, deepLine
}

// skipTOMLString returns the index of the quote that closes the string
// opening at data[i] (basic or literal, single- or multi-line), counting
// the newlines it spans into line. A single-line string ends at a newline
// even unclosed, as the parser would reject it there.
func skipTOMLString(data []byte, i int, line *int) int {
	q := data[i]
	multi := i+2 < len(data) && data[i+1] == q && data[i+2] == q
	if multi {
		i += 2
	}
	for i++; i < len(data); i++ {
		switch c := data[i]; {
		case c == '\\' && q == '"':
			if i+1 < len(data) && data[i+1] == '\n' {
				*line++
			}
			i++
		case c == '\n' && !multi:
			return i - 1 // let the caller see the newline
		case c == '\n':
			*line++
		case c == q && !multi:
			return i
		case c == q && i+2 < len(data) && data[i+1] == q && data[i+2] == q:
			// Up to two more quotes may close a multi-line string's content.
			for i+3 < len(data) && data[i+3] == q {
				i++
			}
			return i + 2
		}
	}
	return i
}

// tomlKind names a TOML value's type for an error message, which should
// not quote a value of any size.
func tomlKind(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case bool:
		return "a boolean"
	case map[string]any:
		return "a table"
	}
	if _, ok := list(v); ok {
		return "an array"
	}
	return "a date or time"
}

// list is v as a TOML array: inline arrays decode to []any, arrays of
// tables to []map[string]any.
func list(v any) ([]any, bool) {
	switch x := v.(type) {
	case []any:
		return x, true
	case []map[string]any:
		out := make([]any, len(x))
		for i, m := range x {
			out[i] = m
		}
		return out, true
	}
	return nil, false
}

// tomlKeyLine finds, best effort, the line that sets key: first under a
// table header ending in table, else anywhere, else the header itself; 0
// when none is found. The TOML library reports positions only for syntax
// errors, and a wrong value deserves a line too.
func tomlKeyLine(data []byte, table, key string) int {
	header, anywhere, headerLine := 0, 0, 0
	current := ""
	for i, l := range bytes.Split(data, []byte("\n")) {
		t := strings.TrimSpace(string(l))
		if strings.HasPrefix(t, "[") {
			current = strings.Trim(strings.SplitN(t, "]", 2)[0], "[ ")
			if current == table || strings.HasSuffix(current, "."+table) {
				if headerLine == 0 {
					headerLine = i + 1
				}
			}
			continue
		}
		if !setsKey(t, key) {
			continue
		}
		if header == 0 && (current == table || strings.HasSuffix(current, "."+table)) {
			header = i + 1
		}
		if anywhere == 0 {
			anywhere = i + 1
		}
	}
	switch {
	case header > 0:
		return header
	case anywhere > 0:
		return anywhere
	}
	return headerLine
}

// setsKey reports whether a trimmed TOML line begins with key, bare or
// quoted, followed by "=" or ".".
func setsKey(line, key string) bool {
	for _, k := range []string{key, `"` + key + `"`, `'` + key + `'`} {
		if rest, ok := strings.CutPrefix(line, k); ok {
			rest = strings.TrimLeft(rest, " \t")
			if strings.HasPrefix(rest, "=") || strings.HasPrefix(rest, ".") {
				return true
			}
		}
	}
	return false
}

// keyLine and strLine defer tomlKeyLine and stringLine until an error
// needs the line.
func keyLine(data []byte, table, key string) lineFunc {
	return func() int { return tomlKeyLine(data, table, key) }
}

func strLine(data []byte, s string) lineFunc {
	return func() int { return stringLine(data, s) }
}

// stringLine is the line of the first quoted occurrence of s, or 0.
func stringLine(data []byte, s string) int {
	for _, q := range []string{`"` + s + `"`, `'` + s + `'`, s} {
		if i := bytes.Index(data, []byte(q)); i >= 0 {
			return lineAt(data, int64(i))
		}
	}
	return 0
}

// table is v as a TOML table, or nil.
func table(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// sortedKeys are a table's keys in order.
func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
