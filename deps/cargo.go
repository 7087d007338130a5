package deps

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// cargoManifest is one parsed Cargo.toml.
type cargoManifest struct {
	path, dir  string
	data       []byte
	doc        map[string]any
	name       string // [package] name, "" for a virtual workspace
	version    string // [package] version when written literally
	workspaceT map[string]any
}

// cargoLockFile is a Cargo.lock, any format version: [[package]] entries
// with name, version, source (absent for the workspace's own and path
// crates) and dependencies as "name", "name version" or
// "name version (source)".
type cargoLockFile struct {
	Package []cargoLockPkg
}

type cargoLockPkg struct {
	Name, Version, Source string
	Dependencies          []string
}

// cargoLockEntry reads one [[package]]; a name and a version are required,
// the other keys must have their types when present.
func cargoLockEntry(t map[string]any) (cargoLockPkg, bool) {
	var pk cargoLockPkg
	var ok1, ok2, ok3 bool
	pk.Name, ok1 = t["name"].(string)
	pk.Version, ok2 = t["version"].(string)
	pk.Source, ok3 = t["source"].(string)
	if !ok1 || !ok2 || pk.Name == "" || (!ok3 && t["source"] != nil) {
		return pk, false
	}
	if d, ok := t["dependencies"]; ok {
		items, ok := list(d)
		if !ok {
			return pk, false
		}
		for _, it := range items {
			s, ok := it.(string)
			if !ok {
				return pk, false
			}
			pk.Dependencies = append(pk.Dependencies, s)
		}
	}
	return pk, true
}

// packageLine finds the header of the n-th (0-based) [[package]], or 0.
func packageLine(data []byte, n int) lineFunc {
	return func() int {
		seen := 0
		for i, l := range bytes.Split(data, []byte("\n")) {
			if string(bytes.TrimSpace(l)) == "[[package]]" {
				if seen == n {
					return i + 1
				}
				seen++
			}
		}
		return 0
	}
}

type cargoLock struct {
	path, dir string
	pkgs      []cargoLockPkg
	byName    map[string][]int // name → entries
	byNV      map[string][]int // name + " " + version → entries
	byNVS     map[string]int   // name + " " + version + " " + source → first entry
	used      map[int]bool     // packages a manifest's dependency resolved to
	declared  map[int]bool     // local packages whose Cargo.toml was read
}

func (p *parser) loadCargoLock(file string) {
	data := p.files[file]
	doc, err := decodeTOML(file, data)
	if err != nil {
		p.fail(err)
		return
	}
	var lf cargoLockFile
	entries, ok := list(doc["package"])
	if !ok && doc["package"] != nil {
		p.failAt(file, keyLine(data, "", "package"), ErrInvalid, "package is not an array of tables")
	}
	for n, e := range entries {
		if pk, ok := cargoLockEntry(table(e)); ok {
			lf.Package = append(lf.Package, pk)
		} else {
			p.failAt(file, packageLine(data, n), ErrInvalid, "[[package]] number %d is not a package with a name and version", n+1)
		}
	}
	l := &cargoLock{
		path: file, dir: dirOf(file), pkgs: lf.Package,
		byName: map[string][]int{}, byNV: map[string][]int{}, byNVS: map[string]int{},
		used: map[int]bool{}, declared: map[int]bool{},
	}
	for i, pk := range l.pkgs {
		nv := pk.Name + " " + pk.Version
		l.byName[pk.Name] = append(l.byName[pk.Name], i)
		l.byNV[nv] = append(l.byNV[nv], i)
		if _, dup := l.byNVS[nv+" "+pk.Source]; !dup {
			l.byNVS[nv+" "+pk.Source] = i
		}
	}
	p.cargoLocks[l.dir] = l
}

func (p *parser) loadCargoManifest(file string) {
	data := p.files[file]
	doc, err := decodeTOML(file, data)
	if err != nil {
		p.fail(err)
		return
	}
	m := &cargoManifest{path: file, dir: dirOf(file), data: data, doc: doc, workspaceT: table(doc["workspace"])}
	if pkg := table(doc["package"]); pkg != nil {
		m.name, _ = pkg["name"].(string)
		m.version, _ = pkg["version"].(string)
	}
	p.cargoTOML[file] = m
}

// cargoKinds are the dependency tables of a Cargo.toml and their scopes,
// with the underscore spellings Cargo still accepts.
var cargoKinds = []struct{ key, scope string }{
	{"dependencies", ""},
	{"dev-dependencies", "dev"},
	{"dev_dependencies", "dev"},
	{"build-dependencies", "build"},
	{"build_dependencies", "build"},
}

