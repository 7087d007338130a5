package notes_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/git-proof/git-proof/internal/gittest"
	"github.com/git-proof/git-proof/notes"
	"github.com/git-proof/git-proof/proofpack"
)

// TestMergeTwoWriters: two clones each record a proof for the same commit;
// git's own notes merge (cat_sort_uniq, as DESIGN §3 recommends) keeps both
// records readable, whether the clones' notes share history or not.
func TestMergeTwoWriters(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		sharedBase bool   // origin already holds a record for the commit
		strategy   string // "" = notes.proof.mergeStrategy from config
	}{
		{name: "unrelated notes histories", strategy: "cat_sort_uniq"},
		{name: "common base", sharedBase: true, strategy: "cat_sort_uniq"},
		{name: "configured mergeStrategy", sharedBase: true},
		{name: "union", sharedBase: true, strategy: "union"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			origin := gittest.New(t)
			x := makeCommits(t, origin, 2)[1]
			var want []string
			if tc.sharedBase {
				rec := record(t, x, "origin")
				if _, err := notes.New(origin.Open(), "", 0).Append(ctx, x, rec, "origin"); err != nil {
					t.Fatal(err)
				}
				want = append(want, recordDigest(t, rec))
			}
			clone := func(name string) *gittest.Repo {
				dir := filepath.Join(t.TempDir(), name)
				origin.GitIn(filepath.Dir(dir), "clone", "-q", origin.Dir, dir)
				c := &gittest.Repo{T: t, Dir: dir, Env: origin.Env}
				if tc.sharedBase {
					c.Git("fetch", "-q", "origin", notes.Ref+":"+notes.Ref)
				}
				return c
			}
			a, b := clone("a"), clone("b")
			recA, recB := record(t, x, "writer-a"), record(t, x, "writer-b")
			if _, err := notes.New(a.Open(), "", 0).Append(ctx, x, recA, "a"); err != nil {
				t.Fatalf("Append in a = %v", err)
			}
			if _, err := notes.New(b.Open(), "", 0).Append(ctx, x, recB, "b"); err != nil {
				t.Fatalf("Append in b = %v", err)
			}
			want = append(want, recordDigest(t, recA), recordDigest(t, recB))

			a.Git("fetch", "-q", b.Dir, "+"+notes.Ref+":refs/notes/remotes/x/proof")
			args := []string{"notes", "--ref=proof", "merge", "-q"}
			if tc.strategy != "" {
				args = append(args, "-s", tc.strategy)
			} else {
				a.Git("config", "notes.proof.mergeStrategy", "cat_sort_uniq")
			}
			a.Git(append(args, "refs/notes/remotes/x/proof")...)

			note := gitShow(t, a, x)
			recs, err := proofpack.ParseNote(note)
			if err != nil {
				t.Fatalf("ParseNote(merged note) = %v; want nil\n%s", err, note)
			}
			// union keeps the shared base's record twice (harmless: the
			// same bytes); cat_sort_uniq keeps each line once.
			if tc.strategy != "union" && len(recs) != len(want) {
				t.Errorf("ParseNote(merged note) = %d records; want %d\n%s", len(recs), len(want), note)
			}
			got := envelopeDigests(t, note)
			if len(got) != len(want) {
				t.Errorf("merged note holds %d distinct records; want %d", len(got), len(want))
			}
			for _, d := range want {
				if !got[d] {
					t.Errorf("merged note lacks record %s:\n%s", d[:8], note)
				}
			}
			// Reading through the store gives the same, and writing on top
			// of the merge commit still works.
			s := notes.New(a.Open(), "", proofpack.MaxNoteBytes)
			m, err := s.Read(ctx, "", []string{x})
			if err != nil || m[x] == nil || string(m[x].Data) != string(note) {
				t.Fatalf("Read(%s) after merge = %v, %v; want git's note", x[:7], m[x], err)
			}
			recC := record(t, x, "after-merge")
			if _, err := s.Append(ctx, x, recC, "after merge"); err != nil {
				t.Fatalf("Append after merge = %v", err)
			}
			got = envelopeDigests(t, gitShow(t, a, x))
			for _, d := range append(want, recordDigest(t, recC)) {
				if !got[d] {
					t.Errorf("note after merge and Append lacks record %s", d[:8])
				}
			}
		})
	}
}
