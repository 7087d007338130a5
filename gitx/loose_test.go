package gitx_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/git-proof/git-proof/gitx"
	"github.com/git-proof/git-proof/internal/gittest"
)

// looseObjects lists the loose objects of the repository at dir.
func looseObjects(t *testing.T, dir string) map[string]bool {
	t.Helper()
	got := map[string]bool{}
	root := filepath.Join(dir, ".git", "objects")
	dirs, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if len(d.Name()) != 2 {
			continue
		}
		files, err := os.ReadDir(filepath.Join(root, d.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			got[d.Name()+f.Name()] = true
		}
	}
	return got
}

// treeCases are sets of tree entries whose order or shape git is particular
// about: a directory sorts as if its name ended in "/" ("a.b" < "a/" <
// "a0"), nested and empty-named-looking paths, every mode a tree holds.
func treeCases(r *gittest.Repo) map[string][]gitx.IndexEntry {
	ids := make([]string, 4)
	for i := range ids {
		ids[i] = strings.TrimSpace(gitInput(r, fmt.Sprintf("content %d\n", i), "hash-object", "-w", "--stdin"))
	}
	commit := r.Git("rev-parse", "HEAD")
	return map[string][]gitx.IndexEntry{
		"flat": {{Mode: "100644", ID: ids[0], Path: "b"}, {Mode: "100644", ID: ids[1], Path: "a"}},
		"directory sorts with a slash": {
			{Mode: "100644", ID: ids[0], Path: "a.b"},
			{Mode: "100644", ID: ids[1], Path: "a/x"},
			{Mode: "100644", ID: ids[2], Path: "a0"},
			{Mode: "100644", ID: ids[3], Path: "a-b/c/d"},
		},
		"every mode": {
			{Mode: "100755", ID: ids[0], Path: "run.sh"},
			{Mode: "120000", ID: ids[1], Path: "link"},
			{Mode: "160000", ID: commit, Path: "vendor/sub"},
			{Mode: "100644", ID: ids[2], Path: "vendor/readme"},
		},
		"deep": {
			{Mode: "100644", ID: ids[0], Path: "x/y/z/w/v"},
			{Mode: "100644", ID: ids[1], Path: "x/y/z/w2"},
			{Mode: "100644", ID: ids[2], Path: "x/y1"},
			{Mode: "100644", ID: ids[3], Path: "ü/ファイル with space"},
		},
		"notes fanout": {
			{Mode: "100644", ID: ids[0], Path: "ab/" + strings.Repeat("c", 38)},
			{Mode: "100644", ID: ids[1], Path: "ab/" + strings.Repeat("d", 38)},
			{Mode: "100644", ID: ids[2], Path: "ff/" + strings.Repeat("0", 38)},
		},
	}
}

func gitInput(r *gittest.Repo, in string, args ...string) string {
	r.T.Helper()
	cmd := r.Open().Command(ctx, args...)
	cmd.Dir = r.Dir
	cmd.Stdin = strings.NewReader(in)
	out, err := cmd.Output()
	if err != nil {
		r.T.Fatalf("git %v: %v", args, err)
	}
	return string(out)
}

