package gitx_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/git-proof/git-proof/gitx"
	"github.com/git-proof/git-proof/internal/environ"
	"github.com/git-proof/git-proof/internal/gittest"
)

var ctx = context.Background()

// oddRepo has two commits whose diff holds every kind of change and path
// that tends to break parsers.
func oddRepo(t *testing.T) (*gittest.Repo, *gitx.Repo, string, string) {
	t.Helper()
	r := gittest.New(t)
	r.Write(map[string]string{"keep.txt": "k\n", "mod.txt": "a\n", "gone.txt": "g\n", "exec.sh": "true\n", "sub/a.txt": "s\n"})
	base := r.Commit("base")
	r.Remove("gone.txt")
	r.Write(map[string]string{
		"mod.txt":        "a\nb\n",
		"with space.txt": "x\n",
		"new\nline.txt":  "y\n",
		"ü/ファイル.txt":     "z\n",
		"bin.dat":        "\x00\x01\xff",
		"sub/b.txt":      "t\n",
	})
	if err := os.Chmod(filepath.Join(r.Dir, "exec.sh"), 0o755); err != nil {
		t.Fatal(err)
	}
	r.Git("add", "-A")
	r.Git("commit", "-q", "-m", "head")
	head := r.Git("rev-parse", "HEAD")
	return r, r.Open(), base, head
}

func TestOpen(t *testing.T) {
	t.Parallel()
	r, repo, _, _ := oddRepo(t)
	if repo.ObjectFormat() != "sha1" || repo.ZeroID() != strings.Repeat("0", 40) || repo.EmptyTree() != "4b825dc642cb6eb9a060e54bf8d69288fbee4904" {
		t.Errorf("Open: format %s zero %s empty %s", repo.ObjectFormat(), repo.ZeroID(), repo.EmptyTree())
	}
	if repo.TopLevel() != r.Dir || repo.GitDir() != filepath.Join(r.Dir, ".git") {
		t.Errorf("Open: top %q gitdir %q", repo.TopLevel(), repo.GitDir())
	}
	// From a subdirectory, and with GIT_DIR as `git --git-dir` sets it.
	sub, err := gitx.Open(ctx, filepath.Join(r.Dir, "sub"), r.Env)
	if err != nil || sub.TopLevel() != r.Dir {
		t.Errorf("Open(sub) = %v, %v", sub, err)
	}
	viaEnv, err := gitx.Open(ctx, t.TempDir(), append(append([]string{}, r.Env...), "GIT_DIR="+repo.GitDir()))
	if err != nil || viaEnv.GitDir() != repo.GitDir() {
		t.Errorf("Open with GIT_DIR = %v, %v", viaEnv, err)
	}
	bare, err := gitx.Open(ctx, r.NewBare("b.git"), r.Env)
	if err != nil || bare.TopLevel() != "" {
		t.Errorf("Open(bare) = %+v, %v", bare, err)
	}
	if _, err := gitx.Open(ctx, t.TempDir(), r.Env); !errors.Is(err, gitx.ErrNotARepository) {
		t.Errorf("Open(not a repo) = %v; want ErrNotARepository", err)
	}
	for s, want := range map[string]bool{strings.Repeat("a", 40): true, strings.Repeat("A", 40): false, strings.Repeat("a", 39): false, strings.Repeat("a", 64): false, "": false} {
		if repo.IsObjectID(s) != want {
			t.Errorf("IsObjectID(%q) = %v", s, !want)
		}
	}
}

