package gitx_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-proof/git-proof/gitx"
	"github.com/git-proof/git-proof/internal/gittest"
)

// lsTreeAll is the reference: `git ls-tree -r -t -z` split into the files
// and the ids of the trees, as ListTreeAll gives them.
func lsTreeAll(t *testing.T, r *gittest.Repo, tree string) ([]gitx.TreeEntry, map[string]bool) {
	t.Helper()
	out := gitInput(r, "", "ls-tree", "-r", "-t", "-z", tree)
	var files []gitx.TreeEntry
	trees := map[string]bool{}
	for _, rec := range strings.Split(strings.TrimSuffix(out, "\x00"), "\x00") {
		if rec == "" {
			continue
		}
		meta, path, _ := strings.Cut(rec, "\t")
		f := strings.Fields(meta)
		if f[1] == "tree" {
			trees[f[2]] = true
			continue
		}
		files = append(files, gitx.TreeEntry{Mode: f[0], Type: f[1], ID: f[2], Path: path})
	}
	return files, trees
}

// TestListTreeAllMatchesLsTree: ListTreeAll, which reads the tree objects
// through the kept cat-file, lists what ls-tree -r -t lists, in its order,
// for trees with every mode, odd names, a notes fanout, a tree given as a
// commit, in SHA-1 and SHA-256 repositories; a missing tree is ls-tree's
// error.
func TestListTreeAllMatchesLsTree(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"sha1", "sha256"} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			r := gittest.New(t)
			if format == "sha256" {
				dir := filepath.Join(t.TempDir(), "sha256")
				r.GitIn(filepath.Dir(dir), "init", "-q", "--object-format=sha256", dir)
				r.Dir = dir
			}
			r.Write(map[string]string{"new\nline": "x\n", "d/e/f": "y\n"})
			commit := r.Commit("one")
			repo, trace := openTraced(t, r)
			names := []string{commit}
			for name, entries := range treeCases(r) {
				tree, err := repo.WriteTree(ctx, entries)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				names = append(names, tree)
			}
			for _, name := range names {
				files, trees, err := repo.ListTreeAll(ctx, name)
				if err != nil {
					t.Fatalf("ListTreeAll(%s): %v", name, err)
				}
				wantFiles, wantTrees := lsTreeAll(t, r, name)
				if len(files) != len(wantFiles) {
					t.Errorf("%s: %d files %v; ls-tree %d %v", name, len(files), files, len(wantFiles), wantFiles)
					continue
				}
				for i := range files {
					if files[i] != wantFiles[i] {
						t.Errorf("%s: file %d = %+v; ls-tree %+v", name, i, files[i], wantFiles[i])
					}
				}
				if len(trees) != len(wantTrees) {
					t.Errorf("%s: trees %v; ls-tree %v", name, trees, wantTrees)
				}
				for id := range wantTrees {
					if !trees[id] {
						t.Errorf("%s: tree %s missing", name, id)
					}
				}
			}
			// All through one cat-file: no ls-tree ran (WriteTree's own git
			// commands aside).
			if n := gitCommands(t, trace)["cat-file"]; n != 1 {
				t.Errorf("%d cat-file processes; want the one kept", n)
			}
			if n := gitCommands(t, trace)["ls-tree"]; n != 0 {
				t.Errorf("%d ls-tree processes; want none", n)
			}
			missing := strings.Repeat("1", len(repo.ZeroID()))
			if _, _, err := repo.ListTreeAll(ctx, missing); err == nil {
				t.Error("ListTreeAll of a missing tree: no error")
			}
		})
	}
}

// openTraced opens r with git's trace2 events going to a file (for
// gitCommands), closed at the end of the test.
func openTraced(t *testing.T, r *gittest.Repo) (*gitx.Repo, string) {
	t.Helper()
	trace := filepath.Join(t.TempDir(), "trace")
	repo, err := gitx.Open(ctx, r.Dir, append(append([]string{}, r.Env...), "GIT_TRACE2_EVENT="+trace))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = repo.Close() })
	return repo, trace
}

// gitCommands counts the git commands a GIT_TRACE2_EVENT file saw start,
// by name (after -C and -c).
func gitCommands(t *testing.T, trace string) map[string]int {
	t.Helper()
	b, err := os.ReadFile(trace)
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, line := range strings.Split(string(b), "\n") {
		var ev struct {
			Event string   `json:"event"`
			Argv  []string `json:"argv"`
		}
		if json.Unmarshal([]byte(line), &ev) != nil || ev.Event != "start" {
			continue
		}
		args := ev.Argv[1:]
		for len(args) > 1 && (args[0] == "-C" || args[0] == "-c") {
			args = args[2:]
		}
		if len(args) > 0 {
			n[args[0]]++
		}
	}
	return n
}