// TestWriteTreeKnownMatchesGit: the trees built and written in process
// have the ids git's own index gives (update-index + write-tree), in SHA-1
// and SHA-256 repositories, and git fsck --strict finds them well formed.
func TestWriteTreeKnownMatchesGit(t *testing.T) {
	for _, format := range []string{"sha1", "sha256"} {
		t.Run(format, func(t *testing.T) {
			r := gittest.New(t)
			if format == "sha256" {
				dir := filepath.Join(t.TempDir(), "sha256")
				r.GitIn(filepath.Dir(dir), "init", "-q", "--object-format=sha256", dir)
				r.Dir = dir
			}
			r.Write(map[string]string{"f": "f\n"})
			r.Commit("one")
			repo, err := gitx.Open(ctx, r.Dir, r.Env)
			if err != nil {
				t.Fatal(err)
			}
			for name, entries := range treeCases(r) {
				want, err := repo.WriteTree(ctx, entries)
				if err != nil {
					t.Fatalf("%s: git's WriteTree: %v", name, err)
				}
				before := looseObjects(t, r.Dir)
				got, err := repo.WriteTreeKnown(ctx, entries, nil)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if got != want {
					t.Errorf("%s: tree %s; git makes %s", name, got, want)
				}
				if added := len(looseObjects(t, r.Dir)) - len(before); added != 0 {
					t.Errorf("%s: %d objects written again that git had written", name, added)
				}
			}
			// Objects git has not seen yet: written in process.
			entries := []gitx.IndexEntry{{Mode: "100644", ID: mustWrite(t, repo, "blob", "fresh\n"), Path: "new/dir/file"}}
			tree, err := repo.WriteTreeKnown(ctx, entries, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := r.Git("ls-tree", "-r", "--name-only", tree); got != "new/dir/file" {
				t.Errorf("ls-tree of the new tree = %q", got)
			}
			r.Git("fsck", "--strict", "--no-dangling")
			fi, err := os.Stat(filepath.Join(r.Dir, ".git", "objects", tree[:2], tree[2:]))
			if err != nil {
				t.Fatalf("the tree is not a loose object: %v", err)
			}
			if fi.Mode().Perm() != 0o444 {
				t.Errorf("loose object mode %v; git writes 0444", fi.Mode().Perm())
			}
		})
	}
}

func mustWrite(t *testing.T, repo *gitx.Repo, typ, data string) string {
	t.Helper()
	id, err := repo.WriteObject(ctx, typ, []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestWriteObjectMatchesHashObject: WriteObject's ids are git
// hash-object's, the objects read back with cat-file, and a second write
// of the same object leaves the first as it was.
func TestWriteObjectMatchesHashObject(t *testing.T) {
	r := gittest.New(t)
	repo := r.Open()
	for _, data := range []string{"", "x", "line\n", strings.Repeat("big ", 100000), "\x00\xff binary"} {
		id := mustWrite(t, repo, "blob", data)
		if want := strings.TrimSpace(gitInput(r, data, "hash-object", "--stdin")); id != want {
			t.Errorf("blob of %d bytes: id %s; git hash-object says %s", len(data), id, want)
		}
		if got := gitInput(r, "", "cat-file", "blob", id); got != data {
			t.Errorf("cat-file blob %s: %d bytes back; want %d", id, len(got), len(data))
		}
		path := filepath.Join(r.Dir, ".git", "objects", id[:2], id[2:])
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if again := mustWrite(t, repo, "blob", data); again != id {
			t.Errorf("second write: id %s; want %s", again, id)
		}
		if fi2, err := os.Stat(path); err != nil || !fi2.ModTime().Equal(fi.ModTime()) {
			t.Errorf("second write replaced the object file (%v)", err)
		}
	}
	// No temporary files are left behind.
	matches, _ := filepath.Glob(filepath.Join(r.Dir, ".git", "objects", "*", "tmp_obj_*"))
	if len(matches) > 0 {
		t.Errorf("temporary files left: %v", matches)
	}
}

// TestWriteObjectConcurrent: writes from several goroutines at once share
// the repository's kept zlib writers and each object reads back as written.
func TestWriteObjectConcurrent(t *testing.T) {
	r := gittest.New(t)
	repo := r.Open()
	const n = 24
	ids := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			ids[i], errs[i] = repo.WriteObject(context.Background(), "blob", []byte(strings.Repeat(fmt.Sprintf("object %d\n", i), 1+i*500)))
		})
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("write %d: %v", i, errs[i])
		}
		if got, want := gitInput(r, "", "cat-file", "blob", ids[i]), strings.Repeat(fmt.Sprintf("object %d\n", i), 1+i*500); got != want {
			t.Errorf("object %d reads back as %d bytes; want %d", i, len(got), len(want))
		}
	}
}

// TestWriteObjectKeepsZlibWriters: after the first object, writing one
// does not make a zlib writer anew (~650 KB of flate state each time).
func TestWriteObjectKeepsZlibWriters(t *testing.T) {
	r := gittest.New(t)
	repo := r.Open()
	mustWrite(t, repo, "blob", "first")
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for i := range 5 {
		mustWrite(t, repo, "blob", fmt.Sprintf("object %d", i))
	}
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 5*256<<10 {
		t.Errorf("five small objects allocated %d KB; a kept zlib writer needs a few", n>>10)
	}
}

