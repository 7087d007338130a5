package notes_test

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/git-proof/git-proof/internal/gittest"
	"github.com/git-proof/git-proof/notes"
)

// fannedOutCommits is how many commits TestGitFanout notes with plain `git
// notes add`: past 256 notes git moves them into ab/… subtrees.
const fannedOutCommits = 300

// TestGitFanout notes many commits with git itself, so git picks the
// fanout, and checks that Read, ReadAll and Append agree with git.
func TestGitFanout(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := gittest.New(t)
	ids := makeCommits(t, r, fannedOutCommits)
	for i, id := range ids {
		r.Git("notes", "--ref=proof", "add", "-m", fmt.Sprintf("note %d of %s", i, id), id)
	}
	want := map[string][]byte{}
	for i, id := range ids {
		want[id] = []byte(fmt.Sprintf("note %d of %s\n", i, id))
	}
	tree := notesTree(t, r, "")
	for p := range tree {
		if !strings.Contains(p, "/") {
			t.Fatalf("git left note %s flat among %d notes; this test needs a fanned-out tree", p, len(tree))
		}
	}

	t.Run("Read", func(t *testing.T) {
		t.Parallel()
		got, err := notes.New(r.Open(), "", 0).Read(ctx, "", ids)
		if err != nil {
			t.Fatalf("Read(%d ids) = %v; want nil", len(ids), err)
		}
		compareNotes(t, "Read", got, want)
	})
	t.Run("ReadAll", func(t *testing.T) {
		t.Parallel()
		got, err := notes.New(r.Open(), "", 0).ReadAll(ctx, "", nil)
		if err != nil {
			t.Fatalf("ReadAll(nil) = %v; want nil", err)
		}
		compareNotes(t, "ReadAll", got, want)
		some := []string{ids[0], ids[17], ids[len(ids)-1]}
		got, err = notes.New(r.Open(), "", 0).ReadAll(ctx, "", some)
		if err != nil {
			t.Fatalf("ReadAll(3 ids) = %v; want nil", err)
		}
		compareNotes(t, "ReadAll(3 ids)", got, map[string][]byte{some[0]: want[some[0]], some[1]: want[some[1]], some[2]: want[some[2]]})
	})
	t.Run("git show agrees", func(t *testing.T) {
		t.Parallel()
		for _, id := range []string{ids[0], ids[150], ids[len(ids)-1]} {
			if got := gitShow(t, r, id); !bytes.Equal(got, want[id]) {
				t.Errorf("git notes show %s = %q; want %q", id, got, want[id])
			}
		}
	})
	t.Run("Append keeps the old note", func(t *testing.T) {
		t.Parallel()
		c := gittest.New(t)
		c.Git("fetch", "-q", "--update-head-ok", r.Dir, "+refs/heads/*:refs/heads/*", "+refs/notes/*:refs/notes/*")
		x := ids[123]
		old := gitShow(t, c, x)
		before := notesTree(t, c, "")
		if ps := entriesFor(before, x); len(ps) != 1 || !strings.Contains(ps[0], "/") {
			t.Fatalf("before Append, %s has entries %q; want one fanned-out entry", x, ps)
		}
		rec := record(t, x, "append")
		if _, err := notes.New(c.Open(), "", 0).Append(ctx, x, rec, "test append"); err != nil {
			t.Fatalf("Append(%s) = %v; want nil", x, err)
		}
		if got, want := gitShow(t, c, x), append(append([]byte{}, old...), rec...); !bytes.Equal(got, want) {
			t.Errorf("git notes show %s after Append = %q; want %q", x, got, want)
		}
		after := notesTree(t, c, "")
		if ps := entriesFor(after, x); len(ps) != 1 {
			t.Errorf("after Append, %s has entries %q; want exactly one", x, ps)
		}
		if got := gitNoted(t, c); len(got) != len(ids) {
			t.Errorf("git notes list after Append = %d notes; want %d", len(got), len(ids))
		}
		// Every other note is untouched, whatever path it moved to.
		all, err := notes.New(c.Open(), "", 0).ReadAll(ctx, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		others := map[string][]byte{}
		for id, w := range want {
			if id != x {
				others[id] = w
			}
		}
		delete(all, x)
		compareNotes(t, "ReadAll after Append", all, others)
		// git can keep writing on top of what Append made.
		c.Git("notes", "--ref=proof", "add", "-f", "-m", "overwritten by git", ids[5])
		if got := gitShow(t, c, x); !bytes.Equal(got, append(append([]byte{}, old...), rec...)) {
			t.Errorf("git notes show %s after a later git notes add = %q; want it kept", x, got)
		}
	})
}

// compareNotes checks got against want (object → note content).
func compareNotes(t *testing.T, name string, got map[string]*notes.Note, want map[string][]byte) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s = %d notes; want %d", name, len(got), len(want))
	}
	for obj, w := range want {
		n := got[obj]
		switch {
		case n == nil:
			t.Errorf("%s: no note for %s; want %q", name, obj, w)
		case n.Object != obj || n.TooLarge || !bytes.Equal(n.Data, w):
			t.Errorf("%s[%s] = {Object %s TooLarge %v Data %q}; want %q", name, obj, n.Object, n.TooLarge, n.Data, w)
		}
	}
}

