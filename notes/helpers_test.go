package notes_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"testing"

	"github.com/git-proof/git-proof/gitx"
	"github.com/git-proof/git-proof/internal/gittest"
	"github.com/git-proof/git-proof/notes"
	"github.com/git-proof/git-proof/proofpack"
)

// Environment of a helper process: the test binary re-executed to append
// from another process, as a second `git proof run` would.
const (
	helperEnv       = "NOTES_TEST_HELPER_APPEND"
	helperDirEnv    = "NOTES_TEST_HELPER_DIR"
	helperObjectEnv = "NOTES_TEST_HELPER_OBJECT"
	helperDataEnv   = "NOTES_TEST_HELPER_DATA"
)

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) == "1" {
		os.Exit(helperAppend())
	}
	os.Exit(m.Run())
}

// helperAppend is the body of a helper process: one Append, exit status 0
// when it landed.
func helperAppend() int {
	ctx := context.Background()
	g, err := gitx.Open(ctx, os.Getenv(helperDirEnv), os.Environ())
	if err == nil {
		_, err = notes.New(g, "", 0).Append(ctx, os.Getenv(helperObjectEnv), []byte(os.Getenv(helperDataEnv)), "helper append")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper append:", err)
		return 1
	}
	return 0
}

// helperCommand returns a command that appends data to object's note in
// r from a separate process.
func helperCommand(r *gittest.Repo, object string, data []byte) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append([]string(nil), r.Env...),
		helperEnv+"=1", helperDirEnv+"="+r.Dir, helperObjectEnv+"="+object, helperDataEnv+"="+string(data))
	return cmd
}

// makeCommits adds n commits to main in one git fast-import and returns
// their ids, oldest first (git commit per commit would cost n processes).
func makeCommits(t *testing.T, r *gittest.Repo, n int) []string {
	t.Helper()
	var in bytes.Buffer
	for i := 0; i < n; i++ {
		msg := fmt.Sprintf("commit %d\n", i)
		content := fmt.Sprintf("version %d\n", i)
		fmt.Fprintf(&in, "commit refs/heads/main\ncommitter Alice Example <alice@example.com> 1767323045 +0000\ndata %d\n%s", len(msg), msg)
		fmt.Fprintf(&in, "M 644 inline file.txt\ndata %d\n%s\n", len(content), content)
	}
	cmd := exec.Command("git", "fast-import", "--quiet")
	cmd.Dir, cmd.Env, cmd.Stdin = r.Dir, r.Env, &in
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git fast-import: %v\n%s", err, out)
	}
	ids := strings.Fields(r.Git("rev-list", "--reverse", "main"))
	if len(ids) < n {
		t.Fatalf("fast-import made %d commits; want %d", len(ids), n)
	}
	return ids[len(ids)-n:]
}

// gitOut runs git in r and returns its stdout untrimmed: note contents are
// compared byte for byte.
func gitOut(t *testing.T, r *gittest.Repo, args ...string) []byte {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir, cmd.Env = r.Dir, r.Env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return out
}

// gitShow is what git itself reads as object's proof note.
func gitShow(t *testing.T, r *gittest.Repo, object string) []byte {
	t.Helper()
	return gitOut(t, r, "notes", "--ref=proof", "show", object)
}

// gitNoted lists the objects git sees a proof note for, sorted.
func gitNoted(t *testing.T, r *gittest.Repo) []string {
	t.Helper()
	var objs []string
	for _, l := range strings.Split(strings.TrimSpace(string(gitOut(t, r, "notes", "--ref=proof", "list"))), "\n") {
		if f := strings.Fields(l); len(f) == 2 {
			objs = append(objs, f[1])
		}
	}
	sort.Strings(objs)
	return objs
}

// treeEntry is one path of the notes tree as ls-tree shows it.
type treeEntry struct{ mode, typ, id string }

