package notes

import (
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-proof/git-proof/internal/gittest"
)

// TestAppendFastMatchesRebuild: across 330 appends (300 objects, then
// notes added to 30 of them again; flat up to 256 notes, one level of
// fanout from 257), the tree an append makes along the one path is the
// tree the rebuild makes from the same tip; the path is taken for every
// append but the first and the one that changes the fanout; every note
// holds what was appended to it; git fsck --strict finds nothing.
func TestAppendFastMatchesRebuild(t *testing.T) {
	for _, format := range []string{"sha1", "sha256"} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			testAppendFastMatchesRebuild(t, format)
		})
	}
}

func testAppendFastMatchesRebuild(t *testing.T, format string) {
	ctx := context.Background()
	r := gittest.New(t)
	if format == "sha256" {
		if err := os.RemoveAll(filepath.Join(r.Dir, ".git")); err != nil {
			t.Fatal(err)
		}
		r.Git("init", "-q", "--object-format=sha256", "--initial-branch=main", r.Dir)
	}
	repo := r.Open()
	s := New(repo, Ref, 0)
	ids := make([]string, 300)
	for i := range ids {
		if format == "sha256" {
			sum := sha256.Sum256([]byte(fmt.Sprint(i)))
			ids[i] = hex.EncodeToString(sum[:])
			continue
		}
		sum := sha1.Sum([]byte(fmt.Sprint(i)))
		ids[i] = hex.EncodeToString(sum[:])
	}
	want := map[string]string{}
	fast := 0
	for i := 0; i < 330; i++ {
		obj := ids[i%len(ids)]
		data := fmt.Sprintf("record %d\n", i)
		snap, err := s.Prepare(ctx, obj)
		if err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
		commit, sh, err := s.build(ctx, snap, []byte(data), "msg")
		if err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
		if snap.fast != nil {
			fast++
			slow, err := s.prepareRebuild(ctx, &Snapshot{object: obj, tip: snap.tip})
			if err != nil {
				t.Fatal(err)
			}
			_, slowShape, err := s.build(ctx, slow, []byte(data), "msg")
			if err != nil {
				t.Fatal(err)
			}
			if sh != slowShape {
				t.Fatalf("append %d: along the path %+v; rebuilt %+v", i, sh, slowShape)
			}
			if string(snap.old) != string(slow.old) {
				t.Fatalf("append %d: old note %q along the path, %q rebuilt", i, snap.old, slow.old)
			}
		}
		if err := repo.UpdateRef(ctx, Ref, commit, snap.tip, "msg"); err != nil {
			t.Fatal(err)
		}
		s.writeShape(sh)
		want[obj] += data
	}
	if want := 330 - 2; fast != want {
		t.Errorf("the path was taken for %d appends; want %d (all but the first and the one to 257 notes)", fast, want)
	}
	got, err := s.Read(ctx, "", ids)
	if err != nil {
		t.Fatal(err)
	}
	for _, obj := range ids {
		if n := got[obj]; n == nil || string(n.Data) != want[obj] {
			t.Fatalf("note of %s: %v; want %q", obj, n, want[obj])
		}
	}
	r.Git("fsck", "--strict", "--no-dangling")
	if n := len(strings.Fields(r.Git("ls-tree", "-r", "--name-only", Ref))); n != 300 {
		t.Errorf("%d notes in the tree; want 300", n)
	}
}

// TestAppendFastOnlyOnItsOwnTree: after another writer (git notes) moved
// the ref, or when the kept shape is of another tree, the append rebuilds,
// and keeps what the other writer wrote.
func TestAppendFastOnlyOnItsOwnTree(t *testing.T) {
	ctx := context.Background()
	r := gittest.New(t)
	r.Write(map[string]string{"a": "1\n"})
	c1 := r.Commit("one")
	r.Write(map[string]string{"a": "2\n"})
	c2 := r.Commit("two")
	repo := r.Open()
	s := New(repo, Ref, 0)
	if _, err := s.Append(ctx, c1, []byte("ours 1\n"), "msg"); err != nil {
		t.Fatal(err)
	}
	snap, err := s.Prepare(ctx, c1)
	if err != nil || snap.fast == nil {
		t.Fatalf("after our own append: fast %v (%v); want the path", snap != nil && snap.fast != nil, err)
	}
	r.Git("notes", "--ref", Ref, "add", "-m", "theirs", c2)
	snap, err = s.Prepare(ctx, c1)
	if err != nil || snap.fast != nil {
		t.Fatalf("after git notes add: fast %v (%v); want a rebuild", snap.fast != nil, err)
	}
	if _, err := s.AppendFrom(ctx, snap, c1, []byte("ours 2\n"), "msg"); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(r.Git("notes", "--ref", Ref, "show", c2)); got != "theirs" {
		t.Errorf("their note: %q", got)
	}
	if got := strings.TrimSpace(r.Git("notes", "--ref", Ref, "show", c1)); got != "ours 1\nours 2" {
		t.Errorf("our note: %q", got)
	}
	s.writeShape(shape{Tree: c1, Depth: 0, Count: 2}) // a shape of something else
	if snap, err := s.Prepare(ctx, c2); err != nil || snap.fast != nil {
		t.Errorf("with the shape of another tree: fast %v (%v); want a rebuild", snap != nil && snap.fast != nil, err)
	}
}
