package deps

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// Run a target with
//
//	go test ./deps/ -run '^$' -fuzz '^FuzzParseCargo$' -fuzztime 40s -fuzzminimizetime 5s
//
// The seeds are real lock files of a few KiB: with the default minimizing
// time of 60 s, each new input holds the worker (and its exec count) for
// a minute.

// checkParse parses files and checks what must hold for any input: no
// panic, errors are ParseErrors naming a given file, every dependency is
// well-formed, from a given manifest, within the limits, the list sorted
// and without duplicates, the result deterministic, and Diff consistent
// with it.
func checkParse(t *testing.T, files map[string][]byte) {
	t.Helper()
	// A hang never returns to be reported: crash the worker instead, so
	// the fuzzer keeps the input.
	watchdog := time.AfterFunc(10*time.Second, func() { panic("checkParse ran for 10s") })
	defer watchdog.Stop()
	got, errs := Parse(files)
	for _, e := range errs {
		var pe *ParseError
		if !errors.As(e, &pe) || pe.File == "" {
			t.Fatalf("error %v is not a ParseError naming a file", e)
		}
		if _, ok := files[pe.File]; !ok {
			t.Fatalf("error %v names a file that was not given", e)
		}
		if pe.Line < 0 {
			t.Fatalf("error %v has a negative line", e)
		}
	}
	for _, d := range got {
		if !slices.Contains([]string{Golang, NPM, PyPI, Cargo}, d.Ecosystem) || d.Name == "" {
			t.Fatalf("bad dependency %+v", d)
		}
		if _, ok := files[d.Manifest]; !ok {
			t.Fatalf("dependency %+v from a file that was not given", d)
		}
		if len(d.Name) > MaxFieldLength || len(d.Version) > MaxFieldLength || len(d.Replace) > MaxFieldLength {
			t.Fatalf("dependency %+v beyond MaxFieldLength", d)
		}
		if d.PURL != "" && !strings.HasPrefix(d.PURL, "pkg:"+d.Ecosystem+"/") {
			t.Fatalf("dependency %+v has a foreign package URL", d)
		}
	}
	if !slices.IsSortedFunc(got, compareDeps) || len(slices.Compact(slices.Clone(got))) != len(got) {
		t.Fatalf("Parse result not sorted and unique: %v", got)
	}
	again, errs2 := Parse(files)
	if !slices.Equal(got, again) || len(errs) != len(errs2) {
		t.Fatalf("Parse not deterministic")
	}
	if d := Diff(got, got); !d.Empty() {
		t.Fatalf("Diff(x, x) = %+v; want empty", d)
	}
	if d := Diff(nil, got); len(d.Added) != len(got) {
		t.Fatalf("Diff(nil, x) added %d; want %d", len(d.Added), len(got))
	}
}

// seedFiles adds every fixture file whose name is one of names.
func seedFiles(f *testing.F, names ...string) {
	f.Helper()
	err := filepath.WalkDir("testdata/trees", func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !slices.Contains(names, d.Name()) {
			return err
		}
		b, err := os.ReadFile(p)
		if err == nil {
			f.Add(b)
		}
		return err
	})
	if err != nil {
		f.Fatal(err)
	}
}

func FuzzParseGoMod(f *testing.F) {
	seedFiles(f, "go.mod")
	f.Add([]byte("module m\nrequire (\n\ta.example/b v1.0.0 // indirect\n)\nreplace a.example/b v1.0.0 => ../b\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkParse(t, map[string][]byte{"go.mod": data})
	})
}