// TestKeptCatFile: reads through the kept cat-file see objects written
// after it started; a name that reads refs sees them as they are now, not
// as the kept process first saw them; a callback's error is returned and
// the next read works; a cancelled read fails and the next one works; a
// read from inside a callback does not wait for the one outside; Close
// leaves the Repo usable (each read with a process of its own), and so
// does the end of Open's context.
func TestKeptCatFile(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	r.Write(map[string]string{"a.txt": "one\n"})
	first := r.Commit("one")
	repo, trace := openTraced(t, r)
	read := func(names ...string) []*gitx.Object {
		t.Helper()
		var out []*gitx.Object
		if err := repo.ReadObjects(ctx, names, 0, func(_ int, o *gitx.Object) error { out = append(out, o); return nil }); err != nil {
			t.Fatalf("ReadObjects(%v): %v", names, err)
		}
		return out
	}
	// The first read starts the process, with a name that reads refs.
	if o := read("HEAD^{commit}"); o[0].ID != first {
		t.Fatalf("HEAD = %s; want %s", o[0].ID, first)
	}
	r.Write(map[string]string{"a.txt": "two\n"})
	second := r.Commit("two")
	if o := read("HEAD^{commit}", second+":a.txt"); o[0].ID != second || string(o[1].Data) != "two\n" {
		t.Errorf("after a new commit: HEAD %s, a.txt %q; want %s, two", o[0].ID, o[1].Data, second)
	}
	blob := strings.TrimSpace(gitInput(r, "later\n", "hash-object", "-w", "--stdin"))
	if o := read(blob, first); string(o[0].Data) != "later\n" || o[1].Type != "commit" {
		t.Errorf("a blob written after the process started: %+v", o[0])
	}
	// Three reads, two processes: the kept one, and one of its own for the
	// read of HEAD after the kept one had served.
	if n := gitCommands(t, trace)["cat-file"]; n != 2 {
		t.Errorf("%d cat-file processes after three reads; want 2", n)
	}

	stop := errors.New("stop here")
	err := repo.ReadObjects(ctx, []string{first, second, blob}, 0, func(i int, _ *gitx.Object) error {
		if i == 1 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) {
		t.Errorf("a callback's error: %v", err)
	}
	if o := read(blob); string(o[0].Data) != "later\n" {
		t.Errorf("after a callback's error: %+v", o[0])
	}

	cctx, cancel := context.WithCancel(ctx)
	err = repo.ReadObjects(cctx, []string{first, second}, 0, func(int, *gitx.Object) error {
		cancel()
		return nil
	})
	if err != nil && !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled read: %v", err)
	}
	if err := repo.ReadObjects(cctx, []string{first}, 0, func(int, *gitx.Object) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("a read with a cancelled context: %v", err)
	}
	if o := read(first, blob); o[0].ID != first || string(o[1].Data) != "later\n" {
		t.Errorf("after a cancelled read: %+v", o)
	}

	var inner []*gitx.Object
	err = repo.ReadObjects(ctx, []string{first}, 0, func(int, *gitx.Object) error {
		inner = read(blob)
		return nil
	})
	if err != nil || len(inner) != 1 || string(inner[0].Data) != "later\n" {
		t.Errorf("a read inside a read: %v, %+v", err, inner)
	}

	if err := repo.Close(); err != nil {
		t.Fatal(err)
	}
	before := gitCommands(t, trace)["cat-file"]
	if o := read("HEAD^{commit}", blob); o[0].ID != second || string(o[1].Data) != "later\n" {
		t.Errorf("after Close: %+v", o)
	}
	read(first)
	if n := gitCommands(t, trace)["cat-file"] - before; n != 2 {
		t.Errorf("after Close, two reads started %d cat-file processes; want 2", n)
	}

	octx, cancelOpen := context.WithCancel(ctx)
	repo2, err := gitx.Open(octx, r.Dir, r.Env)
	if err != nil {
		t.Fatal(err)
	}
	cancelOpen()
	if err := repo2.ReadObjects(ctx, []string{first}, 0, func(_ int, o *gitx.Object) error {
		if o.ID != first {
			t.Errorf("after Open's context ended: %+v", o)
		}
		return nil
	}); err != nil {
		t.Errorf("after Open's context ended: %v", err)
	}
}

// TestRefValueShared: a ref read through the kept cat-file, started
// earlier, is the ref as it is now, loose, packed, moved or deleted, as
// RefValue reads it, and costs no process of its own.
func TestRefValueShared(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	r.Write(map[string]string{"a.txt": "one\n"})
	first := r.Commit("one")
	r.Write(map[string]string{"a.txt": "two\n"})
	second := r.Commit("two")
	repo, trace := openTraced(t, r)
	// Start the kept process with a read of its own.
	if err := repo.ReadObjects(ctx, []string{first}, 0, func(int, *gitx.Object) error { return nil }); err != nil {
		t.Fatal(err)
	}
	const ref = "refs/notes/proof"
	steps := []struct {
		name string
		git  []string // run before the read
		want string
	}{
		{"missing", nil, ""},
		{"made", []string{"update-ref", ref, first}, first},
		{"moved", []string{"update-ref", ref, second, first}, second},
		{"packed", []string{"pack-refs", "--all"}, second},
		{"moved while packed", []string{"update-ref", ref, first, second}, first},
		{"a tag, not a commit", []string{"update-ref", ref, strings.TrimSpace(gitInput(r, "x\n", "hash-object", "-w", "--stdin"))}, ""},
		{"deleted", []string{"update-ref", "-d", ref}, ""},
	}
	for _, st := range steps {
		if st.git != nil {
			gitInput(r, "", st.git...)
		}
		got, err := repo.RefValueShared(ctx, ref)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		want, err := repo.RefValue(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		if got != st.want || got != want {
			t.Errorf("%s: RefValueShared %q, RefValue %q; want %q", st.name, got, want, st.want)
		}
	}
	if b, _ := os.ReadFile(trace); true {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.Contains(l, `"event":"start"`) {
				t.Log(l[strings.Index(l, "argv"):])
			}
		}
	}
	if n := gitCommands(t, trace)["cat-file"]; n != 1 {
		t.Errorf("%d cat-file processes; want the kept one only", n)
	}
	if n := gitCommands(t, trace)["rev-parse"]; n != len(steps)+1 { // Open's, and RefValue's
		t.Errorf("%d rev-parse processes; want %d (Open's and RefValue's)", n, len(steps)+1)
	}
}
