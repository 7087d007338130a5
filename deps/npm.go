package deps

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"path"
	"slices"
	"strings"
)

// packageJSON holds the parts of a package.json that declare dependencies.
type packageJSON struct {
	Dependencies         map[string]string `json:"dependencies"`
	DevDependencies      map[string]string `json:"devDependencies"`
	OptionalDependencies map[string]string `json:"optionalDependencies"`
	PeerDependencies     map[string]string `json:"peerDependencies"`
}

// npmLockFile is a package-lock.json or npm-shrinkwrap.json: version 2 and
// 3 have the flat "packages" map keyed by install location; version 1 only
// the nested "dependencies" tree, read when "packages" is absent.
type npmLockFile struct {
	Packages     map[string]npmLockPkg `json:"packages"`
	Dependencies map[string]*npmV1Dep  `json:"dependencies"`
}

type npmLockPkg struct {
	Name        string `json:"name"` // the real package behind an alias
	Version     string `json:"version"`
	Resolved    string `json:"resolved"`
	Link        bool   `json:"link"`
	Dev         bool   `json:"dev"`
	Optional    bool   `json:"optional"`
	DevOptional bool   `json:"devOptional"`
	Peer        bool   `json:"peer"`
	Extraneous  bool   `json:"extraneous"`
	packageJSON        // an importer's (root, workspace) copy of its manifest
}

type npmV1Dep struct {
	Version      string               `json:"version"`
	Resolved     string               `json:"resolved"`
	Dev          bool                 `json:"dev"`
	Optional     bool                 `json:"optional"`
	Dependencies map[string]*npmV1Dep `json:"dependencies"`
}

// npmLock is one parsed lock file.
type npmLock struct {
	path, dir string
	pkgs      map[string]npmLockPkg // install location, relative to dir → entry
	used      map[string]bool       // locations a direct dependency resolved to
	declared  map[string]bool       // importer locations a package.json was read for
}

// decodeJSON decodes data into v, reporting a syntax or type error with the
// line it is on.
func decodeJSON(file string, data []byte, v any) *ParseError {
	err := json.Unmarshal(trimBOM(data), v)
	if err == nil {
		return nil
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return errWrap(file, lineAt(data, syn.Offset), ErrSyntax, err)
	case errors.As(err, &typ):
		return errWrap(file, lineAt(data, typ.Offset), ErrSyntax, err)
	}
	return errWrap(file, 0, ErrSyntax, err)
}

func (p *parser) loadNPMLock(file string) {
	dir := dirOf(file)
	if _, ok := p.npmLocks[dir]; ok {
		return // npm-shrinkwrap.json sorts first and wins, as in npm
	}
	data := p.files[file]
	var lf npmLockFile
	if err := decodeJSON(file, data, &lf); err != nil {
		p.fail(err)
		return
	}
	l := &npmLock{path: file, dir: dir, pkgs: lf.Packages, used: map[string]bool{}, declared: map[string]bool{}}
	if l.pkgs == nil {
		l.pkgs = map[string]npmLockPkg{}
		if err := flattenV1(l.pkgs, "", lf.Dependencies, 0); err != nil {
			err.File = file
			p.fail(err)
		}
	}
	p.npmLocks[dir] = l
}