// TestTreeDiff: DiffTrees reads the raw diff, the line counts and the
// patch from one diff-tree, and each is what diff-tree gives alone.
func TestTreeDiff(t *testing.T) {
	t.Parallel()
	r, repo, base, head := oddRepo(t)
	bt, _ := repo.ResolveTree(ctx, base)
	ht, _ := repo.ResolveTree(ctx, head)
	d, err := repo.DiffTrees(ctx, bt, ht)
	if err != nil {
		t.Fatal(err)
	}
	entries, stats := d.Entries, d.Stats
	patchArgs := []string{"diff-tree", "-p", "-U0", "--no-color", "--no-ext-diff", "--no-textconv", "--no-renames", "--src-prefix=a/", "--dst-prefix=b/"}
	if want := r.Git(append(patchArgs, bt, ht)...) + "\n"; string(d.Patch) != want {
		t.Errorf("patch differs from diff-tree -p alone:\n%s\nwant:\n%s", d.Patch, want)
	}
	raw := strings.Split(strings.TrimSuffix(r.Git("diff-tree", "-r", "-z", "--raw", "--no-renames", "--no-abbrev", bt, ht), "\x00"), "\x00")
	if len(raw) != 2*len(entries) {
		t.Errorf("%d entries; diff-tree --raw has %d", len(entries), len(raw)/2)
	} else {
		for i, e := range entries {
			if want := fmt.Sprintf(":%s %s %s %s %c", e.OldMode, e.NewMode, e.OldID, e.NewID, e.Status); raw[2*i] != want || raw[2*i+1] != e.Path {
				t.Errorf("entry %d = %q %q; diff-tree --raw %q %q", i, want, e.Path, raw[2*i], raw[2*i+1])
			}
		}
	}
	numstat := strings.Split(strings.TrimSuffix(r.Git("diff-tree", "-r", "-z", "--numstat", "--no-renames", bt, ht), "\x00"), "\x00")
	if len(numstat) != len(stats) {
		t.Errorf("%d stats; diff-tree --numstat has %d", len(stats), len(numstat))
	} else {
		for i, st := range stats {
			want := fmt.Sprintf("%d\t%d\t%s", st.Additions, st.Deletions, st.Path)
			if st.Binary {
				want = "-\t-\t" + st.Path
			}
			if numstat[i] != want {
				t.Errorf("stat %d = %q; diff-tree --numstat %q", i, want, numstat[i])
			}
		}
	}
	got := map[string]gitx.DiffEntry{}
	for _, e := range entries {
		got[e.Path] = e
	}
	want := map[string]byte{"mod.txt": 'M', "gone.txt": 'D', "with space.txt": 'A', "new\nline.txt": 'A', "ü/ファイル.txt": 'A', "bin.dat": 'A', "sub/b.txt": 'A', "exec.sh": 'M'}
	if len(got) != len(want) {
		t.Errorf("TreeDiff: %d entries %v; want %d", len(got), entries, len(want))
	}
	for p, st := range want {
		e, ok := got[p]
		if !ok || e.Status != st {
			t.Errorf("TreeDiff[%q] = %+v; want status %c", p, e, st)
		}
	}
	if e := got["exec.sh"]; e.OldMode != "100644" || e.NewMode != "100755" || e.OldID != e.NewID {
		t.Errorf("mode change = %+v", e)
	}
	if e := got["gone.txt"]; e.NewMode != "000000" || e.NewID != repo.ZeroID() {
		t.Errorf("deletion = %+v", e)
	}
	// A root commit's diff is from the empty tree.
	root, err := repo.DiffTrees(ctx, repo.EmptyTree(), bt)
	if err != nil || len(root.Entries) != 5 || len(root.Stats) != 5 {
		t.Errorf("DiffTrees(empty, base) = %d entries, %d stats, %v; want 5", len(root.Entries), len(root.Stats), err)
	}
	if want := r.Git(append(patchArgs, repo.EmptyTree(), bt)...) + "\n"; string(root.Patch) != want {
		t.Errorf("root patch differs from diff-tree -p alone:\n%s\nwant:\n%s", root.Patch, want)
	}
	if _, err := repo.DiffTrees(ctx, bt, strings.Repeat("1", 40)); err == nil {
		t.Error("DiffTrees with a missing tree: no error")
	}
	// No change: nothing either way.
	if d, err := repo.DiffTrees(ctx, ht, ht); err != nil || len(d.Entries) != 0 || len(d.Stats) != 0 || len(d.Patch) != 0 {
		t.Errorf("DiffTrees(head, head) = %+v, %v", d, err)
	}
	byPath := map[string]gitx.DiffStat{}
	for _, s := range stats {
		byPath[s.Path] = s
	}
	if s := byPath["mod.txt"]; s.Additions != 1 || s.Deletions != 0 {
		t.Errorf("stat mod.txt = %+v", s)
	}
	if s := byPath["bin.dat"]; !s.Binary {
		t.Errorf("stat bin.dat = %+v; want binary", s)
	}
	if s, ok := byPath["new\nline.txt"]; !ok || s.Additions != 1 {
		t.Errorf("stat of a path with a newline = %+v, %v", s, ok)
	}

	// DiffBatch gives the same answers as one diff at a time, in order.
	pairs := []gitx.TreePair{{A: bt, B: ht}, {A: repo.EmptyTree(), B: bt}, {A: ht, B: ht}, {A: bt, B: ht}}
	var batched [][]gitx.DiffEntry
	err = repo.DiffBatch(ctx, pairs, func(i int, e []gitx.DiffEntry) error {
		if i != len(batched) {
			t.Errorf("DiffBatch answer %d out of order", i)
		}
		batched = append(batched, e)
		return nil
	})
	if err != nil || len(batched) != 4 {
		t.Fatalf("DiffBatch = %d answers, %v", len(batched), err)
	}
	for i, p := range pairs {
		one, _ := repo.DiffTrees(ctx, p.A, p.B)
		if !sameEntries(one.Entries, batched[i]) {
			t.Errorf("DiffBatch[%d] = %v; DiffTrees = %v", i, batched[i], one.Entries)
		}
	}
	if err := repo.DiffBatch(ctx, []gitx.TreePair{{A: bt, B: strings.Repeat("1", 40)}}, func(int, []gitx.DiffEntry) error { return nil }); err == nil {
		t.Error("DiffBatch with a missing tree: no error")
	}
	_ = r
}

