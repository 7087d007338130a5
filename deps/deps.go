package deps

import (
	"bytes"
	"cmp"
	"fmt"
	"path"
	"slices"
	"strings"
)

// Ecosystems, as they appear in Dependency.Ecosystem and in package URLs.
const (
	Golang = "golang"
	NPM    = "npm"
	PyPI   = "pypi"
	Cargo  = "cargo"
)

// Dependency is one declared or locked dependency of one manifest.
type Dependency struct {
	// Ecosystem is Golang, NPM, PyPI or Cargo.
	Ecosystem string `json:"ecosystem"`
	// Name is the package's name as its registry knows it: the module path
	// (Go, case kept), the package name with any @scope (npm, the real
	// package behind an npm: alias), the PEP 503 normalized name (PyPI),
	// the crate's name behind any `package = "…"` rename (Cargo).
	Name string `json:"name"`
	// Version is the resolved version when a lock file says it, else the
	// constraint as written. For a dependency that does not come from the
	// registry it is where it comes from: a git URL with commit, a URL, a
	// local path.
	Version string `json:"version"`
	// Direct is true when a manifest declares the dependency, false when
	// only a lock file has it (or go.mod marks it // indirect).
	Direct bool `json:"direct"`
	// Scope says when the dependency is needed, where the manifest tells:
	// "" (always), "dev", "optional", "peer", "build", or a Python extra's
	// or dependency group's name.
	Scope string `json:"scope,omitempty"`
	// PURL is the package URL; its version is set only when Version is one
	// exact registry version.
	PURL string `json:"purl"`
	// Manifest is the repo-relative slash path of the file that declares
	// the dependency (the lock file for one only a lock has).
	Manifest string `json:"manifest"`
	// Replace is, for Go, the replacement a replace directive applies:
	// path@version, or a local directory.
	Replace string `json:"replace,omitempty"`
}

// Change is one entry of a Delta: Old nil means added, New nil removed, and
// both set means changed (version, replacement, directness or scope).
type Change struct {
	Old *Dependency `json:"old,omitempty"`
	New *Dependency `json:"new,omitempty"`
}

// Delta is the dependency change from a base tree to a head tree. Each list
// is sorted by ecosystem, manifest, name and versions.
type Delta struct {
	Added   []Change `json:"added"`
	Removed []Change `json:"removed"`
	Changed []Change `json:"changed"`
}

// Empty reports whether nothing was added, removed or changed.
func (d Delta) Empty() bool {
	return len(d.Added) == 0 && len(d.Removed) == 0 && len(d.Changed) == 0
}

type kind int

const (
	kindNone kind = iota
	kindGoMod
	kindPackageJSON
	kindNPMLock
	kindRequirements
	kindPyProject
	kindCargoToml
	kindCargoLock
)

// IsManifest reports whether a repo-relative slash path names a file Parse
// reads: go.mod, package.json, package-lock.json, npm-shrinkwrap.json,
// requirements*.txt, *.txt in a directory named requirements,
// pyproject.toml, Cargo.toml or Cargo.lock, at any depth. Files under
// node_modules are installed copies, not declarations, and do not count.
func IsManifest(p string) bool { return kindOf(p) != kindNone }

func kindOf(p string) kind {
	p = cleanPath(p)
	if p == "" || slices.Contains(strings.Split(p, "/"), "node_modules") {
		return kindNone
	}
	base := path.Base(p)
	switch base {
	case "go.mod":
		return kindGoMod
	case "package.json":
		return kindPackageJSON
	case "package-lock.json", "npm-shrinkwrap.json":
		return kindNPMLock
	case "pyproject.toml":
		return kindPyProject
	case "Cargo.toml":
		return kindCargoToml
	case "Cargo.lock":
		return kindCargoLock
	}
	if strings.HasSuffix(base, ".txt") &&
		(strings.HasPrefix(base, "requirements") || path.Base(path.Dir(p)) == "requirements") {
		return kindRequirements
	}
	return kindNone
}