// TestWriteFallsBackToGit: in a shared repository git writes the objects,
// with the group permissions it gives them (TestLooseStoreSettings has the
// other settings that leave the writing to git); the ids are the same.
func TestWriteFallsBackToGit(t *testing.T) {
	r := gittest.New(t)
	r.Git("config", "core.sharedRepository", "group")
	repo := r.Open()
	id := mustWrite(t, repo, "blob", "shared\n")
	if want := strings.TrimSpace(gitInput(r, "shared\n", "hash-object", "--stdin")); id != want {
		t.Fatalf("id %s; want %s", id, want)
	}
	fi, err := os.Stat(filepath.Join(r.Dir, ".git", "objects", id[:2]))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm()&0o070 != 0o070 || fi.Mode()&os.ModeSetgid == 0 {
		t.Errorf("object directory mode %v: not written by git for a shared repository", fi.Mode())
	}
	tree, err := repo.WriteTreeKnown(ctx, []gitx.IndexEntry{{Mode: "100644", ID: id, Path: "a/b"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(gitInput(r, "", "rev-parse", tree+":a/b")); got != id {
		t.Errorf("tree %s: a/b = %s; want %s", tree, got, id)
	}
}

// TestWriteTreeKnownSkipsKnownTrees: of a fanned-out notes tree, only the
// root and the one subtree that changed are written; the others are the
// known ones.
func TestWriteTreeKnownSkipsKnownTrees(t *testing.T) {
	r := gittest.New(t)
	repo := r.Open()
	var entries []gitx.IndexEntry
	for i := 0; i < 40; i++ {
		id := mustWrite(t, repo, "blob", fmt.Sprintf("note %d\n", i))
		entries = append(entries, gitx.IndexEntry{Mode: "100644", ID: id, Path: fmt.Sprintf("%02x/%038x", i*6, i)})
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Path < entries[j].Path })
	first, err := repo.WriteTree(ctx, entries)
	if err != nil {
		t.Fatal(err)
	}
	files, known, err := repo.ListTreeAll(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 40 || len(known) != 40 {
		t.Fatalf("ListTreeAll: %d files, %d trees; want 40 and 40", len(files), len(known))
	}
	entries[7].ID = mustWrite(t, repo, "blob", "changed\n")
	before := looseObjects(t, r.Dir)
	tree, err := repo.WriteTreeKnown(ctx, entries, known)
	if err != nil {
		t.Fatal(err)
	}
	var added []string
	for id := range looseObjects(t, r.Dir) {
		if !before[id] {
			added = append(added, id)
		}
	}
	sub := r.Git("rev-parse", tree+":"+entries[7].Path[:2])
	sort.Strings(added)
	want := []string{tree, sub}
	sort.Strings(want)
	if strings.Join(added, ",") != strings.Join(want, ",") {
		t.Errorf("written %v; want only the root and the changed subtree %v", added, want)
	}
	if got := r.Git("rev-parse", tree+":"+entries[7].Path); got != entries[7].ID {
		t.Errorf("changed note = %s; want %s", got, entries[7].ID)
	}
}

// TestBuildTreesRefuses: what git's index would not take as it is, with
// the reason; WriteTreeKnown then leaves the entries to git.
func TestBuildTreesRefuses(t *testing.T) {
	r := gittest.New(t)
	repo := r.Open()
	id := mustWrite(t, repo, "blob", "x\n")
	tests := []struct {
		name    string
		entries []gitx.IndexEntry
		want    string
	}{
		{"twice", []gitx.IndexEntry{{"100644", id, "a"}, {"100644", id, "a"}}, "given twice"},
		{"file and directory", []gitx.IndexEntry{{"100644", id, "a"}, {"100644", id, "a/b"}}, "file and a directory"},
		{"directory then file", []gitx.IndexEntry{{"100644", id, "a/b"}, {"100644", id, "a"}}, "also a directory"},
		{"empty component", []gitx.IndexEntry{{"100644", id, "a//b"}}, "bad path"},
		{"leading slash", []gitx.IndexEntry{{"100644", id, "/a"}}, "bad path"},
		{"dot", []gitx.IndexEntry{{"100644", id, "./a"}}, "bad path"},
		{"dot dot", []gitx.IndexEntry{{"100644", id, "a/../b"}}, "bad path"},
		{"NUL", []gitx.IndexEntry{{"100644", id, "a\x00b"}}, "bad path"},
		{"tree mode", []gitx.IndexEntry{{"040000", id, "a"}}, "mode"},
		{"odd mode", []gitx.IndexEntry{{"100664", id, "a"}}, "mode"},
		{"short id", []gitx.IndexEntry{{"100644", id[:7], "a"}}, "bad id"},
		{"upper-case id", []gitx.IndexEntry{{"100644", strings.ToUpper(id), "a"}}, "bad id"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := repo.BuildTrees(tc.entries)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("BuildTrees = %v; want an error with %q", err, tc.want)
			}
		})
	}
	// The empty tree is a tree.
	trees, err := repo.BuildTrees(nil)
	if err != nil || len(trees) != 1 || trees[0].ID != repo.EmptyTree() {
		t.Errorf("BuildTrees(nil) = %v, %v; want the empty tree", trees, err)
	}
}

// FuzzBuildTrees: any paths give trees, root last, each id the hash of its
// content, or an error; never a panic.
func FuzzBuildTrees(f *testing.F) {
	f.Add("a\nb/c\nb/d/e")
	f.Add("a.b\na/x\na0")
	f.Add("x\nx/y")
	f.Add("")
	r := gittest.New(f)
	repo := r.Open()
	const id = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"
	f.Fuzz(func(t *testing.T, paths string) {
		var entries []gitx.IndexEntry
		for _, p := range strings.Split(paths, "\n") {
			entries = append(entries, gitx.IndexEntry{Mode: "100644", ID: id, Path: p})
		}
		trees, err := repo.BuildTrees(entries)
		if err != nil {
			return
		}
		if len(trees) == 0 || trees[len(trees)-1].Path != "" {
			t.Fatalf("no root last: %+v", trees)
		}
		for _, tr := range trees {
			if tr.ID != repo.ObjectID("tree", tr.Data) {
				t.Fatalf("tree %q: id %s is not its content's", tr.Path, tr.ID)
			}
		}
	})
}

// BenchmarkWriteObject: one new blob of a note's size written in process
// (loose object, as a notes append writes it), against git hash-object -w.
func BenchmarkWriteObject(b *testing.B) {
	r := gittest.New(b)
	repo := r.Open()
	data := []byte(strings.Repeat("a record line of a proof note, about this long\n", 80))
	b.Run("in process", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := repo.WriteObject(ctx, "blob", append(data, fmt.Sprint(i)...)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("git hash-object", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			cmd := repo.Command(ctx, "hash-object", "-w", "--stdin")
			cmd.Stdin = strings.NewReader(string(data) + fmt.Sprint("git", i))
			if err := cmd.Run(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestEncodeTree: entries in git's order whatever order they come in (a
// subtree sorts as if its name ended in "/"), and an id that is not hex is
// an error rather than a tree with a zero id in it.
func TestEncodeTree(t *testing.T) {
	const a, b = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391", "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
	one, err := gitx.EncodeTree([]gitx.TreeItem{{"100644", "a0", a}, {gitx.TreeMode, "a", b}, {"100644", "a.b", a}})
	if err != nil {
		t.Fatal(err)
	}
	two, err := gitx.EncodeTree([]gitx.TreeItem{{"100644", "a.b", a}, {"100644", "a0", a}, {gitx.TreeMode, "a", b}})
	if err != nil {
		t.Fatal(err)
	}
	if string(one) != string(two) {
		t.Error("the order of the items changed the tree")
	}
	if names := strings.Join(strings.FieldsFunc(string(one), func(r rune) bool { return r == 0 }), "|"); !strings.HasPrefix(names, "100644 a.b|") {
		t.Errorf("first entry is not a.b: %q", names)
	}
	if i, j := strings.Index(string(one), "40000 a\x00"), strings.Index(string(one), "100644 a0\x00"); i < 0 || j < 0 || i > j {
		t.Errorf("subtree a not between a.b and a0 (at %d and %d)", i, j)
	}
	for _, bad := range []string{"zz" + a[2:], a[:39]} {
		if _, err := gitx.EncodeTree([]gitx.TreeItem{{"100644", "f", bad}}); err == nil {
			t.Errorf("id %q: no error", bad)
		}
	}
}