func sameEntries(a, b []gitx.DiffEntry) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestReadObjectsAndListTree(t *testing.T) {
	t.Parallel()
	_, repo, base, head := oddRepo(t)
	names := []string{head + ":mod.txt", strings.Repeat("1", 40), head + ":sub", head + ":nope", base + ":keep.txt"}
	var got []*gitx.Object
	err := repo.ReadObjects(ctx, names, 3, func(i int, o *gitx.Object) error {
		got = append(got, o)
		return nil
	})
	if err != nil || len(got) != 5 {
		t.Fatalf("ReadObjects = %d, %v", len(got), err)
	}
	if o := got[0]; o.Type != "blob" || !o.TooLarge || o.Data != nil || o.Size != 4 {
		t.Errorf("over the limit: %+v", o)
	}
	if !got[1].Missing || !got[3].Missing {
		t.Errorf("missing objects: %+v %+v", got[1], got[3])
	}
	if got[2].Type != "tree" {
		t.Errorf("tree: %+v", got[2])
	}
	if o := got[4]; string(o.Data) != "k\n" || o.Missing || o.TooLarge {
		t.Errorf("blob: %+v", o)
	}
	if err := repo.ReadObjects(ctx, []string{"a\nb"}, 0, nil); err == nil {
		t.Error("ReadObjects with a newline in a name: no error")
	}
	stop := errors.New("stop")
	if err := repo.ReadObjects(ctx, names, 0, func(int, *gitx.Object) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("ReadObjects callback error = %v; want it returned", err)
	}

	entries, err := repo.ListTree(ctx, head, true)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, e := range entries {
		paths = append(paths, e.Path)
	}
	sort.Strings(paths)
	want := []string{"bin.dat", "exec.sh", "keep.txt", "mod.txt", "new\nline.txt", "sub/a.txt", "sub/b.txt", "with space.txt", "ü/ファイル.txt"}
	if strings.Join(paths, "|") != strings.Join(want, "|") {
		t.Errorf("ListTree = %q; want %q", paths, want)
	}
}

func TestListCommits(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	a := r.Commit("a")
	b := r.Commit("b")
	c := r.Commit("c")
	repo := r.Open()
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"HEAD"}, []string{c}},
		{[]string{a + ".." + c}, []string{c, b}},
		{[]string{"HEAD~1", "HEAD", "HEAD~1"}, []string{b, c}},
		{[]string{c, "^" + a}, []string{c}},
		{[]string{"HEAD..HEAD"}, nil},
	}
	for _, tt := range tests {
		got, err := repo.ListCommits(ctx, tt.args)
		if err != nil {
			t.Errorf("ListCommits(%q): %v", tt.args, err)
			continue
		}
		var ids []string
		for _, g := range got {
			ids = append(ids, g.ID)
		}
		if strings.Join(ids, ",") != strings.Join(tt.want, ",") {
			t.Errorf("ListCommits(%q) = %v; want %v", tt.args, ids, tt.want)
		}
	}
	cs, _ := repo.ListCommits(ctx, []string{"HEAD"})
	if cs[0].FirstParent() != b || cs[0].Tree == "" {
		t.Errorf("commit = %+v", cs[0])
	}
	for _, bad := range []string{"nope", "--all", "", "nope..HEAD"} {
		if _, err := repo.ListCommits(ctx, []string{bad}); !errors.Is(err, gitx.ErrUnknownRevision) {
			t.Errorf("ListCommits(%q) = %v; want ErrUnknownRevision", bad, err)
		}
	}
	// A shallow clone marks its boundary commit.
	clone := filepath.Join(t.TempDir(), "shallow")
	r.Git("clone", "-q", "--depth=1", "file://"+r.Dir, clone)
	sh, err := gitx.Open(ctx, clone, r.Env)
	if err != nil {
		t.Fatal(err)
	}
	cs, err = sh.ListCommits(ctx, []string{"HEAD"})
	if err != nil || !cs[0].Shallow || len(cs[0].Parents) != 0 {
		t.Errorf("shallow boundary = %+v, %v", cs[0], err)
	}
}

