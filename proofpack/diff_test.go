package proofpack_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/utils/merkletrie"

	"github.com/git-proof/git-proof/gitx"
	"github.com/git-proof/git-proof/internal/gittest"
	"github.com/git-proof/git-proof/proofpack"
)

func id(c byte) string { return strings.Repeat(string(c), 40) }

var zeroID = id('0')

// canonicalEntries covers every status, every mode git prints, and paths
// that trip naive implementations: a newline, a space, a tab-free
// lookalike ordering ("a b" < "a-b" < "a/b" < "a0"), upper case before
// lower, UTF-8, and bytes that are not UTF-8. It is listed out of order.
var canonicalEntries = []gitx.DiffEntry{
	{OldMode: "100644", NewMode: "000000", OldID: id('c'), NewID: zeroID, Status: 'D', Path: "\xff\xfe"},
	{OldMode: "000000", NewMode: "160000", OldID: zeroID, NewID: id('6'), Status: 'A', Path: "a/b"},
	{OldMode: "100644", NewMode: "100644", OldID: id('9'), NewID: id('a'), Status: 'M', Path: "caf\u00e9"},
	{OldMode: "100644", NewMode: "100755", OldID: id('3'), NewID: id('3'), Status: 'M', Path: "a\nb"},
	{OldMode: "000000", NewMode: "100755", OldID: zeroID, NewID: id('b'), Status: 'A', Path: "\U0001F600"},
	{OldMode: "120000", NewMode: "100644", OldID: id('7'), NewID: id('8'), Status: 'T', Path: "a0"},
	{OldMode: "000000", NewMode: "100644", OldID: zeroID, NewID: id('4'), Status: 'A', Path: "a b.txt"},
	{OldMode: "100644", NewMode: "100644", OldID: id('1'), NewID: id('2'), Status: 'M', Path: "Zeta"},
	{OldMode: "100644", NewMode: "000000", OldID: id('5'), NewID: zeroID, Status: 'D', Path: "a-b"},
}

// canonicalText is DESIGN §4's form of canonicalEntries, written by hand:
// sorted by path bytes (so the emoji, F0 9F…, comes before the lone FF, and
// "Zeta" before "a…"), one line per path, the path raw.
const canonicalText = "" +
	"100644 100644 1111111111111111111111111111111111111111 2222222222222222222222222222222222222222 M\tZeta\n" +
	"100644 100755 3333333333333333333333333333333333333333 3333333333333333333333333333333333333333 M\ta\nb\n" +
	"000000 100644 0000000000000000000000000000000000000000 4444444444444444444444444444444444444444 A\ta b.txt\n" +
	"100644 000000 5555555555555555555555555555555555555555 0000000000000000000000000000000000000000 D\ta-b\n" +
	"000000 160000 0000000000000000000000000000000000000000 6666666666666666666666666666666666666666 A\ta/b\n" +
	"120000 100644 7777777777777777777777777777777777777777 8888888888888888888888888888888888888888 T\ta0\n" +
	"100644 100644 9999999999999999999999999999999999999999 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa M\tcaf\xc3\xa9\n" +
	"000000 100755 0000000000000000000000000000000000000000 bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb A\t\xf0\x9f\x98\x80\n" +
	"100644 000000 cccccccccccccccccccccccccccccccccccccccc 0000000000000000000000000000000000000000 D\t\xff\xfe\n"

func TestDiffSHA256(t *testing.T) {
	t.Parallel()
	sum := sha256.Sum256([]byte(canonicalText))
	tests := []struct {
		name    string
		entries []gitx.DiffEntry
		want    string
	}{
		// Digests computed outside Go (python3 hashlib) over the same bytes.
		{"empty diff", nil, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"one entry", canonicalEntries[6:7], "e0321187298c012c15db201c75f99fa6dd4ea3dd7b316aa5cb295c480802114d"},
		{"all entries", canonicalEntries, "aaac76cd51af67143181b114ef3b09f079bf5b26613670d5b1faeed27b11d27a"},
		{"all entries, by hand", canonicalEntries, hex.EncodeToString(sum[:])},
	}
	for _, tc := range tests {
		if got := proofpack.DiffSHA256(tc.entries); got != tc.want {
			t.Errorf("DiffSHA256(%s) = %s; want %s", tc.name, got, tc.want)
		}
	}
}

// TestDiffSHA256OrderIndependent: any input order gives the same digest,
// and the caller's slice is left as it was.
func TestDiffSHA256OrderIndependent(t *testing.T) {
	t.Parallel()
	want := proofpack.DiffSHA256(canonicalEntries)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20; i++ {
		in := append([]gitx.DiffEntry(nil), canonicalEntries...)
		rng.Shuffle(len(in), func(a, b int) { in[a], in[b] = in[b], in[a] })
		before := append([]gitx.DiffEntry(nil), in...)
		if got := proofpack.DiffSHA256(in); got != want {
			t.Fatalf("DiffSHA256(shuffle %d) = %s; want %s", i, got, want)
		}
		for j := range in {
			if in[j] != before[j] {
				t.Fatalf("DiffSHA256 reordered its input at %d: %+v; want %+v", j, in[j], before[j])
			}
		}
	}
}