// cleanPath turns a caller's path into the form used as a key: slash
// separated, cleaned, without a leading "./" or "/".
func cleanPath(p string) string {
	p = strings.ReplaceAll(p, "\\", "/")
	p = strings.TrimLeft(path.Clean("/"+p), "/")
	return p
}

// isLock reports whether a path names a lock file.
func isLock(p string) bool {
	k := kindOf(p)
	return k == kindNPMLock || k == kindCargoLock
}

// Parse reads every manifest and lock file in files (repo-relative slash
// path → content, as the caller read them from one tree) and returns their
// dependencies, sorted by manifest, ecosystem and name. A lock file resolves
// the versions of the manifests it belongs to and adds, as indirect, what
// only it lists. Files that IsManifest rejects are read only when a
// requirements file includes them.
//
// A file that does not parse yields a *ParseError naming it (and the line
// where the format tells) and is left out; the other files still count. A
// Diff against a tree where that file parsed would show its dependencies
// removed, so treat any error as missing evidence, not as a removal.
//
// Give base and head the same set of paths: a lock file read without its
// manifest still yields every locked package, but marks as direct only
// what the lock records as the root's dependencies, without scopes beyond
// the lock's own dev and optional flags.
func Parse(files map[string][]byte) ([]Dependency, []error) {
	p := &parser{files: make(map[string][]byte, len(files)), errCount: map[string]int{}}
	keys := make([]string, 0, len(files))
	for k := range files {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		c := cleanPath(k)
		if _, dup := p.files[c]; !dup {
			p.files[c] = files[k]
		}
	}
	p.run()
	return p.out, p.errs
}

// parser holds the state of one Parse call.
type parser struct {
	files      map[string][]byte
	byKind     map[kind][]string // manifest paths by kind, sorted
	out        []Dependency
	errs       []error
	npmLocks   map[string]*npmLock   // by directory
	cargoLocks map[string]*cargoLock // by directory
	cargoTOML  map[string]*cargoManifest
	errCount   map[string]int // errors reported per file
	full       bool           // MaxDependencies was passed while adding
}

// lineFunc finds the line of an entry when an error needs it: for TOML
// that is a search of the file, too costly to do for every entry.
type lineFunc func() int

func at(line int) lineFunc { return func() int { return line } }

// fail reports an error, at most MaxErrorsPerFile per file.
func (p *parser) fail(e *ParseError) {
	n := p.errCount[e.File]
	p.errCount[e.File] = n + 1
	switch {
	case n < MaxErrorsPerFile:
		p.errs = append(p.errs, e)
	case n == MaxErrorsPerFile:
		p.errs = append(p.errs, errAt(e.File, 0, ErrTooMany, "more than %d errors; the rest are not reported", MaxErrorsPerFile))
	}
}

// failAt reports an error whose line is looked up only if it is reported.
func (p *parser) failAt(file string, line lineFunc, kind error, format string, args ...any) {
	l := 0
	if p.errCount[file] < MaxErrorsPerFile {
		l = line()
	}
	p.fail(errAt(file, l, kind, format, args...))
}