// flattenV1 turns a version 1 tree into install locations.
func flattenV1(out map[string]npmLockPkg, prefix string, deps map[string]*npmV1Dep, depth int) *ParseError {
	if len(deps) == 0 {
		return nil
	}
	if depth >= MaxNesting {
		return errAt("", 0, ErrTooDeep, "dependencies nest more than %d levels; the deeper ones are skipped", MaxNesting)
	}
	var first *ParseError
	for _, name := range slices.Sorted(maps.Keys(deps)) {
		d := deps[name]
		if d == nil {
			continue
		}
		e := npmLockPkg{Version: d.Version, Resolved: d.Resolved, Dev: d.Dev, Optional: d.Optional}
		if real, ver, ok := npmAlias(d.Version); ok {
			e.Name, e.Version = real, ver
		} else if strings.Contains(d.Version, ":") {
			e.Resolved = d.Version // git, file and URL sources stand in "version"
		}
		loc := prefix + "node_modules/" + name
		out[loc] = e
		if err := flattenV1(out, loc+"/", d.Dependencies, depth+1); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// npmAlias splits an "npm:real@range" spec.
func npmAlias(spec string) (name, version string, ok bool) {
	rest, ok := strings.CutPrefix(spec, "npm:")
	if !ok {
		return "", "", false
	}
	at := strings.LastIndexByte(rest, '@')
	if at <= 0 {
		return rest, "", true
	}
	return rest[:at], rest[at+1:], true
}

// npmDirect is one declared dependency of an importer.
type npmDirect struct{ name, spec, scope string }

// npmDeclared merges an importer's dependency sections the way npm's
// arborist loads them, a later section replacing an earlier one of the same
// name: peer, prod, optional, dev.
func npmDeclared(m packageJSON) []npmDirect {
	merged := map[string]npmDirect{}
	for _, sec := range []struct {
		deps  map[string]string
		scope string
	}{
		{m.PeerDependencies, "peer"},
		{m.Dependencies, ""},
		{m.OptionalDependencies, "optional"},
		{m.DevDependencies, "dev"},
	} {
		for n, s := range sec.deps {
			merged[n] = npmDirect{n, s, sec.scope}
		}
	}
	out := make([]npmDirect, 0, len(merged))
	for _, n := range slices.Sorted(maps.Keys(merged)) {
		out = append(out, merged[n])
	}
	return out
}

// parsePackageJSON reads a package.json's dependencies and resolves each
// through the lock file it belongs to: one in the same directory, or an
// ancestor's that lists this directory as a workspace.
func (p *parser) parsePackageJSON(file string) {
	data := p.files[file]
	var m packageJSON
	if err := decodeJSON(file, data, &m); err != nil {
		p.fail(err)
		return
	}
	dir := dirOf(file)
	lock, rel := p.npmLockFor(dir)
	if lock != nil {
		lock.declared[rel] = true
	}
	for _, d := range npmDeclared(m) {
		p.addNPMDirect(file, lock, rel, d)
	}
}

// npmLockFor finds the lock for a package.json in dir and the package's
// install location relative to the lock.
func (p *parser) npmLockFor(dir string) (*npmLock, string) {
	for _, d := range ancestors(dir) {
		if l, ok := p.npmLocks[d]; ok {
			rel := strings.TrimPrefix(strings.TrimPrefix(dir, d), "/")
			if rel == "" {
				return l, ""
			}
			if _, ok := l.pkgs[rel]; ok {
				return l, rel
			}
			return nil, ""
		}
	}
	return nil, ""
}

func (p *parser) addNPMDirect(manifest string, lock *npmLock, rel string, d npmDirect) {
	dep := Dependency{Ecosystem: NPM, Name: d.name, Direct: true, Scope: d.scope, Manifest: manifest}
	exact := ""
	if lock != nil {
		if loc, e, ok := lock.resolve(rel, d.name); ok {
			lock.used[loc] = true
			dep.Name, dep.Version, exact = lock.describe(d.name, e)
		}
	}
	if dep.Version == "" {
		dep.Version = d.spec
		if real, ver, ok := npmAlias(d.spec); ok {
			dep.Name, dep.Version = real, ver
		}
		if isExactSemver(dep.Version) {
			exact = dep.Version
		}
	}
	dep.PURL = purl(NPM, dep.Name, exact)
	p.add(dep, at(0))
}

// resolve finds where npm installed name for the package at location rel,
// walking up the node_modules folders as Node's resolution does.
func (l *npmLock) resolve(rel, name string) (string, npmLockPkg, bool) {
	for _, d := range ancestors(rel) {
		loc := path.Join(d, "node_modules", name)
		if e, ok := l.pkgs[loc]; ok {
			return loc, e, true
		}
	}
	return "", npmLockPkg{}, false
}

// describe gives a lock entry's real name, version (or source, when it is
// not the registry) and exact registry version.
func (l *npmLock) describe(name string, e npmLockPkg) (string, string, string) {
	if e.Name != "" {
		name = e.Name
	}
	switch {
	case e.Link:
		return name, "file:" + e.Resolved, ""
	case isNPMSource(e.Resolved):
		return name, e.Resolved, ""
	case e.Version == "":
		return name, e.Resolved, ""
	}
	exact := ""
	if isExactSemver(e.Version) {
		exact = e.Version
	}
	return name, e.Version, exact
}

// isNPMSource reports whether a resolved value names a source other than a
// registry tarball: git, a local file or directory.
func isNPMSource(resolved string) bool {
	for _, pre := range []string{"git+", "git:", "github:", "gitlab:", "bitbucket:", "file:"} {
		if strings.HasPrefix(resolved, pre) {
			return true
		}
	}
	return false
}

// emitNPMLocks adds what only the lock files know: the direct dependencies
// of importers whose package.json was not given, then every other installed
// package, as indirect.
func (p *parser) emitNPMLocks() {
	for _, dir := range slices.Sorted(maps.Keys(p.npmLocks)) {
		l := p.npmLocks[dir]
		locs := slices.Sorted(maps.Keys(l.pkgs))
		for _, imp := range locs {
			e := l.pkgs[imp]
			if l.declared[imp] || e.Link || hasNodeModules(imp) {
				continue
			}
			for _, d := range npmDeclared(e.packageJSON) {
				p.addNPMDirect(l.path, l, imp, d)
			}
		}
		for _, loc := range locs {
			e := l.pkgs[loc]
			if !hasNodeModules(loc) || e.Link || e.Extraneous || l.used[loc] {
				continue
			}
			name, version, exact := l.describe(npmInstalledName(loc), e)
			p.add(Dependency{
				Ecosystem: NPM, Name: name, Version: version, Scope: npmLockScope(e),
				PURL: purl(NPM, name, exact), Manifest: l.path,
			}, at(0))
		}
	}
}

func hasNodeModules(loc string) bool {
	return loc == "node_modules" || strings.HasPrefix(loc, "node_modules/") || strings.Contains(loc, "/node_modules/")
}

// npmInstalledName is the package name an install location ends in.
func npmInstalledName(loc string) string {
	i := strings.LastIndex(loc, "node_modules/")
	if i < 0 {
		return ""
	}
	return loc[i+len("node_modules/"):]
}

func npmLockScope(e npmLockPkg) string {
	switch {
	case e.Dev || e.DevOptional:
		return "dev"
	case e.Optional:
		return "optional"
	case e.Peer:
		return "peer"
	}
	return ""
}

// trimBOM drops a UTF-8 byte order mark, which some editors write.
func trimBOM(b []byte) []byte { return bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")) }
