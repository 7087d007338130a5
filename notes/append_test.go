package notes_test

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/git-proof/git-proof/internal/gittest"
	"github.com/git-proof/git-proof/notes"
)

func TestAppendCreatesRef(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := gittest.New(t)
	x := makeCommits(t, r, 1)[0]
	s := notes.New(r.Open(), "", 0)
	rec := record(t, x, "first")
	tip, err := s.Append(ctx, x, rec, "git proof run: first")
	if err != nil {
		t.Fatalf("Append(%s) without a ref = %v; want nil", x, err)
	}
	if got := r.Git("rev-parse", notes.Ref); got != tip {
		t.Errorf("%s = %s after Append; want the returned tip %s", notes.Ref, got, tip)
	}
	if got := r.Git("rev-list", "--parents", "-n1", tip); got != tip {
		t.Errorf("rev-list --parents %s = %q; want a root commit", tip, got)
	}
	if got := gitShow(t, r, x); !bytes.Equal(got, rec) {
		t.Errorf("git notes show %s = %q; want %q", x, got, rec)
	}
	// The update went through git's ref transaction, which writes the reflog.
	if got := r.Git("reflog", "show", "--format=%gs", notes.Ref); got != "git proof run: first" {
		t.Errorf("reflog of %s = %q; want the Append message", notes.Ref, got)
	}
	if got := r.Git("log", "-1", "--format=%B", notes.Ref); got != "git proof run: first" {
		t.Errorf("notes commit message = %q; want the Append message", got)
	}

	// A second Append adds to the note; data without a final newline gets one.
	tip2, err := s.Append(ctx, x, []byte("extra line"), "second")
	if err != nil {
		t.Fatalf("Append(%s) again = %v; want nil", x, err)
	}
	if got := r.Git("rev-parse", tip2+"^"); got != tip {
		t.Errorf("parent of the second notes commit = %s; want %s", got, tip)
	}
	if got, want := gitShow(t, r, x), string(rec)+"extra line\n"; string(got) != want {
		t.Errorf("git notes show %s = %q; want %q", x, got, want)
	}
}

func TestAppendRefusesBadObject(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := gittest.New(t)
	x := makeCommits(t, r, 1)[0]
	s := notes.New(r.Open(), "", 0)
	for _, bad := range []string{"", "HEAD", x[:12], strings.ToUpper(x), x + "0", "../" + x[3:]} {
		if _, err := s.Append(ctx, bad, []byte("x\n"), "bad"); err == nil {
			t.Errorf("Append(%q) = nil error; want a refusal", bad)
		}
	}
	if tip, _ := s.Tip(ctx); tip != "" {
		t.Errorf("a refused Append left %s at %s; want no ref", notes.Ref, tip)
	}
}

// TestAppendMergesDuplicateEntries: an object noted at two fanouts reads as
// the join of both; Append keeps that content in one entry and adds to it,
// and folds other objects' duplicates the same way.
func TestAppendMergesDuplicateEntries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := gittest.New(t)
	ids := makeCommits(t, r, 3)
	x, y, z := ids[0], ids[1], ids[2]
	setNotesTree(t, r, []rawEntry{
		{path: fan(x, 0), mode: "100644", content: "x flat\n"},
		{path: fan(x, 1), mode: "100644", content: "x fanned"},
		{path: fan(y, 0), mode: "100644", content: "y flat\n"},
		{path: fan(y, 2), mode: "100644", content: "y deep\n"},
		{path: fan(z, 1), mode: "100755", content: "z alone\n"},
	})
	oldX, oldY, oldZ := gitShow(t, r, x), gitShow(t, r, y), gitShow(t, r, z)
	rec := record(t, x, "dup")
	if _, err := notes.New(r.Open(), "", 0).Append(ctx, x, rec, "append"); err != nil {
		t.Fatalf("Append(%s) = %v; want nil", x, err)
	}
	tree := notesTree(t, r, "")
	for _, obj := range []string{x, y, z} {
		if ps := entriesFor(tree, obj); len(ps) != 1 {
			t.Errorf("after Append, %s has entries %q; want exactly one", obj[:7], ps)
		}
	}
	wantX := append(append([]byte{}, oldX...), rec...)
	if !bytes.HasSuffix(oldX, []byte("\n")) {
		wantX = append(append(append([]byte{}, oldX...), '\n'), rec...)
	}
	for _, c := range []struct {
		obj  string
		want []byte
	}{{x, wantX}, {y, oldY}, {z, oldZ}} {
		if got := gitShow(t, r, c.obj); !bytes.Equal(got, c.want) {
			t.Errorf("git notes show %s after Append = %q; want %q", c.obj[:7], got, c.want)
		}
	}
}

