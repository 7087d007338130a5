package deps

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestIsManifest(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		path string
		want bool
	}{
		{"go.mod", true},
		{"tools/go.mod", true},
		{"go.sum", false},
		{"package.json", true},
		{"web/package-lock.json", true},
		{"npm-shrinkwrap.json", true},
		{"node_modules/x/package.json", false},
		{"web/node_modules/.package-lock.json", false},
		{"requirements.txt", true},
		{"requirements-dev.txt", true},
		{"svc/requirements_test.txt", true},
		{"requirements/base.txt", true},
		{"a/requirements/prod.txt", true},
		{"requirements.in", false},
		{"docs/notes.txt", false},
		{"pyproject.toml", true},
		{"Cargo.toml", true},
		{"crates/x/Cargo.lock", true},
		{"cargo.toml", false},
		{"./package.json", true},
		{"", false},
	} {
		if got := IsManifest(tc.path); got != tc.want {
			t.Errorf("IsManifest(%q) = %v; want %v", tc.path, got, tc.want)
		}
	}
}

func TestPURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		eco, name, exact, want string
	}{
		{Golang, "github.com/x/y", "v1.2.3", "pkg:golang/github.com/x/y@v1.2.3"},
		{Golang, "github.com/pelletier/go-toml/v2", "v2.4.3", "pkg:golang/github.com/pelletier/go-toml/v2@v2.4.3"},
		{Golang, "github.com/x/y", "v2.0.0+incompatible", "pkg:golang/github.com/x/y@v2.0.0%2Bincompatible"},
		{NPM, "@scope/name", "1.0.0", "pkg:npm/%40scope/name@1.0.0"},
		{NPM, "left-pad", "", "pkg:npm/left-pad"},
		{PyPI, "requests", "2.31.0", "pkg:pypi/requests@2.31.0"},
		{Cargo, "serde", "1.0.1", "pkg:cargo/serde@1.0.1"},
	} {
		if got := purl(tc.eco, tc.name, tc.exact); got != tc.want {
			t.Errorf("purl(%q, %q, %q) = %q; want %q", tc.eco, tc.name, tc.exact, got, tc.want)
		}
	}
}

func TestNormalizePyPI(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Requests":          "requests",
		"typing_extensions": "typing-extensions",
		"zope.interface":    "zope-interface",
		"A__b-._C":          "a-b-c",
	} {
		if got := normalizePyPI(in); got != want {
			t.Errorf("normalizePyPI(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestParseErrorNamesFileAndLine(t *testing.T) {
	t.Parallel()
	_, errs := Parse(map[string][]byte{"web/package.json": []byte("{\n\"dependencies\": {\n\"a\": 1}}")})
	if len(errs) != 1 {
		t.Fatalf("Parse = %v; want one error", errs)
	}
	var pe *ParseError
	if !errors.As(errs[0], &pe) || pe.File != "web/package.json" || pe.Line != 3 || !errors.Is(errs[0], ErrSyntax) {
		t.Errorf("error = %#v; want a ParseError for web/package.json line 3 wrapping ErrSyntax", errs[0])
	}
	if !strings.HasPrefix(errs[0].Error(), "web/package.json:3: ") {
		t.Errorf("Error() = %q; want it to start with the file and line", errs[0].Error())
	}
}

// TestParseKeepsGoodFiles: one bad file is reported and the others count.
func TestParseKeepsGoodFiles(t *testing.T) {
	t.Parallel()
	got, errs := Parse(map[string][]byte{
		"a/package.json":   []byte(`{"dependencies": {"x": "1.0.0"}}`),
		"b/package.json":   []byte(`{"dependencies": `),
		"requirements.txt": []byte("flask==3.0.0\n"),
	})
	if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), "b/package.json") {
		t.Errorf("errors = %v; want one for b/package.json", errs)
	}
	if len(got) != 2 {
		t.Errorf("Parse = %v; want x from a/package.json and flask", got)
	}
}

func TestLimits(t *testing.T) {
	t.Parallel()
	t.Run("file size", func(t *testing.T) {
		t.Parallel()
		big := make([]byte, MaxFileSize+1)
		got, errs := Parse(map[string][]byte{"requirements.txt": big, "go.mod": []byte("module m\nrequire a.b/c v1.0.0\n")})
		if len(errs) != 1 || !errors.Is(errs[0], ErrTooLarge) || len(got) != 1 {
			t.Errorf("Parse(too large) = %v, %v; want the go.mod dependency and ErrTooLarge", got, errs)
		}
	})
	t.Run("file count", func(t *testing.T) {
		t.Parallel()
		files := map[string][]byte{}
		for i := range MaxFiles + 5 {
			files[fmt.Sprintf("p%05d/requirements.txt", i)] = []byte("x==1\n")
		}
		got, errs := Parse(files)
		if len(errs) != 1 || !errors.Is(errs[0], ErrTooMany) || len(got) != MaxFiles {
			t.Errorf("Parse(%d files) = %d deps, %v; want %d and ErrTooMany", len(files), len(got), errs, MaxFiles)
		}
	})
	t.Run("field length", func(t *testing.T) {
		t.Parallel()
		long := strings.Repeat("a", MaxFieldLength+1)
		got, errs := Parse(map[string][]byte{"package.json": []byte(`{"dependencies": {"` + long + `": "1.0.0", "ok": "1.0.0"}}`)})
		if len(errs) != 1 || !errors.Is(errs[0], ErrTooLarge) || len(got) != 1 {
			t.Errorf("Parse(long name) = %v, %v; want ok and ErrTooLarge", got, errs)
		}
	})
	t.Run("dependency count", func(t *testing.T) {
		t.Parallel()
		var b strings.Builder
		for i := range MaxDependencies + 3 {
			fmt.Fprintf(&b, "p%d==1\n", i)
		}
		got, errs := Parse(map[string][]byte{"requirements.txt": []byte(b.String())})
		if len(errs) != 1 || !errors.Is(errs[0], ErrTooMany) || len(got) != MaxDependencies {
			t.Errorf("Parse(%d deps) = %d, %v; want %d and ErrTooMany", MaxDependencies+3, len(got), errs, MaxDependencies)
		}
	})
}