// TestReadEveryDepth hand-builds a notes tree with notes at fanout depths
// 0 to 3, and objects noted at several depths at once, which git reads as
// the concatenation of all their entries. Read and ReadAll must return
// exactly what `git notes show` prints.
func TestReadEveryDepth(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := gittest.New(t)
	ids := makeCommits(t, r, 12)
	entries := []rawEntry{
		{path: fan(ids[0], 0), mode: "100644", content: "flat\n"},
		{path: fan(ids[1], 1), mode: "100644", content: "depth 1\n"},
		{path: fan(ids[2], 2), mode: "100644", content: "depth 2\n"},
		{path: fan(ids[3], 3), mode: "100644", content: "depth 3\n"},
		{path: fan(ids[4], 0), mode: "100755", content: "executable note\n"},
	}
	// ids[5]: the same object at every depth.
	for d := 0; d <= 3; d++ {
		entries = append(entries, rawEntry{path: fan(ids[5], d), mode: "100644", content: fmt.Sprintf("%s at depth %d\n", ids[5][:7], d)})
	}
	// ids[6]: flat and fanned out, contents without a final newline.
	entries = append(entries,
		rawEntry{path: fan(ids[6], 0), mode: "100644", content: "flat, no newline"},
		rawEntry{path: fan(ids[6], 1), mode: "100644", content: "fanned, no newline"})
	// ids[7]: an empty entry beside a real one (git skips empty notes when joining).
	entries = append(entries,
		rawEntry{path: fan(ids[7], 0), mode: "100644", content: ""},
		rawEntry{path: fan(ids[7], 2), mode: "100644", content: "beside an empty entry\n"})
	// ids[8]: two entries ending in blank lines.
	entries = append(entries,
		rawEntry{path: fan(ids[8], 1), mode: "100644", content: "one\n\n"},
		rawEntry{path: fan(ids[8], 3), mode: "100644", content: "two\n\n"})
	setNotesTree(t, r, entries)

	noted := ids[:9]
	if got := gitNoted(t, r); strings.Join(got, " ") != strings.Join(sorted(noted), " ") {
		t.Fatalf("git notes list = %q; want %q", got, sorted(noted))
	}
	want := map[string][]byte{}
	for _, id := range noted {
		want[id] = gitShow(t, r, id)
	}
	// Guard the fixture: git really joins the duplicates.
	if !bytes.Contains(want[ids[5]], []byte("depth 0")) || !bytes.Contains(want[ids[5]], []byte("depth 3")) {
		t.Fatalf("git notes show %s = %q; want all four entries joined", ids[5], want[ids[5]])
	}

	s := notes.New(r.Open(), "", 0)
	got, err := s.Read(ctx, "", ids)
	if err != nil {
		t.Fatalf("Read = %v; want nil", err)
	}
	compareNotes(t, "Read", got, want)
	got, err = s.ReadAll(ctx, "", nil)
	if err != nil {
		t.Fatalf("ReadAll = %v; want nil", err)
	}
	compareNotes(t, "ReadAll", got, want)

	// An explicit notes commit reads the same as the ref.
	tip := r.Git("rev-parse", notes.Ref)
	got, err = s.Read(ctx, tip, noted)
	if err != nil {
		t.Fatalf("Read(tip %s) = %v; want nil", tip, err)
	}
	compareNotes(t, "Read(tip)", got, want)
}

func sorted(s []string) []string {
	c := append([]string(nil), s...)
	sort.Strings(c)
	return c
}

// TestReadNonNotes: a notes tree may hold files that are not notes (git
// keeps them). Only what git treats as a note is read.
func TestReadNonNotes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := gittest.New(t)
	ids := makeCommits(t, r, 4)
	x, y := ids[0], ids[1]
	setNotesTree(t, r, []rawEntry{
		{path: fan(x, 1), mode: "100644", content: "the note of x\n"},
		{path: "README", mode: "100644", content: "not a note\n"},
		{path: "docs/notes.md", mode: "100644", content: "not a note either\n"},
		// Object names split in ways git never reads as notes.
		{path: x[:3] + "/" + x[3:], mode: "100644", content: "three-character directory\n"},
		{path: x[:2] + "/" + x[2:3] + "/" + x[3:], mode: "100644", content: "one-character directory\n"},
		// A symlink at a note path is not a note either.
		{path: fan(y, 0), mode: "120000", content: "target"},
	})
	want := map[string][]byte{x: []byte("the note of x\n")}
	if got := gitNoted(t, r); strings.Join(got, " ") != x {
		t.Fatalf("git notes list = %q; want only %s", got, x)
	}
	if got := gitShow(t, r, x); !bytes.Equal(got, want[x]) {
		t.Fatalf("git notes show %s = %q; want %q", x, got, want[x])
	}
	s := notes.New(r.Open(), "", 0)
	got, err := s.ReadAll(ctx, "", nil)
	if err != nil {
		t.Fatalf("ReadAll = %v; want nil", err)
	}
	compareNotes(t, "ReadAll", got, want)
	// Read looks entries up by path through cat-file, which does not tell
	// a symlink from a file, so y is left out here (a known limit: such an
	// entry still needs a valid signed record to count for anything).
	got, err = s.Read(ctx, "", []string{x})
	if err != nil {
		t.Fatalf("Read = %v; want nil", err)
	}
	compareNotes(t, "Read", got, want)
}