// TestAppendKeepsNonNotes: files in the notes tree that git does not read
// as notes stay where they are, byte for byte, mode included.
func TestAppendKeepsNonNotes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := gittest.New(t)
	ids := makeCommits(t, r, 2)
	x, y := ids[0], ids[1]
	setNotesTree(t, r, []rawEntry{
		{path: fan(y, 0), mode: "100644", content: "y's note\n"},
		{path: "README", mode: "100644", content: "kept\n"},
		{path: "docs/notes.md", mode: "100644", content: "kept too\n"},
		{path: "tool.sh", mode: "100755", content: "#!/bin/sh\n"},
		{path: "link", mode: "120000", content: "README"},
		{path: "vendor", mode: "160000", id: strings.Repeat("1", 40)},
		// Named like x, but git never reads these as x's note.
		{path: x[:3] + "/" + x[3:], mode: "100644", content: "three-character directory\n"},
		{path: x[:2] + "/" + x[2:3] + "/" + x[3:], mode: "100644", content: "one-character directory\n"},
		{path: fan(x, 1), mode: "120000", content: "symlink at x's note path"},
	})
	before := notesTree(t, r, "")
	rec := record(t, x, "keep")
	if _, err := notes.New(r.Open(), "", 0).Append(ctx, x, rec, "append"); err != nil {
		t.Fatalf("Append(%s) = %v; want nil", x, err)
	}
	after := notesTree(t, r, "")
	for p, e := range before {
		if p == fan(y, 0) {
			continue // a note: Append may move it to another fanout
		}
		if got, ok := after[p]; !ok || got != e {
			t.Errorf("after Append, non-note %q = %+v (present %v); want %+v", p, got, ok, e)
		}
	}
	if got := gitShow(t, r, x); !bytes.Equal(got, rec) {
		t.Errorf("git notes show %s = %q; want only the new record %q", x[:7], got, rec)
	}
	if got := gitShow(t, r, y); string(got) != "y's note\n" {
		t.Errorf("git notes show %s = %q; want it unchanged", y[:7], got)
	}
	if got, want := len(after), len(before)+1; got != want {
		t.Errorf("after Append the notes tree has %d entries; want %d", got, want)
	}
}

