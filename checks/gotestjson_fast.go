package checks

import "unicode/utf8"

// fastEvent reads Action, Package and Test from one line of test2json
// output without encoding/json, which spent most of a cached run's
// parsing time (2.2 ms for 1,360 lines) checking and decoding every field
// of every line, Output and Time included, for three short strings.
//
// It takes only the shape test2json writes: one object of string, number,
// true, false or null values, the three wanted keys spelled exactly and
// holding plain strings (no escapes, valid UTF-8). Anything else (another
// spelling encoding/json would fold onto a field, an escape, a nested
// value, a stray byte) gives ok false, and the caller asks encoding/json;
// so whatever fastEvent accepts, json.Unmarshal reads the same way
// (FuzzFastEvent checks that).
func fastEvent(b []byte) (ev testEvent, ok bool) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return ev, false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return ev, skipSpace(b, i+1) == len(b)
	}
	for {
		// A key.
		if i >= len(b) || b[i] != '"' {
			return ev, false
		}
		kStart := i + 1
		kEnd, plain, good := scanString(b, kStart)
		if !good || !plain {
			return ev, false
		}
		key := b[kStart:kEnd]
		i = skipSpace(b, kEnd+1)
		if i >= len(b) || b[i] != ':' {
			return ev, false
		}
		i = skipSpace(b, i+1)
		var field *string
		switch string(key) {
		case "Action":
			field = &ev.Action
		case "Package":
			field = &ev.Package
		case "Test":
			field = &ev.Test
		default:
			if foldsOntoField(key) {
				return ev, false
			}
		}
		// A value.
		if i >= len(b) {
			return ev, false
		}
		switch c := b[i]; {
		case c == '"':
			end, plain, good := scanString(b, i+1)
			if !good || field != nil && !plain {
				return ev, false
			}
			if field != nil {
				*field = string(b[i+1 : end])
			}
			i = end + 1
		case field != nil:
			return ev, false // a wanted field that is not a string
		case c == '-' || c >= '0' && c <= '9':
			end, good := scanNumber(b, i)
			if !good {
				return ev, false
			}
			i = end
		case hasLiteral(b, i, "true"):
			i += 4
		case hasLiteral(b, i, "false"):
			i += 5
		case hasLiteral(b, i, "null"):
			i += 4
		default:
			return ev, false
		}
		i = skipSpace(b, i)
		if i >= len(b) {
			return ev, false
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			return ev, skipSpace(b, i+1) == len(b)
		default:
			return ev, false
		}
	}
}

// foldsOntoField reports whether encoding/json would store key in one of
// testEvent's fields (it matches names without regard to case).
func foldsOntoField(key []byte) bool {
	for _, f := range [...]string{"Action", "Package", "Test"} {
		if len(key) != len(f) {
			continue
		}
		same := true
		for j := range key {
			if lower(key[j]) != lower(f[j]) {
				same = false
				break
			}
		}
		if same {
			return true
		}
	}
	// encoding/json also folds some non-ASCII letters (the Kelvin sign
	// onto k, the long s onto s): a key with any non-ASCII byte is left
	// to it.
	for _, c := range key {
		if c >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

func hasLiteral(b []byte, i int, lit string) bool {
	return len(b)-i >= len(lit) && string(b[i:i+len(lit)]) == lit
}

// scanString finds the closing quote of the string whose content starts
// at i: plain when it holds no escape and is valid UTF-8; good when it is
// a valid JSON string at all.
func scanString(b []byte, i int) (end int, plain, good bool) {
	start := i
	plain = true
	for i < len(b) {
		switch c := b[i]; {
		case c == '"':
			return i, plain && utf8.Valid(b[start:i]), true
		case c < 0x20:
			return 0, false, false
		case c == '\\':
			plain = false
			if i+1 >= len(b) {
				return 0, false, false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) {
					return 0, false, false
				}
				for _, h := range b[i+2 : i+6] {
					if !(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F') {
						return 0, false, false
					}
				}
				i += 6
			default:
				return 0, false, false
			}
		default:
			i++
		}
	}
	return 0, false, false
}

// scanNumber checks the JSON number at i: -?(0|[1-9]d*)(.d+)?([eE][+-]?d+)?
func scanNumber(b []byte, i int) (end int, good bool) {
	digits := func(i int) int {
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		return i
	}
	if b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		i = digits(i)
	default:
		return 0, false
	}
	if i < len(b) && b[i] == '.' {
		j := digits(i + 1)
		if j == i+1 {
			return 0, false
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := digits(i)
		if j == i {
			return 0, false
		}
		i = j
	}
	return i, true
}
