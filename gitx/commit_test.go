package gitx_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/git-proof/git-proof/gitx"
	"github.com/git-proof/git-proof/internal/gittest"
)

// TestCommitObjectMatchesListCommits: a commit read with cat-file reads as
// ListCommits (rev-list) shows it, for a root, a plain and a merge commit,
// and for a commit on a shallow clone's boundary (no parents, Shallow).
func TestCommitObjectMatchesListCommits(t *testing.T) {
	r := newRepoWithMerge(t)
	shallow := filepath.Join(t.TempDir(), "shallow")
	r.Git("clone", "-q", "--depth=1", "file://"+r.Dir, shallow)
	for _, tc := range []struct{ name, dir, rev string }{
		{"root", r.Dir, "HEAD~2"},
		{"plain", r.Dir, "HEAD^2"},
		{"merge", r.Dir, "HEAD"},
		{"shallow boundary", shallow, "HEAD"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			repo, err := gitx.Open(ctx, tc.dir, nil)
			if err != nil {
				t.Fatal(err)
			}
			want, err := repo.CommitInfo(ctx, tc.rev)
			if err != nil {
				t.Fatal(err)
			}
			var obj *gitx.Object
			if err := repo.ReadObjects(ctx, []string{tc.rev + "^{commit}"}, 0, func(_ int, o *gitx.Object) error {
				obj = o
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			got, err := repo.CommitObject(obj)
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != want.ID || got.Tree != want.Tree || got.Time != want.Time || got.Shallow != want.Shallow || !slices.Equal(got.Parents, want.Parents) {
				t.Errorf("CommitObject = %+v, ListCommits = %+v", got, want)
			}
		})
	}
}

func newRepoWithMerge(t *testing.T) *gittest.Repo {
	t.Helper()
	r := gittest.New(t)
	r.Write(map[string]string{"a.txt": "a\n"})
	r.Commit("root")
	r.Git("checkout", "-q", "-b", "side")
	r.Write(map[string]string{"b.txt": "b\n"})
	r.Commit("side")
	r.Git("checkout", "-q", "-")
	r.Write(map[string]string{"c.txt": "c\n"})
	r.Commit("main")
	r.Git("merge", "-q", "--no-edit", "side")
	return r
}

// TestParseCommit: commit objects as git writes them, and malformed ones,
// which are errors rather than commits with a zero time or no tree.
func TestParseCommit(t *testing.T) {
	const tree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
	const p1, p2 = "1111111111111111111111111111111111111111", "2222222222222222222222222222222222222222"
	tests := []struct {
		name    string
		data    string
		parents []string
		time    int64
		wantErr string
	}{
		{name: "root", data: "tree " + tree + "\nauthor A <a@x> 1 +0000\ncommitter C <c@x> 1700000000 +0100\n\nmsg\n", time: 1700000000},
		{name: "two parents", data: "tree " + tree + "\nparent " + p1 + "\nparent " + p2 + "\nauthor A <a@x> 1 +0000\ncommitter C <c@x> 5 -0700\n\nmsg\n", parents: []string{p1, p2}, time: 5},
		{name: "signed (continuation lines)", data: "tree " + tree + "\nparent " + p1 + "\nauthor A <a@x> 1 +0000\ncommitter C <c@x> 7 +0000\ngpgsig -----BEGIN SSH SIGNATURE-----\n parent " + p2 + "\n committer X <x> 9 +0000\n -----END SSH SIGNATURE-----\n\nmsg\n", parents: []string{p1}, time: 7},
		{name: "name with angle brackets", data: "tree " + tree + "\ncommitter C <weird> name <c@x> 8 +0000\n\n", time: 8},
		{name: "body looks like a header", data: "tree " + tree + "\ncommitter C <c@x> 3 +0000\n\nparent " + p2 + "\ncommitter X <x> 4 +0000\n", time: 3},
		{name: "no trailing newline", data: "tree " + tree + "\ncommitter C <c@x> 3 +0000", time: 3},
		{name: "empty", data: "", wantErr: "no tree or committer"},
		{name: "no committer", data: "tree " + tree + "\nauthor A <a@x> 1 +0000\n\n", wantErr: "no tree or committer"},
		{name: "no tree", data: "committer C <c@x> 3 +0000\n\n", wantErr: "no tree or committer"},
		{name: "committer without time", data: "tree " + tree + "\ncommitter C <c@x>\n\n", wantErr: "unreadable committer line"},
		{name: "committer time not a number", data: "tree " + tree + "\ncommitter C <c@x> soon +0000\n\n", wantErr: "unreadable committer time"},
		{name: "committer without email", data: "tree " + tree + "\ncommitter C\n\n", wantErr: "unreadable committer line"},
		{name: "time out of range", data: "tree " + tree + "\ncommitter C <c@x> 99999999999999999999 +0000\n\n", wantErr: "unreadable committer time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := gitx.ParseCommit("c0ffee", []byte(tt.data))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.ID != "c0ffee" || c.Tree != tree || c.Time != tt.time || !slices.Equal(c.Parents, tt.parents) {
				t.Errorf("got %+v, want tree %s, parents %v, time %d", c, tree, tt.parents, tt.time)
			}
		})
	}
}

// FuzzParseCommit: any bytes give a commit with a tree or an error, never
// a panic.
func FuzzParseCommit(f *testing.F) {
	f.Add([]byte("tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nparent 1111111111111111111111111111111111111111\ncommitter C <c@x> 1700000000 +0100\n\nmsg\n"))
	f.Add([]byte("committer >\n"))
	f.Add([]byte("tree \ncommitter <> 1 2 3\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := gitx.ParseCommit("id", data)
		if err == nil && (c == nil || c.Tree == "") {
			t.Fatalf("no error but commit %+v", c)
		}
	})
}
