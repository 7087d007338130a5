package deps

import (
	"github.com/git-proof/git-proof/internal/lazyre"
	"strings"
)

// parsePyProject reads a pyproject.toml: PEP 621 [project] dependencies
// (Scope "") and optional-dependencies (Scope = the extra's normalized
// name), PEP 735 [dependency-groups] (Scope = the group's normalized name;
// {include-group} entries add nothing, the included group lists its own),
// and Poetry's [tool.poetry] dependencies, dev-dependencies (Scope "dev")
// and group.NAME.dependencies (Scope NAME). Every entry is Direct and its
// Version is the specifier as written: pyproject.toml locks nothing.
// A file that is not TOML is reported whole; an entry that is not a
// dependency is reported and skipped.
func (p *parser) parsePyProject(file string) {
	data := p.files[file]
	doc, err := decodeTOML(file, data)
	if err != nil {
		p.fail(err)
		return
	}
	if proj, ok := doc["project"]; ok {
		pt := table(proj)
		if pt == nil {
			p.failAt(file, keyLine(data, "", "project"), ErrInvalid, "project is not a table")
		}
		p.pep508List(file, data, "project", "dependencies", pt["dependencies"], "")
		if opt, ok := pt["optional-dependencies"]; ok {
			ot := table(opt)
			if ot == nil {
				p.failAt(file, keyLine(data, "project", "optional-dependencies"), ErrInvalid, "optional-dependencies is not a table")
			}
			for _, extra := range sortedKeys(ot) {
				p.pep508List(file, data, "project.optional-dependencies", extra, ot[extra], normalizePyPI(extra))
			}
		}
	}
	if g, ok := doc["dependency-groups"]; ok {
		gt := table(g)
		if gt == nil {
			p.failAt(file, keyLine(data, "", "dependency-groups"), ErrInvalid, "dependency-groups is not a table")
		}
		for _, name := range sortedKeys(gt) {
			p.pep508List(file, data, "dependency-groups", name, gt[name], normalizePyPI(name))
		}
	}
	poetry := table(table(doc["tool"])["poetry"])
	p.poetryTable(file, data, "tool.poetry", "dependencies", poetry["dependencies"], "")
	p.poetryTable(file, data, "tool.poetry", "dev-dependencies", poetry["dev-dependencies"], "dev")
	groups := table(poetry["group"])
	for _, name := range sortedKeys(groups) {
		p.poetryTable(file, data, "tool.poetry.group."+name, "dependencies", table(groups[name])["dependencies"], normalizePyPI(name))
	}
}

// pep508List adds every PEP 508 string of the array v, found at key in
// table tbl.
func (p *parser) pep508List(file string, data []byte, tbl, key string, v any, scope string) {
	if v == nil {
		return
	}
	items, ok := list(v)
	if !ok {
		p.failAt(file, keyLine(data, tbl, key), ErrInvalid, "%s.%s is not an array", tbl, key)
		return
	}
	for _, item := range items {
		s, ok := item.(string)
		if !ok {
			if tbl == "dependency-groups" && table(item)["include-group"] != nil {
				continue
			}
			p.failAt(file, keyLine(data, tbl, key), ErrInvalid, "%s.%s holds %s, not a dependency string", tbl, key, tomlKind(item))
			continue
		}
		r, err := parsePEP508(s)
		if err != nil {
			p.failAt(file, strLine(data, s), ErrInvalid, "requirement %q: %w", s, err)
			continue
		}
		d := Dependency{Ecosystem: PyPI, Name: normalizePyPI(r.name), Version: r.spec, Direct: true, Scope: scope, Manifest: file}
		if r.url != "" {
			d.Version = r.url
		}
		d.PURL = purl(PyPI, d.Name, pypiExact(d.Version))
		p.add(d, strLine(data, s))
	}
}

// poetryExactRE is a bare Poetry version, which pins it exactly.
var poetryExactRE = lazyre.New(`^\d+(\.\d+)*([a-zA-Z0-9.+!-]*)$`)

// poetryTable adds a Poetry dependency table: name → "constraint", or a
// table with version, git (+rev/tag/branch), path or url, or an array of
// such tables for constraints by environment. "python" is the interpreter,
// not a dependency.
func (p *parser) poetryTable(file string, data []byte, tbl, key string, v any, scope string) {
	if v == nil {
		return
	}
	deps := table(v)
	if deps == nil {
		p.failAt(file, keyLine(data, tbl, key), ErrInvalid, "%s.%s is not a table", tbl, key)
		return
	}
	for _, name := range sortedKeys(deps) {
		if strings.EqualFold(name, "python") {
			continue
		}
		specs, ok := list(deps[name])
		if !ok {
			specs = []any{deps[name]}
		}
		for _, spec := range specs {
			d := Dependency{Ecosystem: PyPI, Name: normalizePyPI(name), Direct: true, Scope: scope, Manifest: file}
			line := keyLine(data, key, name)
			exact := ""
			switch s := spec.(type) {
			case string:
				d.Version = s
			case map[string]any:
				d.Version = poetrySource(s)
				if s["optional"] == true && scope == "" {
					d.Scope = "optional"
				}
			default:
				p.failAt(file, line, ErrInvalid, "%s.%s.%s is %s, not a constraint or table", tbl, key, name, tomlKind(spec))
				continue
			}
			if v := strings.TrimPrefix(d.Version, "=="); poetryExactRE.MatchString(v) {
				exact = v
			}
			if !validPyPIName(name) {
				p.failAt(file, line, ErrInvalid, "%q is not a project name", name)
				continue
			}
			d.PURL = purl(PyPI, d.Name, exact)
			p.add(d, line)
		}
	}
}

// poetrySource is what a Poetry dependency table pins: its version, else
// its git URL with the ref, else its path or URL.
func poetrySource(t map[string]any) string {
	str := func(k string) string { s, _ := t[k].(string); return s }
	switch {
	case str("version") != "":
		return str("version")
	case str("git") != "":
		u := "git+" + str("git")
		for _, ref := range []string{"rev", "tag", "branch"} {
			if r := str(ref); r != "" {
				return u + "@" + r
			}
		}
		return u
	case str("path") != "":
		return str("path")
	}
	return str("url")
}