func FuzzParsePackageJSON(f *testing.F) {
	seedFiles(f, "package.json")
	f.Add([]byte(`{"dependencies": {"a": "npm:@s/b@^1"}, "peerDependencies": {"a": "*"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkParse(t, map[string][]byte{"package.json": data})
	})
}

// FuzzParsePackageLock fuzzes a lock with the package.json beside it, so
// resolution through the lock is exercised too.
func FuzzParsePackageLock(f *testing.F) {
	for _, dir := range []string{"npm/base", "npm/head", "npm-v1/base", "npm-workspace/base"} {
		m, err1 := os.ReadFile(filepath.Join("testdata/trees", dir, "package.json"))
		l, err2 := os.ReadFile(filepath.Join("testdata/trees", dir, "package-lock.json"))
		if err1 != nil || err2 != nil {
			f.Fatal(err1, err2)
		}
		f.Add(m, l)
	}
	f.Add([]byte(`{"dependencies": {"a": "^1"}, "devDependencies": {"b": "*"}}`),
		[]byte(`{"lockfileVersion": 3, "packages": {"": {"dependencies": {"a": "^1"}}, "node_modules/a": {"version": "1.0.0"},`+
			`"node_modules/a/node_modules/c": {"version": "3.0.0", "dev": true}, "node_modules/b": {"resolved": "packages/b", "link": true},`+
			`"packages/b": {"version": "2.0.0", "dependencies": {"d": "npm:e@1"}}}}`))
	f.Add([]byte(`{"dependencies": {"a": "^1"}}`), []byte(`{"lockfileVersion": 1, "dependencies": {"a": {"version": "1.0.0", "dependencies": {"b": {"version": "npm:c@2"}}}}}`))
	f.Fuzz(func(t *testing.T, manifest, lock []byte) {
		checkParse(t, map[string][]byte{"package.json": manifest, "package-lock.json": lock, "sub/package.json": manifest})
	})
}

// FuzzParseRequirements fuzzes a requirements file and a file it may
// include (and that may include it back).
func FuzzParseRequirements(f *testing.F) {
	seedFiles(f, "requirements.txt", "requirements-dev.txt", "docs.txt")
	f.Add([]byte("-r a.in\nx==1 \\\n --hash=sha256:00\n-e ./p#egg=q\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkParse(t, map[string][]byte{"requirements.txt": data, "a.in": data, "requirements/b.txt": []byte("-r ../requirements.txt\n")})
	})
}

func FuzzParsePyProject(f *testing.F) {
	seedFiles(f, "pyproject.toml")
	f.Fuzz(func(t *testing.T, data []byte) {
		checkParse(t, map[string][]byte{"pyproject.toml": data})
	})
}

// FuzzParseCargo fuzzes a member's Cargo.toml with the workspace root's
// and the lock, which resolve it.
func FuzzParseCargo(f *testing.F) {
	for _, side := range []string{"base", "head"} {
		dir := filepath.Join("testdata/trees/cargo", side)
		m, err1 := os.ReadFile(filepath.Join(dir, "crates/app/Cargo.toml"))
		l, err2 := os.ReadFile(filepath.Join(dir, "Cargo.lock"))
		if err1 != nil || err2 != nil {
			f.Fatal(err1, err2)
		}
		f.Add(m, l)
	}
	f.Add([]byte("[package]\nname = \"app\"\nversion = \"0.1.0\"\n[dependencies]\na = \"1\"\nb = { workspace = true }\nr = { package = \"a\", version = \"0.1\" }\n"),
		[]byte("[[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\"a 1.0.0\", \"a 0.1.0\"]\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\nsource = \"registry+x\"\n[[package]]\nname = \"a\"\nversion = \"0.1.0\"\nsource = \"git+y#z\"\n"))
	root := []byte("[workspace]\nmembers = [\"crates/app\"]\n[workspace.dependencies]\nserde = \"1.0\"\nlog = { version = \"0.4\" }\nb = \"2\"\n")
	f.Fuzz(func(t *testing.T, manifest, lock []byte) {
		checkParse(t, map[string][]byte{"crates/app/Cargo.toml": manifest, "Cargo.lock": lock, "Cargo.toml": root})
	})
}

func FuzzPEP508(f *testing.F) {
	for _, s := range []string{"requests==2.31.0", "Flask[async] >= 2.3, < 3.0 ; python_version >= '3.8'", "pip @ https://x/y.zip ; os_name=='nt'", "x===a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := parsePEP508(s)
		if err != nil {
			return
		}
		if !validPyPIName(r.name) {
			t.Fatalf("parsePEP508(%q) accepted name %q", s, r.name)
		}
		// The normalized form parses to the same thing.
		again := r.name + r.spec
		if r.url != "" {
			again = r.name + " @ " + r.url
		}
		if r2, err := parsePEP508(again); err != nil || r2.spec != r.spec || r2.url != r.url {
			t.Fatalf("parsePEP508(%q) = %+v, but %q gives %+v, %v", s, r, again, r2, err)
		}
	})
}

func FuzzCargoReq(f *testing.F) {
	f.Add("^1.2.3", "1.4.0")
	f.Add(">=0.7, <0.9", "0.8.5")
	f.Add("1.*", "1.0.0-rc.1")
	f.Fuzz(func(t *testing.T, req, version string) {
		r, err := parseCargoReq(req)
		if err != nil {
			return
		}
		r.matches(version)
		compareSemver(version, req)
	})
}
