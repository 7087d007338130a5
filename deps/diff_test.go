package deps

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

func dep(eco, manifest, name, version string, opts ...func(*Dependency)) Dependency {
	d := Dependency{Ecosystem: eco, Manifest: manifest, Name: name, Version: version, Direct: true}
	for _, o := range opts {
		o(&d)
	}
	return d
}

func scope(s string) func(*Dependency)   { return func(d *Dependency) { d.Scope = s } }
func replace(s string) func(*Dependency) { return func(d *Dependency) { d.Replace = s } }
func indirect(d *Dependency)             { d.Direct = false }

// summary renders a delta as one line per change, for table tests.
func summary(d Delta) string {
	var b strings.Builder
	str := func(x *Dependency) string {
		if x == nil {
			return "-"
		}
		s := x.Manifest + ":" + x.Name + "@" + x.Version
		if x.Scope != "" {
			s += "[" + x.Scope + "]"
		}
		if x.Replace != "" {
			s += "=>" + x.Replace
		}
		if !x.Direct {
			s += "(indirect)"
		}
		return s
	}
	for _, l := range []struct {
		what string
		cs   []Change
	}{{"added", d.Added}, {"removed", d.Removed}, {"changed", d.Changed}} {
		for _, c := range l.cs {
			fmt.Fprintf(&b, "%s %s -> %s\n", l.what, str(c.Old), str(c.New))
		}
	}
	return b.String()
}

func TestDiff(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		base, head []Dependency
		want       string
	}{
		{
			name: "nothing",
			base: []Dependency{dep(NPM, "package.json", "a", "1.0.0")},
			head: []Dependency{dep(NPM, "package.json", "a", "1.0.0")},
			want: "",
		},
		{
			name: "added",
			base: nil,
			head: []Dependency{dep(Golang, "go.mod", "github.com/x/y", "v1.0.0")},
			want: "added - -> go.mod:github.com/x/y@v1.0.0\n",
		},
		{
			name: "removed",
			base: []Dependency{dep(PyPI, "requirements.txt", "flask", "==3.0.0")},
			want: "removed requirements.txt:flask@==3.0.0 -> -\n",
		},
		{
			name: "version change",
			base: []Dependency{dep(Cargo, "Cargo.toml", "serde", "1.0.200")},
			head: []Dependency{dep(Cargo, "Cargo.toml", "serde", "1.0.210")},
			want: "changed Cargo.toml:serde@1.0.200 -> Cargo.toml:serde@1.0.210\n",
		},
		{
			name: "replace added",
			base: []Dependency{dep(Golang, "go.mod", "golang.org/x/sync", "v0.6.0")},
			head: []Dependency{dep(Golang, "go.mod", "golang.org/x/sync", "v0.6.0", replace("../sync"))},
			want: "changed go.mod:golang.org/x/sync@v0.6.0 -> go.mod:golang.org/x/sync@v0.6.0=>../sync\n",
		},
		{
			name: "dev to prod",
			base: []Dependency{dep(NPM, "package.json", "is-number", "7.0.0", scope("dev"))},
			head: []Dependency{dep(NPM, "package.json", "is-number", "7.0.0")},
			want: "changed package.json:is-number@7.0.0[dev] -> package.json:is-number@7.0.0\n",
		},
		{
			name: "indirect to direct",
			base: []Dependency{dep(Golang, "go.mod", "gopkg.in/yaml.v3", "v3.0.1", indirect)},
			head: []Dependency{dep(Golang, "go.mod", "gopkg.in/yaml.v3", "v3.0.1")},
			want: "changed go.mod:gopkg.in/yaml.v3@v3.0.1(indirect) -> go.mod:gopkg.in/yaml.v3@v3.0.1\n",
		},
		{
			name: "same dependency in two manifests is two entries",
			base: []Dependency{dep(NPM, "apps/a/package.json", "lodash", "^4.17.20"), dep(NPM, "apps/b/package.json", "lodash", "^4.17.20")},
			head: []Dependency{dep(NPM, "apps/a/package.json", "lodash", "^4.17.21"), dep(NPM, "apps/b/package.json", "lodash", "^4.17.20")},
			want: "changed apps/a/package.json:lodash@^4.17.20 -> apps/a/package.json:lodash@^4.17.21\n",
		},
		{
			name: "moved between manifests",
			base: []Dependency{dep(PyPI, "requirements-dev.txt", "pytest", "~=7.4")},
			head: []Dependency{dep(PyPI, "requirements.txt", "pytest", "~=7.4")},
			want: "added - -> requirements.txt:pytest@~=7.4\nremoved requirements-dev.txt:pytest@~=7.4 -> -\n",
		},
		{
			name: "same name, two ecosystems",
			base: []Dependency{dep(NPM, "package.json", "six", "1.0.0")},
			head: []Dependency{dep(PyPI, "package.json", "six", "1.0.0")},
			want: "added - -> package.json:six@1.0.0\nremoved package.json:six@1.0.0 -> -\n",
		},
		{
			name: "transitive becomes direct",
			base: []Dependency{dep(NPM, "web/package-lock.json", "ms", "2.1.3", indirect)},
			head: []Dependency{dep(NPM, "web/package.json", "ms", "2.1.3")},
			want: "changed web/package-lock.json:ms@2.1.3(indirect) -> web/package.json:ms@2.1.3\n",
		},
		{
			name: "lock of another directory does not cover",
			base: []Dependency{dep(NPM, "api/package-lock.json", "ms", "2.1.3", indirect)},
			head: []Dependency{dep(NPM, "web/package.json", "ms", "2.1.3")},
			want: "added - -> web/package.json:ms@2.1.3\nremoved api/package-lock.json:ms@2.1.3(indirect) -> -\n",
		},
		{
			name: "workspace lock covers a member crate",
			base: []Dependency{dep(Cargo, "Cargo.lock", "log", "0.4.21", indirect)},
			head: []Dependency{dep(Cargo, "crates/util/Cargo.toml", "log", "0.4.21")},
			want: "changed Cargo.lock:log@0.4.21(indirect) -> crates/util/Cargo.toml:log@0.4.21\n",
		},
		{
			name: "several versions of one package: one bumped",
			base: []Dependency{dep(NPM, "package-lock.json", "ms", "2.0.0", indirect), dep(NPM, "package-lock.json", "ms", "2.1.3", indirect)},
			head: []Dependency{dep(NPM, "package-lock.json", "ms", "2.1.2", indirect), dep(NPM, "package-lock.json", "ms", "2.1.3", indirect)},
			want: "changed package-lock.json:ms@2.0.0(indirect) -> package-lock.json:ms@2.1.2(indirect)\n",
		},
		{
			name: "renamed crate: scope kept apart",
			base: []Dependency{dep(Cargo, "Cargo.toml", "rand", "0.7.3"), dep(Cargo, "Cargo.toml", "rand", "0.8.5", scope("dev"))},
			head: []Dependency{dep(Cargo, "Cargo.toml", "rand", "0.7.3"), dep(Cargo, "Cargo.toml", "rand", "0.9.0", scope("dev"))},
			want: "changed Cargo.toml:rand@0.8.5[dev] -> Cargo.toml:rand@0.9.0[dev]\n",
		},
		{
			name: "one of two versions dropped",
			base: []Dependency{dep(Cargo, "Cargo.lock", "rand_core", "0.5.1", indirect), dep(Cargo, "Cargo.lock", "rand_core", "0.6.4", indirect)},
			head: []Dependency{dep(Cargo, "Cargo.lock", "rand_core", "0.6.4", indirect)},
			want: "removed Cargo.lock:rand_core@0.5.1(indirect) -> -\n",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := summary(Diff(tc.base, tc.head)); got != tc.want {
				t.Errorf("Diff(%v, %v) =\n%s; want\n%s", tc.base, tc.head, got, tc.want)
			}
		})
	}
}

