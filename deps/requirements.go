package deps

import (
	"fmt"
	"path"

	"github.com/git-proof/git-proof/internal/lazyre"
	"slices"
	"strings"
)

// reqFile is what one requirements file says, before includes are followed.
type reqFile struct {
	deps     []lineDep
	includes []reqInclude
	err      *ParseError
}

type lineDep struct {
	dep  Dependency
	line int
}

type reqInclude struct {
	ref  string // as written after -r
	line int
}

// parseRequirementsFiles reads requirements files the way pip does (line
// continuations, comments, options, PEP 508 lines, URLs and paths) and
// follows their `-r`/`--requirement` includes to files in the map, breadth
// first from every root, each file once: a cycle ends where it closes, an
// include of a file not in the map (or outside the repository, or a URL)
// is not followed, and one deeper than MaxIncludeDepth is reported.
// `-c` constraint files add no dependencies and are not read.
func (p *parser) parseRequirementsFiles(roots []string) {
	parsed := map[string]*reqFile{}
	depth := map[string]int{}
	queue := slices.Clone(roots)
	for _, r := range roots {
		depth[r] = 0
	}
	var order []string
	for len(queue) > 0 {
		f := queue[0]
		queue = queue[1:]
		order = append(order, f)
		rf := parseRequirements(f, p.files[f])
		parsed[f] = rf
		for _, inc := range rf.includes {
			target, ok := includeTarget(f, inc.ref)
			if !ok {
				continue
			}
			if _, ok := p.files[target]; !ok {
				continue
			}
			if _, seen := depth[target]; seen {
				continue
			}
			if depth[f]+1 > MaxIncludeDepth {
				p.fail(errAt(f, inc.line, ErrTooDeep, "include of %s is more than %d levels deep; not followed", target, MaxIncludeDepth))
				continue
			}
			if len(depth) >= MaxFiles {
				p.fail(errAt(f, inc.line, ErrTooMany, "more than %d requirements files; %s is not read", MaxFiles, target))
				continue
			}
			depth[target] = depth[f] + 1
			queue = append(queue, target)
		}
	}
	slices.Sort(order)
	for _, f := range order {
		rf := parsed[f]
		if rf.err != nil {
			p.fail(rf.err)
			continue
		}
		for _, d := range rf.deps {
			p.add(d.dep, at(d.line))
		}
	}
}

// includeTarget maps an include reference to a repository path, relative
// to the including file's directory as pip does.
func includeTarget(from, ref string) (string, bool) {
	if ref == "" || strings.Contains(ref, "://") || strings.HasPrefix(ref, "/") {
		return "", false
	}
	p := path.Join(dirOf(from), ref)
	if p == ".." || strings.HasPrefix(p, "../") {
		return "", false
	}
	return cleanPath(p), true
}

// commentRE is pip's: a comment starts at a # at the start of the line or
// after whitespace, so a URL's #egg= fragment is not one.
var commentRE = lazyre.New(`(^|\s+)#.*$`)

// parseRequirements parses one requirements file. The first line pip would
// reject makes the whole file an error, as it does for pip.
func parseRequirements(file string, data []byte) *reqFile {
	rf := &reqFile{}
	if len(data) > MaxFileSize {
		rf.err = errAt(file, 0, ErrTooLarge, "%d bytes, more than %d", len(data), MaxFileSize)
		return rf
	}
	for _, ll := range requirementLines(string(trimBOM(data))) {
		line := strings.TrimSpace(commentRE.ReplaceAllString(ll.text, ""))
		if line == "" {
			continue
		}
		args, opts := splitArgsOptions(line)
		if args == "" {
			if err := rf.option(file, ll.line, opts); err != nil {
				rf.err = err
				return rf
			}
			continue
		}
		d, err := requirementDep(file, args, false)
		if err != nil {
			rf.err = errWrap(file, ll.line, ErrSyntax, err)
			return rf
		}
		rf.deps = append(rf.deps, lineDep{d, ll.line})
	}
	return rf
}

type logicalLine struct {
	line int // of its first physical line
	text string
}

// requirementLines joins lines ending in a backslash with the next, as pip
// does; a comment line never continues.
func requirementLines(s string) []logicalLine {
	var out []logicalLine
	var cont []string
	first := 0
	for i, l := range strings.Split(s, "\n") {
		l = strings.TrimSuffix(l, "\r")
		m := commentRE.FindStringIndex(l)
		isComment := m != nil && m[0] == 0
		if !strings.HasSuffix(l, "\\") || isComment {
			if isComment {
				l = " " + l
			}
			if cont != nil {
				out = append(out, logicalLine{first, strings.Join(append(cont, l), "")})
				cont = nil
			} else {
				out = append(out, logicalLine{i + 1, l})
			}
			continue
		}
		if cont == nil {
			first = i + 1
			cont = []string{}
		}
		cont = append(cont, strings.Trim(l, "\\"))
	}
	if cont != nil {
		out = append(out, logicalLine{first, strings.Join(cont, "")})
	}
	return out
}

// splitArgsOptions splits a line at its first space-separated token that
// starts with "-", as pip's break_args_options does: before it the
// requirement, from it the options (-r, -e, --hash=…).
func splitArgsOptions(line string) (args, opts string) {
	toks := strings.Split(line, " ")
	for i, t := range toks {
		if strings.HasPrefix(t, "-") {
			return strings.Join(toks[:i], " "), strings.Join(toks[i:], " ")
		}
	}
	return line, ""
}

