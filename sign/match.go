package sign

// OpenSSH pattern matching (ssh_config(5) PATTERNS), as used for the
// principals and namespaces= fields of allowed_signers. Bytes, not runes, as
// in OpenSSH's match.c.

// maxSubpattern mirrors match.c's 1024-byte buffer: a longer subpattern makes
// the whole list fail to match.
const maxSubpattern = 1023

// matchPatternList matches s against a comma-separated list of patterns, each
// optionally negated with '!'. It returns 1 for a positive match, -1 if a
// negated pattern matched (which overrides any positive one), 0 otherwise —
// the contract of OpenSSH's match_pattern_list with dolower=0.
func matchPatternList(s, list string) int {
	positive := false
	for i := 0; i < len(list); {
		negated := false
		if list[i] == '!' {
			negated = true
			i++
		}
		j := i
		for j < len(list) && list[j] != ',' {
			j++
		}
		if j-i >= maxSubpattern {
			return 0
		}
		sub := list[i:j]
		i = j
		if i < len(list) { // skip the comma
			i++
		}
		if matchPattern(s, sub) {
			if negated {
				return -1
			}
			positive = true
		}
	}
	if positive {
		return 1
	}
	return 0
}

// matchPattern reports whether s matches pattern, where '*' matches any run
// of bytes and '?' any single byte. It backtracks only to the last '*', so it
// is linear-times-pattern rather than exponential like the recursive C code,
// with the same results.
func matchPattern(s, pattern string) bool {
	si, pi := 0, 0
	starP, starS := -1, 0
	for si < len(s) {
		switch {
		case pi < len(pattern) && pattern[pi] == '*':
			starP, starS = pi, si
			pi++
		case pi < len(pattern) && (pattern[pi] == '?' || pattern[pi] == s[si]):
			si++
			pi++
		case starP >= 0:
			starS++
			si, pi = starS, starP+1
		default:
			return false
		}
	}
	for pi < len(pattern) && pattern[pi] == '*' {
		pi++
	}
	return pi == len(pattern)
}
