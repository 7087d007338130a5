package deps

import (
	"errors"
	"fmt"

	"github.com/git-proof/git-proof/internal/lazyre"
	"strings"
	"unicode"
)

// requirement is one PEP 508 dependency specification.
type requirement struct {
	name   string // as written
	extras []string
	spec   string // version specifiers without spaces, e.g. ">=2.0,<3"
	url    string // the URL of a "name @ url" requirement
	marker string // the environment marker, as written
}

var (
	pep508NameRE = lazyre.New(`^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?`)
	pep503RunRE  = lazyre.New(`[-_.]+`)
	versionOneRE = lazyre.New(`^(~=|===|==|!=|<=|>=|<|>)\s*([A-Za-z0-9_.*+!-]+)$`)
	arbitraryRE  = lazyre.New(`^===\s*(\S+)$`)
)

// normalizePyPI is the PEP 503 normalized form of a project name, which is
// also how PEP 685 and PEP 735 compare extras and dependency groups.
func normalizePyPI(name string) string {
	return strings.ToLower(pep503RunRE.ReplaceAllString(name, "-"))
}

// validPyPIName reports whether s is a whole PEP 508 name.
func validPyPIName(s string) bool {
	return s != "" && pep508NameRE.FindString(s) == s
}

// parsePEP508 parses one dependency specification: name, optional
// [extras], then either "@ url" or version specifiers (optionally in
// parentheses), then optional "; marker".
func parsePEP508(s string) (requirement, error) {
	var r requirement
	s = strings.TrimSpace(s)
	r.name = pep508NameRE.FindString(s)
	if r.name == "" {
		return r, errors.New("want a project name at the start")
	}
	rest := strings.TrimLeftFunc(s[len(r.name):], unicode.IsSpace)
	if strings.HasPrefix(rest, "[") {
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return r, errors.New("unclosed [ of extras")
		}
		for _, e := range strings.Split(rest[1:end], ",") {
			e = strings.TrimSpace(e)
			if e == "" {
				continue
			}
			if !validPyPIName(e) {
				return r, fmt.Errorf("invalid extra %q", e)
			}
			r.extras = append(r.extras, e)
		}
		rest = strings.TrimLeftFunc(rest[end+1:], unicode.IsSpace)
	}
	var tail string // "; marker", or ""
	if u, ok := strings.CutPrefix(rest, "@"); ok {
		u = strings.TrimLeftFunc(u, unicode.IsSpace)
		// A marker after a URL must follow whitespace: ";" may be part of it.
		end := strings.IndexFunc(u, unicode.IsSpace)
		if end < 0 {
			end = len(u)
		}
		r.url, tail = u[:end], strings.TrimLeftFunc(u[end:], unicode.IsSpace)
		if r.url == "" {
			return r, errors.New("empty URL after @")
		}
		if tail != "" && !strings.HasPrefix(tail, ";") {
			return r, fmt.Errorf("unexpected %q after the URL", tail)
		}
	} else {
		spec, m, hasMarker := strings.Cut(rest, ";")
		if hasMarker {
			tail = ";" + m
		}
		spec = strings.TrimSpace(spec)
		if strings.HasPrefix(spec, "(") {
			if !strings.HasSuffix(spec, ")") {
				return r, errors.New("unclosed ( of version specifiers")
			}
			spec = strings.TrimSpace(spec[1 : len(spec)-1])
		}
		if spec != "" {
			var clauses []string
			for _, c := range strings.Split(spec, ",") {
				c = strings.TrimSpace(c)
				m := versionOneRE.FindStringSubmatch(c)
				if m == nil {
					if m = arbitraryRE.FindStringSubmatch(c); m == nil {
						return r, fmt.Errorf("invalid version specifier %q", c)
					}
					m = []string{c, "===", m[1]}
				}
				clauses = append(clauses, m[1]+m[2])
			}
			r.spec = strings.Join(clauses, ",")
		}
	}
	if tail != "" {
		r.marker = strings.TrimSpace(tail[1:])
		if r.marker == "" {
			return r, errors.New("empty environment marker after ;")
		}
	}
	return r, nil
}

// pypiExact is the one version a specifier pins (==X without a wildcard,
// or ===X), or "".
func pypiExact(spec string) string {
	if strings.Contains(spec, ",") {
		return ""
	}
	if v, ok := strings.CutPrefix(spec, "==="); ok {
		return v
	}
	if v, ok := strings.CutPrefix(spec, "=="); ok && !strings.Contains(v, "*") {
		return v
	}
	return ""
}