func TestUpdateRefCompareAndSwap(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	a := r.Commit("a")
	b := r.Commit("b")
	repo := r.Open()
	const ref = "refs/notes/test"
	if v, err := repo.RefValue(ctx, ref); err != nil || v != "" {
		t.Fatalf("RefValue(absent) = %q, %v", v, err)
	}
	if err := repo.UpdateRef(ctx, ref, a, "", "create"); err != nil {
		t.Fatal(err)
	}
	if err := repo.UpdateRef(ctx, ref, b, "", "create again"); !errors.Is(err, gitx.ErrRefChanged) {
		t.Errorf("create over an existing ref = %v; want ErrRefChanged", err)
	}
	if err := repo.UpdateRef(ctx, ref, b, b, "wrong old"); !errors.Is(err, gitx.ErrRefChanged) {
		t.Errorf("update with a stale old value = %v; want ErrRefChanged", err)
	}
	if err := repo.UpdateRef(ctx, ref, b, a, "ok"); err != nil {
		t.Errorf("update = %v", err)
	}
	// Many writers racing from the same old value: exactly one wins.
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := repo.UpdateRef(ctx, ref, a, b, "race"); err == nil {
				mu.Lock()
				wins++
				mu.Unlock()
			} else if !errors.Is(err, gitx.ErrRefChanged) {
				t.Errorf("racing update: %v", err)
			}
		}()
	}
	wg.Wait()
	if wins != 1 {
		t.Errorf("%d racing writers won; want exactly 1", wins)
	}
	if log := r.Git("reflog", "show", ref); !strings.Contains(log, "race") {
		t.Errorf("no reflog entry: %q", log)
	}
}

