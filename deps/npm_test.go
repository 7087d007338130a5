package deps

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
)

// depLines renders dependencies one per line, for compact comparisons.
func depLines(ds []Dependency) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "%s %s %s@%s", d.Manifest, d.Ecosystem, d.Name, d.Version)
		if d.Scope != "" {
			fmt.Fprintf(&b, " [%s]", d.Scope)
		}
		if !d.Direct {
			b.WriteString(" indirect")
		}
		if d.Replace != "" {
			fmt.Fprintf(&b, " => %s", d.Replace)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func mustParse(t *testing.T, files map[string]string) []Dependency {
	t.Helper()
	in := map[string][]byte{}
	for k, v := range files {
		in[k] = []byte(v)
	}
	got, errs := Parse(in)
	if len(errs) > 0 {
		t.Fatalf("Parse: %v", errs)
	}
	return got
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestNPMLockVersionsAgree: one project locked by npm as version 1 and as
// version 3 yields the same dependencies.
func TestNPMLockVersionsAgree(t *testing.T) {
	t.Parallel()
	v1, _ := Parse(loadTree(t, "testdata/trees/npm-v1/base"))
	v3, _ := Parse(loadTree(t, "testdata/trees/npm/base"))
	if a, b := depLines(v1), depLines(v3); a != b {
		t.Errorf("lock v1 gives\n%s; lock v3 gives\n%s", a, b)
	}
}

// TestNPMLockWithoutManifest: the lock's copy of the root's manifest still
// tells which dependencies are direct, and their scopes.
func TestNPMLockWithoutManifest(t *testing.T) {
	t.Parallel()
	got := mustParse(t, map[string]string{"package-lock.json": readFile(t, "testdata/trees/npm/base/package-lock.json")})
	want := `package-lock.json npm debug@2.6.9
package-lock.json npm is-number@6.0.0 [dev]
package-lock.json npm left-pad@1.3.0 [peer]
package-lock.json npm ms@2.0.0 indirect
package-lock.json npm ms@2.1.3
`
	if s := depLines(got); s != want {
		t.Errorf("Parse(lock only) =\n%s; want\n%s", s, want)
	}
}

// TestNPMWorkspaceMember: a workspace's package.json resolves through the
// root's lock, its own node_modules first.
func TestNPMWorkspaceMember(t *testing.T) {
	t.Parallel()
	got := mustParse(t, map[string]string{
		"package-lock.json":          readFile(t, "testdata/trees/npm-workspace/base/package-lock.json"),
		"packages/web/package.json":  readFile(t, "testdata/trees/npm-workspace/base/packages/web/package.json"),
		"packages/util/package.json": readFile(t, "testdata/trees/npm-workspace/base/packages/util/package.json"),
	})
	want := `package-lock.json npm left-pad@1.3.0 [dev]
packages/util/package.json npm is-number@7.0.0
packages/web/package.json npm @fixture/util@file:packages/util
packages/web/package.json npm is-number@6.0.0
packages/web/package.json npm ms@2.1.3
`
	if s := depLines(got); s != want {
		t.Errorf("Parse(workspace) =\n%s; want\n%s", s, want)
	}
}

func TestNPMManifestRules(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  string
	}{
		{
			name: "sections: a later one wins as in arborist",
			files: map[string]string{"package.json": `{
				"dependencies": {"a": "1.0.0", "b": "^2"},
				"devDependencies": {"a": "1.0.0", "c": "3.0.0"},
				"peerDependencies": {"c": ">=3", "d": "*"},
				"optionalDependencies": {"b": "^2"}}`},
			want: "package.json npm a@1.0.0 [dev]\npackage.json npm b@^2 [optional]\npackage.json npm c@3.0.0 [dev]\npackage.json npm d@* [peer]\n",
		},
		{
			name:  "alias without lock",
			files: map[string]string{"package.json": `{"dependencies": {"old-ms": "npm:ms@^2.0.0", "@s/x": "npm:@t/y@1.2.3"}}`},
			want:  "package.json npm @t/y@1.2.3\npackage.json npm ms@^2.0.0\n",
		},
		{
			name: "shrinkwrap wins over package-lock",
			files: map[string]string{
				"package.json":        `{"dependencies": {"a": "^1"}}`,
				"npm-shrinkwrap.json": `{"lockfileVersion": 3, "packages": {"node_modules/a": {"version": "1.0.1"}}}`,
				"package-lock.json":   `{"lockfileVersion": 3, "packages": {"node_modules/a": {"version": "1.0.2"}}}`,
			},
			want: "package.json npm a@1.0.1\n",
		},
		{
			name: "git and nested resolution",
			files: map[string]string{
				"package.json": `{"dependencies": {"g": "github:o/g", "a": "^1"}}`,
				"package-lock.json": `{"lockfileVersion": 3, "packages": {
					"": {"dependencies": {"g": "github:o/g", "a": "^1"}},
					"node_modules/g": {"version": "0.1.0", "resolved": "git+ssh://git@github.com/o/g.git#0123456789abcdef0123456789abcdef01234567"},
					"node_modules/a": {"version": "1.2.0"},
					"node_modules/a/node_modules/b": {"version": "2.0.0", "dev": true},
					"node_modules/b": {"version": "3.0.0", "optional": true},
					"node_modules/x": {"version": "9.9.9", "extraneous": true}}}`,
			},
			want: "package-lock.json npm b@2.0.0 [dev] indirect\npackage-lock.json npm b@3.0.0 [optional] indirect\npackage.json npm a@1.2.0\npackage.json npm g@git+ssh://git@github.com/o/g.git#0123456789abcdef0123456789abcdef01234567\n",
		},
		{
			name: "package.json in a subdirectory of an unrelated lock is not resolved",
			files: map[string]string{
				"package-lock.json":         `{"lockfileVersion": 3, "packages": {"node_modules/a": {"version": "1.0.0"}}}`,
				"fixtures/one/package.json": `{"dependencies": {"a": "^1"}}`,
			},
			want: "fixtures/one/package.json npm a@^1\npackage-lock.json npm a@1.0.0 indirect\n",
		},
		{
			name:  "version 1 aliases and git versions",
			files: map[string]string{"package-lock.json": `{"lockfileVersion": 1, "dependencies": {"old": {"version": "npm:ms@2.0.0"}, "g": {"version": "git+https://github.com/o/g.git#abc"}}}`},
			want:  "package-lock.json npm g@git+https://github.com/o/g.git#abc indirect\npackage-lock.json npm ms@2.0.0 indirect\n",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := depLines(mustParse(t, tc.files)); got != tc.want {
				t.Errorf("Parse =\n%s; want\n%s", got, tc.want)
			}
		})
	}
}

func TestNPMLockV1TooDeep(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString(`{"lockfileVersion": 1, "dependencies": `)
	n := MaxNesting + 10
	for range n {
		b.WriteString(`{"a": {"version": "1.0.0", "dependencies": `)
	}
	b.WriteString(`{}`)
	for range n {
		b.WriteString(`}}`)
	}
	b.WriteString(`}`)
	got, errs := Parse(map[string][]byte{"package-lock.json": []byte(b.String())})
	if len(errs) != 1 || !errors.Is(errs[0], ErrTooDeep) || len(got) != 1 {
		t.Errorf("Parse(deep v1 lock) = %d deps, %v; want 1 (one name and version) and ErrTooDeep", len(got), errs)
	}
}