func TestReadTooLarge(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := gittest.New(t)
	ids := makeCommits(t, r, 3)
	big := strings.Repeat("x", 1000)
	setNotesTree(t, r, []rawEntry{
		{path: fan(ids[0], 0), mode: "100644", content: big},                   // over the limit
		{path: fan(ids[1], 0), mode: "100644", content: big[:600]},             // each entry under the limit,
		{path: fan(ids[1], 1), mode: "100644", content: big[:600]},             // both together over it
		{path: fan(ids[2], 1), mode: "100644", content: "small enough note\n"}, // under
	})
	const limit = 999
	for _, read := range []struct {
		name string
		fn   func(s *notes.Store) (map[string]*notes.Note, error)
	}{
		{"Read", func(s *notes.Store) (map[string]*notes.Note, error) { return s.Read(ctx, "", ids) }},
		{"ReadAll", func(s *notes.Store) (map[string]*notes.Note, error) { return s.ReadAll(ctx, "", nil) }},
	} {
		got, err := read.fn(notes.New(r.Open(), "", limit))
		if err != nil {
			t.Fatalf("%s(limit %d) = %v; want nil", read.name, limit, err)
		}
		for _, tc := range []struct {
			id   string
			size int64
		}{{ids[0], 1000}, {ids[1], 1200}} {
			n := got[tc.id]
			if n == nil || !n.TooLarge || n.Data != nil || n.Size != tc.size {
				t.Errorf("%s(limit %d)[%s] = %+v; want TooLarge, Data nil, Size %d", read.name, limit, tc.id[:7], n, tc.size)
			}
		}
		if n := got[ids[2]]; n == nil || n.TooLarge || string(n.Data) != "small enough note\n" {
			t.Errorf("%s(limit %d)[%s] = %+v; want the small note", read.name, limit, ids[2][:7], n)
		}
	}
}

// TestReadProofpackLimit: a note over proofpack.MaxNoteBytes, as verify
// reads it, is skipped unread.
func TestReadProofpackLimit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := gittest.New(t)
	ids := makeCommits(t, r, 1)
	const maxNote = 1 << 20 // proofpack.MaxNoteBytes
	r.Write(map[string]string{"big-note": strings.Repeat("y", maxNote) + "\n"})
	r.Git("notes", "--ref=proof", "add", "-F", "big-note", ids[0])
	got, err := notes.New(r.Open(), "", maxNote).Read(ctx, "", ids)
	if err != nil {
		t.Fatalf("Read = %v; want nil", err)
	}
	if n := got[ids[0]]; n == nil || !n.TooLarge || n.Data != nil || n.Size != maxNote+1 {
		t.Errorf("Read(limit %d)[%s] = %+v; want TooLarge, Data nil, Size %d", maxNote, ids[0][:7], n, maxNote+1)
	}
}

func TestReadEdgeCases(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := gittest.New(t)
	ids := makeCommits(t, r, 2)
	s := notes.New(r.Open(), "", 0)

	// No notes ref yet: nothing, and no error.
	for name, fn := range map[string]func() (map[string]*notes.Note, error){
		"Read":    func() (map[string]*notes.Note, error) { return s.Read(ctx, "", ids) },
		"ReadAll": func() (map[string]*notes.Note, error) { return s.ReadAll(ctx, "", nil) },
	} {
		if got, err := fn(); err != nil || len(got) != 0 {
			t.Errorf("%s without %s = %v, %v; want empty, nil", name, notes.Ref, got, err)
		}
	}
	if tip, err := s.Tip(ctx); tip != "" || err != nil {
		t.Errorf("Tip() without a ref = %q, %v; want \"\", nil", tip, err)
	}

	r.Git("notes", "--ref=proof", "add", "-m", "only note", ids[0])
	want := map[string][]byte{ids[0]: []byte("only note\n")}
	// An object asked for twice is read once.
	got, err := s.Read(ctx, "", []string{ids[0], ids[1], ids[0]})
	if err != nil {
		t.Fatalf("Read(x, y, x) = %v; want nil", err)
	}
	compareNotes(t, "Read(x, y, x)", got, want)
	got, err = s.ReadAll(ctx, "", []string{ids[0], ids[0]})
	if err != nil {
		t.Fatalf("ReadAll(x, x) = %v; want nil", err)
	}
	compareNotes(t, "ReadAll(x, x)", got, want)

	// Only full object ids are accepted: a name could be a path or an option.
	for _, bad := range []string{"HEAD", ids[0][:7], strings.ToUpper(ids[0]), ids[0] + "\n", "", "--all"} {
		if _, err := s.Read(ctx, "", []string{bad}); err == nil {
			t.Errorf("Read(%q) = nil error; want a refusal", bad)
		}
	}
}