// emitCargoManifest adds a Cargo.toml's [dependencies] (Scope "", or
// "optional" for optional = true), [dev-dependencies] ("dev"),
// [build-dependencies] ("build"), the same tables under [target.'cfg'],
// and [workspace.dependencies] ("workspace"). A `package = "…"` rename
// gives the crate's real name; `workspace = true` takes the entry from the
// workspace root's [workspace.dependencies]. The version comes from the
// Cargo.lock of the manifest's directory or the nearest above it, else it
// is the requirement as written; a path dependency's version is its path,
// a git one's is the lock's source (URL and commit) or its URL and ref.
func (p *parser) emitCargoManifest(file string) {
	m := p.cargoTOML[file]
	if m == nil {
		return
	}
	lock := p.cargoLockFor(m.dir)
	var refs map[string][]int // the lock's packages this crate depends on, by name
	scoped := false           // whether the lock has this crate, so refs is its list
	if lock != nil && m.name != "" {
		if root, ok := lock.local(m.name, m.version); ok {
			lock.declared[root] = true
			refs, scoped = map[string][]int{}, true
			for _, i := range lock.depsOf(root) {
				refs[lock.pkgs[i].Name] = append(refs[lock.pkgs[i].Name], i)
			}
		}
	}
	emit := func(tbl map[string]any, where, scope string) {
		for _, key := range sortedKeys(tbl) {
			p.cargoDep(m, lock, refs, scoped, where, key, tbl[key], scope)
		}
	}
	for _, k := range cargoKinds {
		emit(table(m.doc[k.key]), k.key, k.scope)
	}
	targets := table(m.doc["target"])
	for _, cfg := range sortedKeys(targets) {
		for _, k := range cargoKinds {
			emit(table(table(targets[cfg])[k.key]), k.key, k.scope)
		}
	}
	if m.workspaceT != nil {
		emit(table(m.workspaceT["dependencies"]), "dependencies", "workspace")
	}
}

// cargoDep adds one dependency entry of manifest m.
func (p *parser) cargoDep(m *cargoManifest, lock *cargoLock, refs map[string][]int, scoped bool, where, key string, v any, scope string) {
	line := keyLine(m.data, where, key)
	var t map[string]any
	switch x := v.(type) {
	case string:
		t = map[string]any{"version": x}
	case map[string]any:
		t = x
	default:
		p.failAt(m.path, line, ErrInvalid, "dependency %s is %s, not a version or table", key, tomlKind(v))
		return
	}
	if t["workspace"] == true && scope != "workspace" {
		inherited, err := p.cargoInherit(m, key)
		if err != nil {
			p.failAt(m.path, line, ErrInvalid, "dependency %s: %w", key, err)
			return
		}
		merged := map[string]any{}
		for k, v := range inherited {
			merged[k] = v
		}
		if t["optional"] == true {
			merged["optional"] = true
		}
		t = merged
	}
	str := func(k string) string { s, _ := t[k].(string); return s }
	name := key
	if pkg := str("package"); pkg != "" {
		name = pkg
	}
	if t["optional"] == true && scope == "" {
		scope = "optional"
	}
	d := Dependency{Ecosystem: Cargo, Name: name, Direct: true, Scope: scope, Manifest: m.path}
	exact := ""
	req := str("version")
	switch {
	case str("path") != "":
		d.Version = str("path")
	case str("git") != "":
		d.Version = "git+" + str("git")
		for _, ref := range []string{"rev", "tag", "branch"} {
			if r := str(ref); r != "" {
				d.Version += "?" + ref + "=" + r
				break
			}
		}
		if i, ok := lock.pick(refs, scoped, name, req, true); ok {
			lock.used[i] = true
			d.Version = lock.pkgs[i].Source
		}
	default:
		d.Version = req
		if i, ok := lock.pick(refs, scoped, name, req, false); ok {
			lock.used[i] = true
			d.Version = lock.pkgs[i].Version
			if isExactSemver(d.Version) {
				exact = d.Version
			}
		} else if v, ok := strings.CutPrefix(strings.TrimSpace(req), "="); ok && isExactSemver(strings.TrimSpace(v)) {
			exact = strings.TrimSpace(v)
		}
	}
	if scope == "workspace" {
		// A declaration for the members; they resolve it themselves.
		exact = ""
		d.Version = cargoDeclared(t)
	}
	d.PURL = purl(Cargo, name, exact)
	p.add(d, line)
}

// cargoDeclared is what a [workspace.dependencies] entry pins, unresolved.
func cargoDeclared(t map[string]any) string {
	str := func(k string) string { s, _ := t[k].(string); return s }
	switch {
	case str("path") != "":
		return str("path")
	case str("git") != "":
		return "git+" + str("git")
	}
	return str("version")
}