// TestAppendConcurrent races writers (goroutines and separate processes,
// to different commits and to the same one) on one notes ref. Git's
// compare-and-swap must make every Append land: no record is lost and
// the history holds one commit per Append.
func TestAppendConcurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := gittest.New(t)
	const n = 8
	ids := makeCommits(t, r, n)
	// The race starts with no ref, so the first writers race to create it
	// (old value: none) and the rest to move it.
	g := r.Open()

	type job struct {
		obj string
		rec []byte
	}
	var goroutineJobs, processJobs []job
	for i := 0; i < n; i++ {
		goroutineJobs = append(goroutineJobs, job{ids[i], record(t, ids[i], "goroutine-"+strconv.Itoa(i))})
	}
	for k := 0; k < 4; k++ {
		goroutineJobs = append(goroutineJobs, job{ids[0], record(t, ids[0], "same-commit-goroutine-"+strconv.Itoa(k))})
	}
	for k := 0; k < 4; k++ {
		processJobs = append(processJobs, job{ids[k%2], record(t, ids[k%2], "process-"+strconv.Itoa(k))})
	}

	start := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, len(goroutineJobs)+len(processJobs))
	var cmds []*exec.Cmd
	var outs []*bytes.Buffer
	for _, j := range processJobs {
		cmd := helperCommand(r, j.obj, j.rec)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		cmds, outs = append(cmds, cmd), append(outs, &out)
	}
	for _, j := range goroutineJobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if _, err := notes.New(g, "", 0).Append(ctx, j.obj, j.rec, "goroutine append"); err != nil {
				errs <- fmt.Errorf("Append(%s) = %v; want nil", j.obj[:7], err)
			}
		}()
	}
	for _, cmd := range cmds {
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
	}
	close(start)
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			errs <- fmt.Errorf("helper process Append(%s) = %v; want success\n%s", processJobs[i].obj[:7], err, outs[i])
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		t.FailNow()
	}

	total := len(goroutineJobs) + len(processJobs)
	if got := r.Git("rev-list", "--count", notes.Ref); got != strconv.Itoa(total) {
		t.Errorf("rev-list --count %s = %s; want one commit per Append, %d", notes.Ref, got, total)
	}
	want := map[string]map[string]bool{}
	for _, j := range append(goroutineJobs, processJobs...) {
		if want[j.obj] == nil {
			want[j.obj] = map[string]bool{}
		}
		want[j.obj][recordDigest(t, j.rec)] = true
	}
	for obj, ds := range want {
		got := envelopeDigests(t, gitShow(t, r, obj))
		for d := range ds {
			if !got[d] {
				t.Errorf("git notes show %s lacks record %s after the race", obj[:7], d[:8])
			}
		}
		if len(got) != len(ds) {
			t.Errorf("git notes show %s = %d records; want %d", obj[:7], len(got), len(ds))
		}
	}
	tree := notesTree(t, r, "")
	for _, obj := range ids {
		if ps := entriesFor(tree, obj); len(ps) != 1 {
			t.Errorf("after the race, %s has entries %q; want exactly one", obj[:7], ps)
		}
	}
}

// TestAppendFromStaleSnapshot: a snapshot taken before another writer
// appended (run prepares the note while its checks run) loses nothing:
// the compare-and-swap fails, AppendFrom reads again, and the note holds
// both records, on top of the other writer's commit.
func TestAppendFromStaleSnapshot(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := gittest.New(t)
	ids := makeCommits(t, r, 2)
	x, y := ids[0], ids[1]
	s := notes.New(r.Open(), "", 0)
	first := record(t, x, "first")
	if _, err := s.Append(ctx, x, first, "first"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, object string
	}{
		{"same object", x},
		{"snapshot of another object", y},
	} {
		snap, err := s.Prepare(ctx, tc.object)
		if err != nil {
			t.Fatal(err)
		}
		// Another writer moves the ref after the snapshot.
		other := record(t, x, "other writer "+tc.name)
		otherTip, err := s.Append(ctx, x, other, "other")
		if err != nil {
			t.Fatal(err)
		}
		before := gitShow(t, r, x)
		mine := record(t, x, "mine "+tc.name)
		tip, err := s.AppendFrom(ctx, snap, x, mine, "mine")
		if err != nil {
			t.Fatalf("%s: AppendFrom with a stale snapshot = %v; want nil", tc.name, err)
		}
		if got := r.Git("rev-parse", tip+"^"); got != otherTip {
			t.Errorf("%s: parent of the new notes commit = %s; want the other writer's %s", tc.name, got, otherTip)
		}
		if got, want := string(gitShow(t, r, x)), string(before)+string(mine); got != want {
			t.Errorf("%s: note = %q; want %q", tc.name, got, want)
		}
	}
	// A fresh snapshot is used as it is: one commit on top of its tip.
	snap, err := s.Prepare(ctx, y)
	if err != nil {
		t.Fatal(err)
	}
	tipBefore := r.Git("rev-parse", notes.Ref)
	tip, err := s.AppendFrom(ctx, snap, y, record(t, y, "fresh"), "fresh")
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Git("rev-parse", tip+"^"); got != tipBefore {
		t.Errorf("parent = %s; want %s", got, tipBefore)
	}
}