// TestDiffSHA256Sensitive: every field of every entry is covered.
func TestDiffSHA256Sensitive(t *testing.T) {
	t.Parallel()
	base := proofpack.DiffSHA256(canonicalEntries)
	edits := map[string]func(e *gitx.DiffEntry){
		"old mode": func(e *gitx.DiffEntry) { e.OldMode = "100755" },
		"new mode": func(e *gitx.DiffEntry) { e.NewMode = "120000" },
		"old id":   func(e *gitx.DiffEntry) { e.OldID = id('d') },
		"new id":   func(e *gitx.DiffEntry) { e.NewID = id('e') },
		"status":   func(e *gitx.DiffEntry) { e.Status = 'X' },
		"path":     func(e *gitx.DiffEntry) { e.Path += "~" },
	}
	for name, edit := range edits {
		for i := range canonicalEntries {
			in := append([]gitx.DiffEntry(nil), canonicalEntries...)
			edit(&in[i])
			if got := proofpack.DiffSHA256(in); got == base {
				t.Errorf("DiffSHA256 with %s of entry %d changed = %s; want a different digest", name, i, got)
			}
		}
	}
}

// TestDiffSHA256GoGit recomputes the canonical digest with go-git from the
// trees of a real repository and compares it with DiffSHA256 over what the
// git CLI reports: DESIGN §4 promises that any verifier can recompute it.
func TestDiffSHA256GoGit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := gittest.New(t)
	special := []string{"with space.txt", "new\nline.txt", "tab\there", "caf\u00e9.txt", "bad\xff.txt", "\U0001F600", "a-b", "a/b", "a0", "Zeta"}

	// Commit 1 (root): regular, executable, symlink and gitlink entries.
	files := map[string]string{"a.txt": "one\n", "dir/b.txt": "b\n", "dir/sub/deep.txt": "deep\n", "x": "file x\n", "same.txt": "same\n", "exec.sh": "#!/bin/sh\n"}
	for _, p := range special {
		files[p] = "content of " + p + "\n"
	}
	r.Write(files)
	symlink(t, r, "a.txt", "link")
	gitlink(t, r, "mod", id('1'))
	c1 := commitIndex(r, "one")

	// Commit 2: modify, delete, chmod, symlink→file, file→symlink,
	// file→directory, rename (a delete plus an add), gitlink moved and added.
	r.Write(map[string]string{"a.txt": "two\n", "caf\u00e9.txt": "changed\n", "bad\xff.txt": "changed\n", "with space 2.txt": "content of with space.txt\n"})
	r.Remove("dir/b.txt", "dir/sub", "with space.txt", "link", "x", "tab\there")
	r.Write(map[string]string{"link": "now a file\n", "x/y": "x is a directory\n"})
	symlink(t, r, "a0", "tab\there")
	chmod(t, r, "exec.sh", 0o755)
	gitlink(t, r, "mod", id('2'))
	gitlink(t, r, "mod2", id('3'))
	c2 := commitIndex(r, "two")

	// Commit 3: gitlink→file, directory→file, delete an executable.
	r.Git("rm", "-q", "--cached", "mod")
	r.Remove("mod", "x", "exec.sh")
	r.Write(map[string]string{"mod": "was a submodule\n", "x": "file again\n", "new\nline.txt": "edited\n"})
	c3 := commitIndex(r, "three")

	g := r.Open()
	gg, err := git.PlainOpen(r.Dir)
	if err != nil {
		t.Fatalf("go-git PlainOpen: %v", err)
	}
	tree := func(commit string) string {
		id, err := g.ResolveTree(ctx, commit)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	empty, t1, t2, t3 := g.EmptyTree(), tree(c1), tree(c2), tree(c3)
	pairs := []struct{ name, a, b string }{
		{"root commit (empty tree → 1)", empty, t1},
		{"1 → 2", t1, t2},
		{"2 → 3", t2, t3},
		{"1 → 3", t1, t3},
		{"3 → 1", t3, t1},
		{"3 → empty tree", t3, empty},
		{"no change", t2, t2},
	}
	seen := map[string]bool{}
	for _, pr := range pairs {
		d, err := g.DiffTrees(ctx, pr.a, pr.b)
		if err != nil {
			t.Fatalf("DiffTrees(%s): %v", pr.name, err)
		}
		entries := d.Entries
		want := goGitCanonical(t, gg, pr.a, pr.b, empty)
		got := proofpack.DiffSHA256(entries)
		if wantSum := sha256.Sum256([]byte(want)); got != hex.EncodeToString(wantSum[:]) {
			t.Errorf("DiffSHA256(DiffTrees(%s)) = %s; want go-git's %x\ngit CLI form:\n%s\ngo-git form:\n%s",
				pr.name, got, wantSum, cliCanonical(entries), want)
		}
		for _, e := range entries {
			seen[string(e.Status)] = true
			seen[e.OldMode], seen[e.NewMode] = true, true
			seen[e.Path] = true
		}
	}
	// The fixture must exercise what it claims to.
	for _, k := range append([]string{"A", "D", "M", "T", "000000", "100644", "100755", "120000", "160000", "x/y", "x", "link"}, special...) {
		if !seen[k] {
			t.Errorf("no diff of the fixture shows %q; the test does not cover it", k)
		}
	}
}