// TestDiffProperties: Diff of a list with itself is empty, Diff with
// nothing adds or removes everything, and input order does not matter.
func TestDiffProperties(t *testing.T) {
	t.Parallel()
	base, _ := Parse(loadTree(t, "testdata/trees/npm/base"))
	head, _ := Parse(loadTree(t, "testdata/trees/npm/head"))
	if d := Diff(head, head); !d.Empty() {
		t.Errorf("Diff(head, head) = %s; want empty", summary(d))
	}
	if d := Diff(nil, head); len(d.Added) != len(head) || len(d.Removed)+len(d.Changed) != 0 {
		t.Errorf("Diff(nil, head) = %s; want all %d added", summary(d), len(head))
	}
	if d := Diff(base, nil); len(d.Removed) != len(base) || len(d.Added)+len(d.Changed) != 0 {
		t.Errorf("Diff(base, nil) = %s; want all %d removed", summary(d), len(base))
	}
	want := summary(Diff(base, head))
	r := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		b, h := append([]Dependency(nil), base...), append([]Dependency(nil), head...)
		r.Shuffle(len(b), func(i, j int) { b[i], b[j] = b[j], b[i] })
		r.Shuffle(len(h), func(i, j int) { h[i], h[j] = h[j], h[i] })
		if got := summary(Diff(b, h)); got != want {
			t.Fatalf("Diff depends on input order:\n%s\nwant\n%s", got, want)
		}
	}
}

// TestDiffEmptyListsMarshal: a delta's lists are [] in JSON, never null.
func TestDiffEmptyLists(t *testing.T) {
	t.Parallel()
	d := Diff(nil, nil)
	if d.Added == nil || d.Removed == nil || d.Changed == nil || !d.Empty() {
		t.Errorf("Diff(nil, nil) = %#v; want three empty, non-nil lists", d)
	}
}