// cargoInherit finds key in the [workspace.dependencies] of the nearest
// Cargo.toml at or above m that has a [workspace].
func (p *parser) cargoInherit(m *cargoManifest, key string) (map[string]any, error) {
	for _, d := range ancestors(m.dir) {
		f := "Cargo.toml"
		if d != "" {
			f = d + "/Cargo.toml"
		}
		if root := p.cargoTOML[f]; root != nil && root.workspaceT != nil {
			switch x := table(root.workspaceT["dependencies"])[key].(type) {
			case string:
				return map[string]any{"version": x}, nil
			case map[string]any:
				return x, nil
			}
			return nil, fmt.Errorf("workspace = true, but %s has no [workspace.dependencies] entry for it", f)
		}
	}
	return nil, fmt.Errorf("workspace = true, but no workspace root Cargo.toml was given")
}

func (p *parser) cargoLockFor(dir string) *cargoLock {
	for _, d := range ancestors(dir) {
		if l := p.cargoLocks[d]; l != nil {
			return l
		}
	}
	return nil
}

// local finds the lock's entry for a workspace or path crate.
func (l *cargoLock) local(name, version string) (int, bool) {
	var found []int
	if version != "" {
		if i, ok := l.byNVS[name+" "+version+" "]; ok {
			return i, true
		}
		return 0, false
	}
	for _, i := range l.byName[name] {
		if l.pkgs[i].Source == "" && (version == "" || l.pkgs[i].Version == version) {
			found = append(found, i)
		}
	}
	if len(found) == 1 {
		return found[0], true
	}
	return 0, false
}

// depsOf resolves a lock entry's dependency references to entries.
func (l *cargoLock) depsOf(i int) []int {
	var out []int
	for _, ref := range l.pkgs[i].Dependencies {
		if j, ok := l.ref(ref); ok {
			out = append(out, j)
		}
	}
	return out
}

// ref resolves "name", "name version" or "name version (source)": the
// lock writes just enough to tell its entries apart.
func (l *cargoLock) ref(ref string) (int, bool) {
	name, rest, _ := strings.Cut(strings.TrimSpace(ref), " ")
	version, source, _ := strings.Cut(rest, " ")
	var found []int
	switch {
	case source != "":
		source = strings.TrimSuffix(strings.TrimPrefix(source, "("), ")")
		i, ok := l.byNVS[name+" "+version+" "+source]
		return i, ok
	case version != "":
		found = l.byNV[name+" "+version]
	default:
		found = l.byName[name]
	}
	if len(found) == 1 {
		return found[0], true
	}
	return 0, false
}

// pick chooses the lock entry a manifest dependency resolved to: among
// the crate's own dependency entries when the lock has the crate, else
// among every entry of that name; of a git source or not; the one whose
// version meets req when more than one is left.
func (l *cargoLock) pick(refs map[string][]int, scoped bool, name, req string, git bool) (int, bool) {
	if l == nil {
		return 0, false
	}
	cands := l.byName[name]
	if scoped {
		cands = refs[name]
	}
	if len(cands) > MaxCandidates {
		return 0, false
	}
	cands = slices.DeleteFunc(slices.Clone(cands), func(i int) bool {
		return l.pkgs[i].Source == "" || strings.HasPrefix(l.pkgs[i].Source, "git+") != git
	})
	if len(cands) > 1 && req != "" {
		if r, err := parseCargoReq(req); err == nil {
			cands = slices.DeleteFunc(cands, func(i int) bool { return !r.matches(l.pkgs[i].Version) })
		}
	}
	if len(cands) == 0 {
		return 0, false
	}
	// Of several that fit, the newest, as Cargo's resolver prefers.
	slices.SortFunc(cands, func(a, b int) int { return compareSemver(l.pkgs[b].Version, l.pkgs[a].Version) })
	return cands[0], true
}

// emitCargoLocks adds what only the lock files know: the dependencies of
// local crates whose Cargo.toml was not given (Direct), then every other
// package from a registry or git (indirect).
func (p *parser) emitCargoLocks() {
	for _, dir := range slices.Sorted(maps.Keys(p.cargoLocks)) {
		l := p.cargoLocks[dir]
		for i, pk := range l.pkgs {
			if pk.Source != "" || l.declared[i] {
				continue
			}
			for _, j := range l.depsOf(i) {
				if l.pkgs[j].Source == "" {
					continue
				}
				l.used[j] = true
				p.add(l.lockDep(j, true), at(0))
			}
		}
		for i, pk := range l.pkgs {
			if pk.Source == "" || l.used[i] {
				continue
			}
			p.add(l.lockDep(i, false), at(0))
		}
	}
}

func (l *cargoLock) lockDep(i int, direct bool) Dependency {
	pk := l.pkgs[i]
	d := Dependency{Ecosystem: Cargo, Name: pk.Name, Version: pk.Version, Direct: direct, Manifest: l.path}
	exact := ""
	if strings.HasPrefix(pk.Source, "git+") {
		d.Version = pk.Source
	} else if isExactSemver(pk.Version) {
		exact = pk.Version
	}
	d.PURL = purl(Cargo, pk.Name, exact)
	return d
}