// option handles an option line: includes and editable requirements are
// kept, global options (index URLs, --pre, --hash on its own…) ignored.
func (rf *reqFile) option(file string, line int, opts string) *ParseError {
	toks, err := shellFields(opts)
	if err != nil {
		return errWrap(file, line, ErrSyntax, err)
	}
	for i := 0; i < len(toks); i++ {
		name, value, hasValue := optionValue(toks[i])
		switch name {
		case "-r", "--requirement", "-e", "--editable":
		default:
			continue
		}
		if !hasValue {
			if i+1 >= len(toks) {
				return errAt(file, line, ErrSyntax, "%s needs an argument", name)
			}
			i++
			value = toks[i]
		}
		switch name {
		case "-r", "--requirement":
			rf.includes = append(rf.includes, reqInclude{value, line})
		case "-e", "--editable":
			d, err := requirementDep(file, value, true)
			if err != nil {
				return errWrap(file, line, ErrSyntax, err)
			}
			rf.deps = append(rf.deps, lineDep{d, line})
		}
	}
	return nil
}

// optionValue splits "-rfile", "--requirement=file" and "-r" forms.
func optionValue(tok string) (name, value string, ok bool) {
	if strings.HasPrefix(tok, "--") {
		name, value, ok = strings.Cut(tok, "=")
		return name, value, ok
	}
	if len(tok) > 2 {
		return tok[:2], strings.TrimPrefix(tok[2:], "="), true
	}
	return tok, "", false
}

// shellFields splits an option string the way Python's shlex.split does
// for the cases requirements files use: spaces, single and double quotes,
// backslash escapes.
func shellFields(s string) ([]string, error) {
	var out []string
	var cur strings.Builder
	inTok := false
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else if c == '\\' && quote == '"' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\') {
				i++
				cur.WriteByte(s[i])
			} else {
				cur.WriteByte(c)
			}
		case c == '\'' || c == '"':
			quote, inTok = c, true
		case c == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
			inTok = true
		case c == ' ' || c == '\t':
			if inTok {
				out = append(out, cur.String())
				cur.Reset()
				inTok = false
			}
		default:
			cur.WriteByte(c)
			inTok = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unclosed %c quote", quote)
	}
	if inTok {
		out = append(out, cur.String())
	}
	return out, nil
}

// requirementDep turns one requirement (a PEP 508 line, or a URL or path,
// editable or not) into a dependency declared in file.
func requirementDep(file, s string, editable bool) (Dependency, error) {
	d := Dependency{Ecosystem: PyPI, Direct: true, Manifest: file}
	if !editable && !looksLikeLocation(s) {
		r, err := parsePEP508(s)
		if err != nil {
			return d, fmt.Errorf("requirement %q: %w", s, err)
		}
		d.Name = normalizePyPI(r.name)
		d.Version = r.spec
		if r.url != "" {
			d.Version = r.url
		}
		d.PURL = purl(PyPI, d.Name, pypiExact(d.Version))
		return d, nil
	}
	// A URL or a path: pip splits a marker off at "; " for URLs.
	loc, _, _ := strings.Cut(s, "; ")
	loc = strings.TrimSpace(loc)
	if loc == "" {
		return d, fmt.Errorf("empty location in %q", s)
	}
	d.Version = loc
	d.Name = locationName(loc)
	if validPyPIName(d.Name) {
		d.Name = normalizePyPI(d.Name)
		d.PURL = purl(PyPI, d.Name, "")
	}
	return d, nil
}

var schemeRE = lazyre.New(`^[A-Za-z][A-Za-z0-9+.-]*:`)

// looksLikeLocation reports whether a requirement is a URL, a path or an
// archive rather than a PEP 508 line ("name @ url" is PEP 508).
func looksLikeLocation(s string) bool {
	if r, err := parsePEP508(s); err == nil && r.url != "" {
		return false
	}
	head, _, _ := strings.Cut(s, ";")
	head = strings.TrimSpace(head)
	if schemeRE.MatchString(head) && (strings.Contains(head, "://") || strings.HasPrefix(head, "file:")) {
		return true
	}
	if strings.HasPrefix(head, ".") || strings.Contains(head, "/") || strings.Contains(head, "\\") {
		return true
	}
	for _, ext := range archiveExts {
		if strings.HasSuffix(strings.ToLower(head), ext) {
			return true
		}
	}
	return false
}

var archiveExts = []string{".whl", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tar", ".zip"}

// locationName guesses a project name for a URL or path requirement: the
// #egg= fragment, else the wheel's or sdist's file name, else the last path
// element without .git and any @ref. It is the location itself when nothing
// fits.
func locationName(loc string) string {
	rest, frag, _ := strings.Cut(loc, "#")
	for _, kv := range strings.Split(frag, "&") {
		if v, ok := strings.CutPrefix(kv, "egg="); ok && v != "" {
			return v
		}
	}
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest = rest[:i]
	}
	base := path.Base(strings.TrimRight(strings.ReplaceAll(rest, "\\", "/"), "/"))
	low := strings.ToLower(base)
	if strings.HasSuffix(low, ".whl") {
		if n, _, ok := strings.Cut(base, "-"); ok {
			return n
		}
	}
	for _, ext := range archiveExts {
		if strings.HasSuffix(low, ext) {
			stem := base[:len(base)-len(ext)]
			if i := strings.LastIndexByte(stem, '-'); i > 0 {
				return stem[:i]
			}
			return stem
		}
	}
	if at := strings.LastIndexByte(base, '@'); at > 0 {
		base = base[:at]
	}
	base = strings.TrimSuffix(base, ".git")
	if validPyPIName(base) {
		return base
	}
	return loc
}