func (p *parser) run() {
	var paths []string
	for k := range p.files {
		if IsManifest(k) {
			paths = append(paths, k)
		}
	}
	slices.Sort(paths)
	if len(paths) > MaxFiles {
		p.fail(errAt(paths[MaxFiles], 0, ErrTooMany, "more than %d manifest files; this one and the %d after it are skipped", MaxFiles, len(paths)-MaxFiles-1))
		paths = paths[:MaxFiles]
	}
	p.byKind = map[kind][]string{}
	for _, f := range paths {
		if n := len(p.files[f]); n > MaxFileSize {
			p.fail(errAt(f, 0, ErrTooLarge, "%d bytes, more than %d", n, MaxFileSize))
			continue
		}
		k := kindOf(f)
		p.byKind[k] = append(p.byKind[k], f)
	}

	// Lock files first: the manifests look their versions up in them.
	p.npmLocks = map[string]*npmLock{}
	for _, f := range p.byKind[kindNPMLock] {
		p.loadNPMLock(f)
	}
	p.cargoLocks = map[string]*cargoLock{}
	for _, f := range p.byKind[kindCargoLock] {
		p.loadCargoLock(f)
	}
	p.cargoTOML = map[string]*cargoManifest{}
	for _, f := range p.byKind[kindCargoToml] {
		p.loadCargoManifest(f)
	}

	for _, f := range p.byKind[kindGoMod] {
		p.parseGoMod(f)
	}
	for _, f := range p.byKind[kindPackageJSON] {
		p.parsePackageJSON(f)
	}
	p.parseRequirementsFiles(p.byKind[kindRequirements])
	for _, f := range p.byKind[kindPyProject] {
		p.parsePyProject(f)
	}
	for _, f := range p.byKind[kindCargoToml] {
		p.emitCargoManifest(f)
	}
	p.emitNPMLocks()
	p.emitCargoLocks()
	p.finish()
}

// add records one dependency after checking its fields' lengths. It stops
// keeping them at twice MaxDependencies (duplicates go only at the end).
func (p *parser) add(d Dependency, line lineFunc) {
	for _, f := range []struct{ what, v string }{{"name", d.Name}, {"version", d.Version}, {"replacement", d.Replace}} {
		if len(f.v) > MaxFieldLength {
			p.failAt(d.Manifest, line, ErrTooLarge, "dependency %s is %d bytes, more than %d", f.what, len(f.v), MaxFieldLength)
			return
		}
	}
	if d.Name == "" {
		p.failAt(d.Manifest, line, ErrInvalid, "dependency without a name")
		return
	}
	if len(p.out) >= 2*MaxDependencies {
		p.full = true
		return
	}
	p.out = append(p.out, d)
}

// finish sorts, removes exact duplicates (a requirements file reached
// through two includes) and applies MaxDependencies.
func (p *parser) finish() {
	slices.SortFunc(p.out, compareDeps)
	p.out = slices.Compact(p.out)
	if len(p.out) > MaxDependencies || p.full {
		p.fail(&ParseError{File: p.out[min(len(p.out), MaxDependencies)-1].Manifest, Err: fmt.Errorf("%w: more than %d dependencies; the rest are dropped", ErrTooMany, MaxDependencies)})
		p.out = slices.Clip(p.out[:min(len(p.out), MaxDependencies)])
	}
}

func compareDeps(a, b Dependency) int {
	return cmp.Or(
		cmp.Compare(a.Manifest, b.Manifest),
		cmp.Compare(a.Ecosystem, b.Ecosystem),
		cmp.Compare(a.Name, b.Name),
		cmp.Compare(a.Version, b.Version),
		cmp.Compare(a.Scope, b.Scope),
		cmp.Compare(a.Replace, b.Replace),
		compareBool(a.Direct, b.Direct),
		cmp.Compare(a.PURL, b.PURL),
	)
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// lineAt is the 1-based line of byte offset off in data.
func lineAt(data []byte, off int64) int {
	if off < 0 {
		return 0
	}
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	return 1 + bytes.Count(data[:off], []byte{'\n'})
}

// dirOf is the directory of a cleaned repo path, "" for the root.
func dirOf(p string) string {
	d := path.Dir(p)
	if d == "." || d == "/" {
		return ""
	}
	return d
}

// ancestors lists dir and the directories above it, ending with the root
// "", at most MaxNesting+1 of them. It ends on any input, even paths from
// a lock file that are not clean.
func ancestors(dir string) []string {
	out := []string{dir}
	for dir != "" && len(out) <= MaxNesting {
		up := dirOf(dir)
		if up == dir {
			break
		}
		dir = up
		out = append(out, dir)
	}
	if out[len(out)-1] != "" {
		out = append(out, "")
	}
	return out
}

// within reports whether dir is base or below it.
func within(dir, base string) bool {
	return base == "" || dir == base || strings.HasPrefix(dir, base+"/")
}