// notesTree lists the notes tree at rev (default the ref) by path.
func notesTree(t *testing.T, r *gittest.Repo, rev string) map[string]treeEntry {
	t.Helper()
	if rev == "" {
		rev = notes.Ref
	}
	out := gitOut(t, r, "ls-tree", "-r", "-z", "--full-tree", rev)
	res := map[string]treeEntry{}
	for _, rec := range strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00") {
		tab := strings.IndexByte(rec, '\t')
		f := strings.Fields(rec[:tab])
		res[rec[tab+1:]] = treeEntry{mode: f[0], typ: f[1], id: f[2]}
	}
	return res
}

// entriesFor returns the notes-tree paths that name object (any fanout).
func entriesFor(tree map[string]treeEntry, object string) []string {
	var ps []string
	for p := range tree {
		if strings.ReplaceAll(p, "/", "") == object {
			ps = append(ps, p)
		}
	}
	sort.Strings(ps)
	return ps
}

// fan returns object's note path at the given fanout depth.
func fan(object string, depth int) string {
	var b strings.Builder
	for i := 0; i < depth; i++ {
		b.WriteString(object[2*i : 2*i+2])
		b.WriteByte('/')
	}
	b.WriteString(object[2*depth:])
	return b.String()
}

// setNotesTree commits a notes tree made of entries (path → mode and
// content, or mode and an existing id with content "") on top of the ref
// and moves the ref there, bypassing git notes so any layout can be made.
func setNotesTree(t *testing.T, r *gittest.Repo, entries []rawEntry) string {
	t.Helper()
	ctx := context.Background()
	g := r.Open()
	var idx []gitx.IndexEntry
	for _, e := range entries {
		id := e.id
		if id == "" {
			var err error
			if id, err = g.WriteObject(ctx, "blob", []byte(e.content)); err != nil {
				t.Fatal(err)
			}
		}
		idx = append(idx, gitx.IndexEntry{Mode: e.mode, ID: id, Path: e.path})
	}
	tree, err := g.WriteTree(ctx, idx)
	if err != nil {
		t.Fatal(err)
	}
	old, err := g.RefValue(ctx, notes.Ref)
	if err != nil {
		t.Fatal(err)
	}
	var parents []string
	if old != "" {
		parents = []string{old}
	}
	c, err := g.CommitTree(ctx, tree, parents, "hand-made notes tree")
	if err != nil {
		t.Fatal(err)
	}
	if err := g.UpdateRef(ctx, notes.Ref, c, old, "hand-made notes tree"); err != nil {
		t.Fatal(err)
	}
	return c
}

type rawEntry struct {
	path, mode, content, id string
}

// record is an unsigned proof record for commit, told apart by tag.
func record(t *testing.T, commit, tag string) []byte {
	t.Helper()
	p := &proofpack.Predicate{
		SchemaVersion: proofpack.SchemaVersion, CreatedAt: "2026-01-02T03:04:05Z",
		Tool:   proofpack.Tool{Name: "git-proof", Version: tag},
		Commit: commit, Tree: strings.Repeat("2", len(commit)),
		Base:     proofpack.Base{Tree: strings.Repeat("4", len(commit))},
		Diff:     proofpack.Diff{SHA256: strings.Repeat("6", 64)},
		Decision: proofpack.AutoOK,
	}
	payload, err := proofpack.NewStatementPayload(p)
	if err != nil {
		t.Fatal(err)
	}
	env, err := proofpack.SignPayload(context.Background(), payload, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := proofpack.EncodeRecord(p, env)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// envelopeDigests returns the digests of the usable records of a note.
func envelopeDigests(t *testing.T, note []byte) map[string]bool {
	t.Helper()
	recs, err := proofpack.ParseNote(note)
	if err != nil {
		t.Fatalf("ParseNote(%.80q) = %v; want nil", note, err)
	}
	ds := map[string]bool{}
	for _, r := range recs {
		if r.Err != nil {
			t.Fatalf("ParseNote(...) record at line %d: %v", r.Line, r.Err)
		}
		ds[r.Envelope.Digest] = true
	}
	return ds
}

// recordDigest is the envelope digest of a record made by record.
func recordDigest(t *testing.T, rec []byte) string {
	t.Helper()
	recs, err := proofpack.ParseNote(rec)
	if err != nil || len(recs) != 1 {
		t.Fatalf("ParseNote(record) = %d, %v", len(recs), err)
	}
	return recs[0].Envelope.Digest
}
