package run

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/git-proof/git-proof/gitx"
)

func TestNarrowGoTest(t *testing.T) {
	dirs := []string{"", "pkg/a"}
	for _, tc := range []struct {
		cmd, want string
	}{
		{"go test -json ./...", "go test -vet=off -json . ./pkg/a"},
		{"  go   test -count=1 -json -run=TestX  ./... ", "go test -vet=off -count=1 -json -run=TestX . ./pkg/a"},
		{"/usr/local/go/bin/go test -json -p 1 ./...", "/usr/local/go/bin/go test -vet=off -json -p 1 . ./pkg/a"},
		{"go test --json=true ./...", "go test -vet=off --json=true . ./pkg/a"},
		// vet is off, whatever the command asked.
		{"go test -vet=all -json ./...", "go test -vet=off -json . ./pkg/a"},
		{"go test --vet=atomic,bool -json ./...", "go test -vet=off -json . ./pkg/a"},
		{"go test -vet off -json ./...", "go test -vet=off -json . ./pkg/a"},
		{"go test -json -vet all -count=1 ./...", "go test -vet=off -json -count=1 . ./pkg/a"},
		// Not rewritten.
		{"go test ./...", ""},                     // no -json: its exit code is the result
		{"go test -json ./... | tee out", ""},     // a pipeline
		{"go test -json ./... && echo ok", ""},    // a list
		{"cd sub && go test -json ./...", ""},     // another directory
		{"go test -json -C sub ./...", ""},        // another directory
		{"go test -json -C=sub ./...", ""},        // another directory
		{"go test -json ./... -args -x", ""},      // ./... is not last
		{"go test -json -args ./...", ""},         // ./... goes to the test binary
		{"go test -json -run 'A|B' ./...", ""},    // quoting
		{"go test -json -run \"$T\" ./...", ""},   // expansion
		{"go test -json ./pkg/...", ""},           // a narrower pattern already
		{"go vet -json ./...", ""},                // not go test
		{"gotest -json ./...", ""},                // not go
		{"go test -json", ""},                     // no pattern
		{"GOFLAGS=-race go test -json ./...", ""}, // an assignment first
		{"go test -json ./... # all", ""},         // a comment
		{"go test -json ./...\ngo vet ./...", ""}, // two commands
		{"go test -json ./...;rm -rf /", ""},      // two commands
		{"", ""},
	} {
		got, ok := narrowGoTest(tc.cmd, dirs)
		if ok != (tc.want != "") || got != tc.want {
			t.Errorf("narrowGoTest(%q) = %q, %v; want %q", tc.cmd, got, ok, tc.want)
		}
	}
	if _, ok := narrowGoTest("go test -json ./...", []string{"a b"}); ok {
		t.Error("a directory with a space was put in the command")
	}
	if _, ok := narrowGoTest("go test -json ./...", []string{"-exec=x"}); ok {
		t.Error("a directory that reads as a flag was put in the command")
	}
}

func TestGoPackageDirs(t *testing.T) {
	changed := func(paths ...string) []gitx.DiffEntry {
		var out []gitx.DiffEntry
		for _, p := range paths {
			out = append(out, gitx.DiffEntry{Status: 'M', Path: p})
		}
		return out
	}
	tests := map[string]bool{"": true, "a": true, "a/b": true, "_x": true, "other/o": true, "vendor/v": true}
	mods := map[string]bool{"": true, "other": true}
	for _, tc := range []struct {
		name    string
		changed []gitx.DiffEntry
		mods    map[string]bool
		want    []string // nil: not narrowed
	}{
		{"one package", changed("a/a_test.go"), mods, []string{"a"}},
		{"top and nested", changed("a/b/x_test.go", "root_test.go", "a/y_test.go"), mods, []string{"", "a", "a/b"}},
		{"testdata", changed("a/b/testdata/in/deep.json"), mods, []string{"a/b"}},
		{"skipped dirs only", changed("_x/x_test.go", "vendor/v/v_test.go", "other/o/o_test.go"), mods, nil},
		{"skipped dirs dropped", changed("_x/x_test.go", "a/a_test.go"), mods, []string{"a"}},
		{"no tests left", changed("gone/g_test.go"), mods, nil},
		{"helper package", changed("a/a_test.go", "test/helper.go"), mods, nil},
		{"fixture outside testdata", changed("a/a_test.go", "tests/data.json"), mods, nil},
		{"no module at the top", changed("a/a_test.go"), map[string]bool{"other": true}, nil},
		{"nothing changed", nil, mods, nil},
	} {
		rs := reproScope{changed: tc.changed, goTestDirs: tests, goModDirs: tc.mods}
		got, ok := rs.goPackageDirs()
		if ok != (tc.want != nil) || !slices.Equal(got, tc.want) {
			t.Errorf("%s: goPackageDirs = %q, %v; want %q", tc.name, got, ok, tc.want)
		}
	}
}

// FuzzNarrowGoTest: a rewrite keeps every word of the command but the
// last and its -vet flags (with a bare -vet's value), in order, puts
// -vet=off after "test", adds only the directory, and stays plain words.
func FuzzNarrowGoTest(f *testing.F) {
	for _, s := range []string{"go test -json ./...", "go test -json -C x ./...", "go test -json ./... | x", "go  test\t-json ./...", "go test -vet x -json -vet=y ./..."} {
		f.Add(s, "pkg/a")
	}
	f.Fuzz(func(t *testing.T, cmd, dir string) {
		got, ok := narrowGoTest(cmd, []string{dir})
		if !ok {
			return
		}
		in, out := strings.Fields(cmd), strings.Fields(got)
		var kept []string
		for i := 2; i < len(in)-1; i++ {
			switch a := in[i]; {
			case a == "-vet" || a == "--vet":
				i++
			case !strings.HasPrefix(a, "-vet=") && !strings.HasPrefix(a, "--vet="):
				kept = append(kept, a)
			}
		}
		want := append(append(slices.Clone(in[:2]), "-vet=off"), kept...)
		if !plainWords(got) || in[len(in)-1] != "./..." || len(out) != len(want)+1 || !slices.Equal(out[:len(want)], want) {
			t.Fatalf("narrowGoTest(%q, %q) = %q", cmd, dir, got)
		}
	})
}

// TestUserTempRoot: the pooled TMPDIRs' parent is used only when it is a
// directory of this user's that nobody else can reach.
func TestUserTempRoot(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(root string) error
		ok    bool
	}{
		{"missing: made 0700", func(string) error { return nil }, true},
		{"existing 0700", func(root string) error { return os.Mkdir(root, 0o700) }, true},
		{"group can reach it", func(root string) error {
			if err := os.Mkdir(root, 0o700); err != nil {
				return err
			}
			return os.Chmod(root, 0o750)
		}, false},
		{"a symlink", func(root string) error { return os.Symlink(t.TempDir(), root) }, false},
		{"a file", func(root string) error { return os.WriteFile(root, nil, 0o600) }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tmp := t.TempDir()
			t.Setenv("TMPDIR", tmp)
			root := filepath.Join(tmp, fmt.Sprintf("git-proof-%d", os.Getuid()))
			if err := tc.setup(root); err != nil {
				t.Fatal(err)
			}
			got, err := userTempRoot()
			if tc.ok != (err == nil) || (tc.ok && got != root) {
				t.Fatalf("userTempRoot() = %q, %v; want ok %v", got, err, tc.ok)
			}
			if tc.ok {
				if fi, err := os.Lstat(root); err != nil || fi.Mode().Perm() != 0o700 {
					t.Errorf("%s: %v %v; want mode 0700", root, fi.Mode(), err)
				}
			}
		})
	}
}
