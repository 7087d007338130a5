package run

import (
	"path"
	"slices"
	"strings"

	"github.com/git-proof/git-proof/checks"
	"github.com/git-proof/git-proof/gitx"
	"github.com/git-proof/git-proof/proofpack"
)

// The repro tree is base's code with head's test files, so outside the
// packages whose test files the change touched it is base's tree, and a
// test there gives base's result. Running all of it again costs a second
// full test run on every change that adds a test, for nothing the base
// run did not show; so where the runner can tell which packages those are
// and how to ask the check for only them, repro runs only them and
// checks.WithBase takes the rest from base. The record says so (repro's
// "only"); --full-repro runs the whole tree.
//
// It can for `go test -json … ./...`: a Go package is a directory, its
// tests are its _test.go files and what its testdata/ holds, and go test
// takes directories. Anything else a change's test files touch (a test
// helper package, a fixture outside testdata/, another language's tests)
// may reach any package, so then repro runs in full.

// reproScope is what narrowing needs to know of the repro tree.
type reproScope struct {
	// changed are the test files that differ between base and head.
	changed []gitx.DiffEntry
	// goTestDirs are the directories with a _test.go file in repro.
	goTestDirs map[string]bool
	// goModDirs are the directories with a go.mod ("" the top).
	goModDirs map[string]bool
}

// goPackageDirs returns the directories of the Go packages whose tests the
// changed test files make differ from base, or ok false when a changed
// test file is not a Go package's own (then every package may differ).
func (rs reproScope) goPackageDirs() (dirs []string, ok bool) {
	if len(rs.changed) == 0 || !rs.goModDirs[""] {
		return nil, false
	}
	seen := map[string]bool{}
	for _, e := range rs.changed {
		dir, ok := goPackageOf(e.Path)
		if !ok {
			return nil, false
		}
		if seen[dir] {
			continue
		}
		seen[dir] = true
		// `go test ./...` at the top covers neither another module's
		// packages nor directories it skips; a package left with no test
		// file has nothing to run.
		if !rs.goTestDirs[dir] || !matchedByDotDotDot(dir) || rs.inNestedModule(dir) {
			continue
		}
		dirs = append(dirs, dir)
	}
	if len(dirs) == 0 {
		return nil, false
	}
	slices.Sort(dirs)
	return dirs, true
}

// goPackageOf is the package directory a test file belongs to: its own
// for a _test.go file, the one above testdata/ for what testdata/ holds.
func goPackageOf(p string) (string, bool) {
	elems := strings.Split(p, "/")
	for i, e := range elems[:len(elems)-1] {
		if e == "testdata" {
			return strings.Join(elems[:i], "/"), true
		}
	}
	if strings.HasSuffix(p, "_test.go") {
		return dirOf(p), true
	}
	return "", false
}

func dirOf(p string) string {
	if d := path.Dir(p); d != "." {
		return d
	}
	return ""
}

// matchedByDotDotDot tells whether ./... reaches dir: go skips
// directories whose name starts with '.' or '_', testdata and vendor.
func matchedByDotDotDot(dir string) bool {
	if dir == "" {
		return true
	}
	for _, e := range strings.Split(dir, "/") {
		if e == "" || e[0] == '.' || e[0] == '_' || e == "testdata" || e == "vendor" {
			return false
		}
	}
	return true
}

func (rs reproScope) inNestedModule(dir string) bool {
	for d := dir; d != ""; d = dirOf(d) {
		if rs.goModDirs[d] {
			return true
		}
	}
	return false
}

// narrowGoTest rewrites a `go test` command whose last argument is ./...
// to test only dirs, or returns ok false when the command is anything
// else: a pipeline, quoting, -args (what follows goes to the test binary),
// -C (./... would be relative to another directory). Only what reads
// plainly is rewritten, so the rewrite cannot change what else it does.
//
// It also turns go vet off (-vet=off in place of any -vet flag): repro
// asks how the tests do on base's code, and vet, which go test runs
// first, would only get in the way: a finding in base's code fails the
// package before its tests run, so a new test would look failing there
// without having run. Head's and base's runs keep the command as it is.
// It saves a vet of the package too (~60 ms of a 0.45 s repro here).
func narrowGoTest(command string, dirs []string) (string, bool) {
	if !plainWords(command) {
		return "", false
	}
	f := strings.Fields(command)
	if len(f) < 3 || path.Base(f[0]) != "go" || f[1] != "test" || f[len(f)-1] != "./..." {
		return "", false
	}
	json := false
	out := []string{f[0], f[1], "-vet=off"}
	args := f[2 : len(f)-1]
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-json" || a == "--json" || a == "-json=true" || a == "--json=true":
			json = true
		case a == "-args" || a == "--args" || a == "-C" || a == "--C" ||
			strings.HasPrefix(a, "-C=") || strings.HasPrefix(a, "--C="):
			return "", false
		case a == "-vet" || a == "--vet":
			i++ // and its value
			continue
		case strings.HasPrefix(a, "-vet=") || strings.HasPrefix(a, "--vet="):
			continue
		}
		out = append(out, a)
	}
	if !json {
		return "", false
	}
	for _, d := range dirs {
		if d != "" && (!plainWords(d) || strings.ContainsAny(d, " \t") || strings.HasPrefix(d, "-")) {
			return "", false
		}
		if d == "" {
			out = append(out, ".")
		} else {
			out = append(out, "./"+d)
		}
	}
	return strings.Join(out, " "), true
}

// plainWords: letters, digits, spaces and . / _ - = : , + only; nothing a
// shell would expand, quote or treat as an operator.
func plainWords(s string) bool {
	if strings.TrimSpace(s) == "" {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case strings.ContainsRune(" ./_-=:,+", r):
		default:
			return false
		}
	}
	return true
}

// narrowRepro returns, for each spec, the spec repro runs and the package
// directories it is narrowed to (nil: the whole tree).
func narrowRepro(specs []spec, rs reproScope) ([]spec, [][]string) {
	out := slices.Clone(specs)
	only := make([][]string, len(specs))
	dirs, ok := rs.goPackageDirs()
	// A record names the packages; past MaxNames it runs them all instead.
	if !ok || len(dirs) > proofpack.MaxNames {
		return out, only
	}
	for i, s := range specs {
		if s.Format != "" && s.Format != checks.FormatGoTestJSON || s.Report != "" {
			continue
		}
		if cmd, ok := narrowGoTest(s.Command, dirs); ok {
			out[i].Command = cmd
			only[i] = make([]string, len(dirs))
			for k, d := range dirs {
				only[i][k] = "./" + d
				if d == "" {
					only[i][k] = "."
				}
			}
		}
	}
	return out, only
}