func TestWriteTreeAndWorktree(t *testing.T) {
	t.Parallel()
	r, repo, base, head := oddRepo(t)
	blob, err := repo.WriteObject(ctx, "blob", []byte("hello\n"))
	if err != nil {
		t.Fatal(err)
	}
	tree, err := repo.WriteTree(ctx, []gitx.IndexEntry{{Mode: "100644", ID: blob, Path: "dir/with space/new\nline"}, {Mode: "100755", ID: blob, Path: "run.sh"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Git("cat-file", "-p", tree+":dir/with space/new\nline"); got != "hello" {
		t.Errorf("WriteTree content = %q", got)
	}
	if _, err := repo.WriteTree(ctx, []gitx.IndexEntry{{Mode: "100644", ID: blob, Path: "a\x00b"}}); err == nil {
		t.Error("WriteTree with a NUL in a path: no error")
	}
	indexBefore, err := os.ReadFile(filepath.Join(r.Dir, ".git", "index"))
	if err != nil {
		t.Fatal(err)
	}

	// A worktree of a tree no commit has, made with GIT_DIR and
	// GIT_INDEX_FILE set as `git --git-dir … proof` would: the user's index
	// and checkout stay as they were.
	env := append(append([]string{}, r.Env...), "GIT_DIR="+repo.GitDir(), "GIT_INDEX_FILE="+filepath.Join(repo.GitDir(), "index"))
	viaEnv, err := gitx.Open(ctx, r.Dir, env)
	if err != nil {
		t.Fatal(err)
	}
	wt, err := viaEnv.AddWorktree(ctx, base, tree, "test")
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(wt.Dir, "dir", "with space", "new\nline")); err != nil || string(b) != "hello\n" {
		t.Errorf("worktree file = %q, %v", b, err)
	}
	if fi, err := os.Stat(filepath.Join(wt.Dir, "run.sh")); err != nil || fi.Mode()&0o100 == 0 {
		t.Errorf("worktree run.sh mode = %v, %v; want executable", fi.Mode(), err)
	}
	if _, err := os.Stat(filepath.Join(wt.Dir, "keep.txt")); !os.IsNotExist(err) {
		t.Errorf("worktree holds the anchor commit's files: %v", err)
	}
	if err := wt.Remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(wt.Dir); !os.IsNotExist(err) {
		t.Errorf("worktree dir left: %v", err)
	}
	if list := r.Git("worktree", "list", "--porcelain"); strings.Count(list, "worktree ") != 1 {
		t.Errorf("worktree still registered:\n%s", list)
	}
	indexAfter, _ := os.ReadFile(filepath.Join(r.Dir, ".git", "index"))
	if string(indexBefore) != string(indexAfter) {
		t.Error("AddWorktree changed the user's index")
	}
	if st := r.Git("status", "--porcelain"); st != "" {
		t.Errorf("user's checkout changed:\n%s", st)
	}
	// Removing twice (the directory is gone) is not an error.
	if err := wt.Remove(); err != nil {
		t.Errorf("second Remove = %v", err)
	}
	_ = head
}

func TestWithoutRepoEnv(t *testing.T) {
	t.Parallel()
	in := []string{"PATH=/bin", "GIT_DIR=/x", "GIT_INDEX_FILE=/i", "GIT_AUTHOR_NAME=A", "GIT_QUARANTINE_PATH=/q", "HOME=/h"}
	got := strings.Join(gitx.WithoutRepoEnv(in), " ")
	if got != "PATH=/bin GIT_AUTHOR_NAME=A HOME=/h" {
		t.Errorf("WithoutRepoEnv = %q", got)
	}
}

// TestConfigCache: one read serves every lookup, with git's rules for key
// case, multi-valued keys and ~/ paths, and writes are seen at once.
func TestConfigCache(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	r.Git("config", "proof.signingKey", "~/keys/id")
	r.Git("config", "proof.refs/heads/Main.require", "AUTO_OK")
	r.Git("config", "--add", "proof.protect", "refs/heads/a")
	r.Git("config", "--add", "proof.protect", "refs/heads/b")
	r.Git("config", "core.quotepath", "false")
	repo := r.Open()
	for key, want := range map[string]string{
		"proof.signingkey": "~/keys/id", "PROOF.SIGNINGKEY": "~/keys/id", "proof.signingKey": "~/keys/id",
		"proof.refs/heads/Main.REQUIRE": "AUTO_OK", "proof.protect": "refs/heads/b",
	} {
		if v, ok, err := repo.ConfigGet(ctx, key); err != nil || !ok || v != want {
			t.Errorf("ConfigGet(%q) = %q, %v, %v; want %q", key, v, ok, err, want)
		}
	}
	if _, ok, _ := repo.ConfigGet(ctx, "proof.refs/heads/main.require"); ok {
		t.Error("a subsection matched in another case")
	}
	if all, _ := repo.ConfigGetAll(ctx, "proof.protect"); strings.Join(all, ",") != "refs/heads/a,refs/heads/b" {
		t.Errorf("ConfigGetAll = %q", all)
	}
	home := environ.Get(r.Env, "HOME")
	if p, ok, err := repo.ConfigGetPath(ctx, "proof.signingKey"); err != nil || !ok || p != filepath.Join(home, "keys", "id") {
		t.Errorf("ConfigGetPath = %q, %v, %v; want it under %s", p, ok, err, home)
	}
	keys, err := repo.ConfigKeys(ctx, func(k string) bool { return strings.HasSuffix(k, ".require") })
	if err != nil || len(keys) != 1 || keys[0] != "proof.refs/heads/Main.require" {
		t.Errorf("ConfigKeys = %q, %v", keys, err)
	}
	if err := repo.ConfigSet(ctx, "proof.since", "abc"); err != nil {
		t.Fatal(err)
	}
	if v, ok, _ := repo.ConfigGet(ctx, "proof.since"); !ok || v != "abc" {
		t.Errorf("after ConfigSet: %q, %v", v, ok)
	}
	// A value with a newline survives the -z listing.
	r.Git("config", "proof.note", "line1\nline2")
	if err := repo.ConfigAdd(ctx, "proof.other", "x"); err != nil { // invalidates
		t.Fatal(err)
	}
	if v, _, _ := repo.ConfigGet(ctx, "proof.note"); v != "line1\nline2" {
		t.Errorf("multi-line value = %q", v)
	}
}

// TestConfigCacheSeesOutsideWrites: a `git config` run by anyone after the
// first lookup is seen by the next one.
func TestConfigCacheSeesOutsideWrites(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	repo := r.Open()
	if _, ok, _ := repo.ConfigGet(ctx, "proof.policy"); ok {
		t.Fatal("set before it was set")
	}
	r.Git("config", "proof.policy", "/a")
	if v, ok, _ := repo.ConfigGet(ctx, "proof.policy"); !ok || v != "/a" {
		t.Errorf("after an outside write: %q, %v", v, ok)
	}
	r.Git("config", "proof.policy", "/bb")
	if v, _, _ := repo.ConfigGet(ctx, "proof.policy"); v != "/bb" {
		t.Errorf("after a second outside write: %q", v)
	}
	// The global config, too.
	r.Git("config", "--global", "proof.riskThreshold", "0.4")
	if v, _, _ := repo.ConfigGet(ctx, "proof.riskThreshold"); v != "0.4" {
		t.Errorf("after a global write: %q", v)
	}
}

// TestWorktreePool: a pooled worktree handed out again, through
// AcquireWorktree or a reservation (cleaned before its tree is known), is
// exactly its new tree whatever the last user left in it: changed,
// deleted, untracked and ignored files, a nested repository, a damaged
// .git. Reservations lock their slot until acquired or released.
func TestWorktreePool(t *testing.T) {
	t.Parallel()
	r, repo, base, head := oddRepo(t)
	bt, _ := repo.ResolveTree(ctx, base)
	ht, _ := repo.ResolveTree(ctx, head)
	pool := filepath.Join(t.TempDir(), "pool")
	exact := func(what, dir, tree string) {
		t.Helper()
		// Every file is tracked (none left over, ignored or not) and as the
		// index has it.
		if st := r.Git("-C", dir, "ls-files", "--others", "--directory"); st != "" {
			t.Errorf("%s: untracked files:\n%s", what, st)
		}
		if st := r.Git("-C", dir, "diff", "--name-status"); st != "" {
			t.Errorf("%s: changed files:\n%s", what, st)
		}
		if got := r.Git("-C", dir, "write-tree"); got != tree {
			t.Errorf("%s: index holds %s; want %s", what, got, tree)
		}
	}
	mess := func(dir string) {
		t.Helper()
		for p, c := range map[string]string{"mod.txt": "changed\n", "untracked.txt": "u\n", "deep/er/x.txt": "x\n", "build.out": "ignored\n"} {
			if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, p), []byte(c), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Remove(filepath.Join(dir, "keep.txt")); err != nil {
			t.Fatal(err)
		}
		r.Git("init", "-q", filepath.Join(dir, "nested"))
	}
	wt, err := repo.AcquireWorktree(ctx, pool, base, bt)
	if err != nil {
		t.Fatal(err)
	}
	exact("first use", wt.Dir, bt)
	mess(wt.Dir)
	first := wt.Dir
	wt.Release()

	// A reservation takes the free slot; a second one, the next.
	res, err := repo.ReserveWorktree(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	other, err := repo.ReserveWorktree(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	wt, err = res.Acquire(ctx, base, ht)
	if err != nil {
		t.Fatal(err)
	}
	if wt.Dir != first {
		t.Errorf("reservation took %s; want the free %s", wt.Dir, first)
	}
	exact("reserved, after a messy use", wt.Dir, ht)
	if _, err := res.Acquire(ctx, base, ht); !errors.Is(err, gitx.ErrReservationUsed) {
		t.Errorf("a reservation acquired twice: %v", err)
	}
	res.Release() // used up: no effect
	(*gitx.WorktreeReservation)(nil).Release()
	wt2, err := other.Acquire(ctx, base, bt)
	if err != nil {
		t.Fatal(err)
	}
	if wt2.Dir == wt.Dir {
		t.Errorf("two reservations share %s", wt.Dir)
	}
	exact("second slot", wt2.Dir, bt)
	wt2.Release()

	// Acquired from several goroutines at once, a reservation goes to one.
	race, err := repo.ReserveWorktree(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var got []*gitx.PooledWorktree
	used := 0
	for range 4 {
		wg.Go(func() {
			w, err := race.Acquire(ctx, base, bt)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				got = append(got, w)
			case errors.Is(err, gitx.ErrReservationUsed):
				used++
			default:
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if len(got) != 1 || used != 3 {
		t.Errorf("4 acquires at once: %d got it, %d told it was used; want 1 and 3", len(got), used)
	}
	for _, w := range got {
		w.Release()
	}

	// Released unused, a reservation frees its slot.
	mess(wt.Dir)
	wt.Release()
	unused, err := repo.ReserveWorktree(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	unused.Release()
	unused.Release()
	// A damaged slot (its .git gone) is made again.
	if err := os.Remove(filepath.Join(first, ".git")); err != nil {
		t.Fatal(err)
	}
	wt, err = repo.AcquireWorktree(ctx, pool, base, ht)
	if err != nil {
		t.Fatal(err)
	}
	if wt.Dir != first {
		t.Errorf("after an unused reservation: %s; want %s", wt.Dir, first)
	}
	exact("damaged slot", wt.Dir, ht)
	wt.Release()
}

// TestVersion: Version is `git version` without its prefix; the answer
// kept in the git-proof folder is used for the same git binary only.
func TestVersion(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	repo := r.Open()
	want := strings.TrimPrefix(r.Git("version"), "git version ")
	v, err := repo.Version(ctx)
	if err != nil || v != want {
		t.Fatalf("Version = %q, %v; want %q", v, err, want)
	}
	file := filepath.Join(repo.CommonDir(), "git-proof", "git-version")
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("nothing kept: %v", err)
	}
	key, _, _ := strings.Cut(string(b), "\n")
	// The kept answer is what the next call gives (this one made up, to
	// tell it from git's)...
	if err := os.WriteFile(file, []byte(key+"\nkept 1.0"), 0o644); err != nil {
		t.Fatal(err)
	}
	if v, _ := repo.Version(ctx); v != "kept 1.0" {
		t.Errorf("with a kept answer: %q; want it", v)
	}
	// ...but not for another binary, or a damaged file: git is asked and
	// the file written again.
	for _, content := range []string{"\"/usr/bin/other-git\" 1 2\nkept 1.0", key, key + "\n", ""} {
		if err := os.WriteFile(file, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if v, _ := repo.Version(ctx); v != want {
			t.Errorf("with %q kept: %q; want git's %q", content, v, want)
		}
		if b, _ := os.ReadFile(file); string(b) != key+"\n"+want {
			t.Errorf("with %q kept: file now %q", content, b)
		}
	}
}

// TestOpenTopLevel: the top level Open reads from --show-cdup is what
// `git rev-parse --show-toplevel` says, wherever git runs from: the top, a
// subdirectory, a path through a symlink, the git directory itself (none),
// a GIT_WORK_TREE elsewhere, a linked worktree, and GIT_DIR alone (the
// current directory is the top).
func TestOpenTopLevel(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	r.Write(map[string]string{"a/b/c.txt": "x\n"})
	r.Commit("one")
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(r.Dir, link); err != nil {
		t.Fatal(err)
	}
	linked := filepath.Join(t.TempDir(), "wt")
	r.Git("worktree", "add", "-q", "--detach", linked)
	elsewhere := t.TempDir()
	with := func(kv ...string) []string { return append(append([]string{}, r.Env...), kv...) }
	for _, c := range []struct {
		name string
		dir  string
		env  []string
	}{
		{"top", r.Dir, r.Env},
		{"subdirectory", filepath.Join(r.Dir, "a", "b"), r.Env},
		{"through a symlink", filepath.Join(link, "a"), r.Env},
		{"the git directory", filepath.Join(r.Dir, ".git"), r.Env},
		{"GIT_WORK_TREE elsewhere", elsewhere, with("GIT_DIR="+filepath.Join(r.Dir, ".git"), "GIT_WORK_TREE="+r.Dir)},
		{"GIT_DIR alone", elsewhere, with("GIT_DIR=" + filepath.Join(r.Dir, ".git"))},
		{"linked worktree", filepath.Join(linked, "a"), r.Env},
	} {
		cmd := exec.Command("git", "rev-parse", "--show-toplevel")
		cmd.Dir, cmd.Env = c.dir, c.env
		out, err := cmd.Output()
		want := strings.TrimSpace(string(out))
		if err != nil {
			want = "" // git knows no top level here
		}
		repo, err := gitx.Open(ctx, c.dir, c.env)
		if err != nil {
			t.Errorf("%s: Open: %v", c.name, err)
			continue
		}
		if repo.TopLevel() != want {
			t.Errorf("%s: TopLevel() = %q; git says %q", c.name, repo.TopLevel(), want)
		}
	}
}

// TestConfigPrefetch: the config read that Open starts is the one the
// first lookup uses when every config file is older than the read, and is
// dropped (the config read again) when one was written since or just
// before. Which reads ran is counted in git's own trace.
func TestConfigPrefetch(t *testing.T) {
	t.Parallel()
	old := time.Now().Add(-time.Hour)
	for _, c := range []struct {
		name       string
		ageLocal   bool
		ageGlobal  bool
		writeAfter bool
		reads      int
		want       string
	}{
		{"files older than the read: Open's read answers", true, true, false, 1, "v1"},
		{"the repository's config written since: read again", true, true, true, 2, "v2"},
		{"the global config written just before: read again", true, false, false, 2, "v1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := gittest.New(t)
			r.Git("config", "proof.note", "v1")
			cfg := filepath.Join(r.Dir, ".git", "config")
			for f, age := range map[string]bool{cfg: c.ageLocal, environ.Get(r.Env, "GIT_CONFIG_GLOBAL"): c.ageGlobal} {
				if age {
					if err := os.Chtimes(f, old, old); err != nil {
						t.Fatal(err)
					}
				}
			}
			repo, trace := openTraced(t, r)
			if c.writeAfter {
				r.Git("config", "proof.note", "v2")
			}
			if v, _, err := repo.ConfigGet(ctx, "proof.note"); err != nil || v != c.want {
				t.Errorf("ConfigGet = %q, %v; want %q", v, err, c.want)
			}
			if n := gitCommands(t, trace)["config"]; n != c.reads {
				t.Errorf("%d config reads; want %d", n, c.reads)
			}
		})
	}
}

// TestConfigGetBool: every way of writing a boolean reads as git reads it,
// including the two only git can tell apart (no "=": true; empty: false),
// and a value that is not a boolean is git's error.
func TestConfigGetBool(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	cfg := filepath.Join(r.Dir, ".git", "config")
	for _, value := range []string{"true", "True", "YES", "on", "false", "No", "OFF", "0", "1", "-3", "007", " = ", "", "maybe", "2x"} {
		line := "\tflag = " + value + "\n"
		switch value {
		case "":
			line = "\tflag\n" // no "=": true
		case " = ":
			line = "\tflag =\n" // empty: false
		}
		before, err := os.ReadFile(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(cfg, append(before, []byte("[probe]\n"+line)...), 0o644); err != nil {
			t.Fatal(err)
		}
		// A handle of its own each time: two writes of one size within
		// the clock's tick look alike to the config cache.
		got, set, err := r.Open().ConfigGetBool(ctx, "probe.flag")
		out, gerr := exec.Command("git", "-C", r.Dir, "config", "--type=bool", "--get", "probe.flag").Output()
		switch {
		case gerr != nil:
			if err == nil {
				t.Errorf("%q: got %v, %v; git says %v", value, got, set, gerr)
			}
		case err != nil || !set || got != (strings.TrimSpace(string(out)) == "true"):
			t.Errorf("%q: got %v, %v, %v; git says %s", value, got, set, err, out)
		}
		if err := os.WriteFile(cfg, before, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, set, err := r.Open().ConfigGetBool(ctx, "probe.unset"); set || err != nil {
		t.Errorf("an unset key: set %v, %v", set, err)
	}
}

// TestReadObjectsNone: nothing to read starts no git: a repository git
// cannot even run in reads nothing without an error, where one name fails.
func TestReadObjectsNone(t *testing.T) {
	t.Parallel()
	broken := &gitx.Repo{Dir: filepath.Join(t.TempDir(), "missing")}
	called := false
	each := func(int, *gitx.Object) error { called = true; return nil }
	if err := broken.ReadObjects(ctx, nil, 0, each); err != nil || called {
		t.Errorf("no names: %v, called %v; want nil and no call", err, called)
	}
	if err := broken.ReadObjects(ctx, []string{"HEAD"}, 0, each); err == nil {
		t.Error("one name in a directory that does not exist: no error (the test would show nothing)")
	}
}