// TestParseDeterministic: the same files give the same list, whatever the
// map's order, and paths are cleaned.
func TestParseDeterministic(t *testing.T) {
	t.Parallel()
	files := loadTree(t, "testdata/trees/python/head")
	want, _ := Parse(files)
	for range 5 {
		got, _ := Parse(files)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("Parse is not deterministic:\n%v\n%v", got, want)
		}
	}
	dotted := map[string][]byte{}
	for k, v := range files {
		dotted["./"+k] = v
	}
	if got, _ := Parse(dotted); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Parse with ./ paths = %v; want %v", got, want)
	}
}

// TestCraftedInputs: inputs shaped to make a naive parser loop forever or
// go quadratic finish quickly.
func TestCraftedInputs(t *testing.T) {
	t.Parallel()
	const n = 50_000
	check := func(t *testing.T, files map[string][]byte) ([]Dependency, []error) {
		t.Helper()
		start := time.Now()
		got, errs := Parse(files)
		if d := time.Since(start); d > 20*time.Second {
			t.Errorf("Parse took %v", d)
		}
		return got, errs
	}
	t.Run("lock keys that are not clean paths", func(t *testing.T) {
		t.Parallel()
		check(t, map[string][]byte{"package-lock.json": []byte(`{"packages": {
			"/": {"dependencies": {"a": "1"}}, "/x/y": {"dependencies": {"a": "1"}}, "a/../..": {"dependencies": {"a": "1"}},
			"` + strings.Repeat("d/", 5000) + `": {"dependencies": {"a": "1"}}}}`)})
	})
	t.Run("many locked versions of one crate", func(t *testing.T) {
		t.Parallel()
		var lock, refs, manifest strings.Builder
		lock.WriteString("version = 4\n")
		manifest.WriteString("[package]\nname = \"root\"\nversion = \"0.1.0\"\n[dependencies]\n")
		for i := range n {
			fmt.Fprintf(&lock, "[[package]]\nname = \"x\"\nversion = \"1.0.%d\"\nsource = \"registry+r\"\n", i)
			fmt.Fprintf(&refs, "\"x 1.0.%d\",", i)
			if i < 2000 {
				fmt.Fprintf(&manifest, "x%d = { package = \"x\", version = \"1\" }\n", i)
			}
		}
		fmt.Fprintf(&lock, "[[package]]\nname = \"root\"\nversion = \"0.1.0\"\ndependencies = [%s]\n", refs.String())
		got, _ := check(t, map[string][]byte{"Cargo.lock": []byte(lock.String()), "Cargo.toml": []byte(manifest.String())})
		// Too many candidates: the 2000 renames stay unresolved ("1"),
		// which makes them one entry, and every locked version is indirect.
		if len(got) != n+1 {
			t.Errorf("Parse = %d deps; want %d", len(got), n+1)
		}
	})
	t.Run("many bad entries", func(t *testing.T) {
		t.Parallel()
		var b strings.Builder
		b.WriteString("[dependencies]\n")
		for i := range n {
			fmt.Fprintf(&b, "d%d = %d\n", i, i)
		}
		_, errs := check(t, map[string][]byte{"Cargo.toml": []byte(b.String())})
		if len(errs) != MaxErrorsPerFile+1 || !errors.Is(errs[MaxErrorsPerFile], ErrTooMany) {
			t.Errorf("Parse = %d errors; want %d and a last one saying the rest were not reported", len(errs), MaxErrorsPerFile+1)
		}
	})
	t.Run("diff of many versions of one name", func(t *testing.T) {
		t.Parallel()
		var base, head []Dependency
		for i := range n {
			base = append(base, dep(NPM, "package-lock.json", "x", fmt.Sprintf("1.0.%d", i), indirect))
			head = append(head, dep(NPM, "package.json", "x", fmt.Sprintf("2.0.%d", i)))
		}
		start := time.Now()
		d := Diff(base, head)
		if el := time.Since(start); el > 20*time.Second {
			t.Errorf("Diff took %v", el)
		}
		if len(d.Added)+len(d.Changed) != n {
			t.Errorf("Diff = %d added, %d changed; want %d in all", len(d.Added), len(d.Changed), n)
		}
	})
}