// goGitCanonical builds DESIGN §4's canonical form of tree a → b with
// go-git alone (no git process): modes as git prints them, six octal digits
// ("000000" when absent), full ids, status A/D/M/T, sorted by path bytes.
func goGitCanonical(t *testing.T, repo *git.Repository, a, b, emptyTree string) string {
	t.Helper()
	load := func(id string) *object.Tree {
		if id == emptyTree {
			return nil // go-git does not store git's built-in empty tree
		}
		tr, err := repo.TreeObject(plumbing.NewHash(id))
		if err != nil {
			t.Fatalf("go-git TreeObject(%s): %v", id, err)
		}
		return tr
	}
	changes, err := object.DiffTree(load(a), load(b))
	if err != nil {
		t.Fatalf("go-git DiffTree(%s, %s): %v", a, b, err)
	}
	type line struct{ path, text string }
	var lines []line
	for _, ch := range changes {
		action, err := ch.Action()
		if err != nil {
			t.Fatal(err)
		}
		from, to := ch.From.TreeEntry, ch.To.TreeEntry
		var status byte
		path := ch.To.Name
		switch action {
		case merkletrie.Insert:
			status = 'A'
		case merkletrie.Delete:
			status, path = 'D', ch.From.Name
		case merkletrie.Modify:
			status = 'M'
			if from.Mode&0o170000 != to.Mode&0o170000 {
				status = 'T' // the kind of entry changed: file, symlink, gitlink
			}
		}
		lines = append(lines, line{path, fmt.Sprintf("%s %s %s %s %c\t%s\n", gitMode(from.Mode), gitMode(to.Mode), gitID(from.Hash), gitID(to.Hash), status, path)})
	}
	sort.Slice(lines, func(i, j int) bool { return lines[i].path < lines[j].path })
	var b2 strings.Builder
	for _, l := range lines {
		b2.WriteString(l.text)
	}
	return b2.String()
}

// gitMode formats a mode as git does in raw diffs; go-git's String() gives
// seven digits ("0100644"), which is not the canonical form.
func gitMode(m filemode.FileMode) string { return fmt.Sprintf("%06o", uint32(m)) }

func gitID(h plumbing.Hash) string { return h.String() } // the zero hash prints as 40 zeros

// cliCanonical renders git's entries the same way, for failure messages.
func cliCanonical(entries []gitx.DiffEntry) string {
	sorted := append([]gitx.DiffEntry(nil), entries...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Path < sorted[j].Path })
	var b bytes.Buffer
	for _, e := range sorted {
		fmt.Fprintf(&b, "%s %s %s %s %c\t%s\n", e.OldMode, e.NewMode, e.OldID, e.NewID, e.Status, e.Path)
	}
	return b.String()
}

func symlink(t *testing.T, r *gittest.Repo, target, name string) {
	t.Helper()
	if err := os.Symlink(target, filepath.Join(r.Dir, name)); err != nil {
		t.Fatal(err)
	}
}

func chmod(t *testing.T, r *gittest.Repo, name string, mode os.FileMode) {
	t.Helper()
	if err := os.Chmod(filepath.Join(r.Dir, name), mode); err != nil {
		t.Fatal(err)
	}
}

// gitlink records a submodule entry at path pointing at commit (which need
// not exist), with the empty directory git leaves for an uninitialised one.
func gitlink(t *testing.T, r *gittest.Repo, path, commit string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(r.Dir, path), 0o755); err != nil {
		t.Fatal(err)
	}
	r.Git("update-index", "--add", "--cacheinfo", "160000,"+commit+","+path)
}

// commitIndex stages the worktree's files (gitlinks stay as staged) and
// commits; it returns the commit id.
func commitIndex(r *gittest.Repo, msg string) string {
	r.T.Helper()
	r.Git("add", "-A", "--", ".", ":!mod", ":!mod2")
	r.Git("commit", "-q", "-m", msg)
	return r.Git("rev-parse", "HEAD")
}
