package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInit: init sets the repository up once, says what it changed, and
// changes nothing the second time.
func TestInit(t *testing.T) {
	t.Parallel()
	r := newProofRepo(t)
	r.Git("remote", "add", "origin", "https://example.com/a.git")
	r.Git("remote", "add", "upstream", "https://example.com/b.git")

	res := r.must(0, "init", "--display")
	contains(t, "init", res.stdout,
		"config: notes.proof.mergeStrategy = cat_sort_uniq",
		"config: notes.displayRef += refs/notes/proof",
		"config: remote.origin.fetch += +refs/notes/proof:refs/notes/remotes/origin/proof",
		"config: remote.upstream.fetch += +refs/notes/proof:refs/notes/remotes/upstream/proof",
		"file: .proof/config.yaml")
	if got := r.Git("config", "notes.proof.mergeStrategy"); got != "cat_sort_uniq" {
		t.Errorf("notes.proof.mergeStrategy = %q", got)
	}
	fetch := r.Git("config", "--get-all", "remote.origin.fetch")
	if !strings.Contains(fetch, "+refs/heads/*:refs/remotes/origin/*") || !strings.Contains(fetch, "+refs/notes/proof:refs/notes/remotes/origin/proof") {
		t.Errorf("remote.origin.fetch = %q; want the default plus the notes refspec", fetch)
	}
	// Never straight over the local notes ref.
	if strings.Contains(fetch, ":refs/notes/proof") {
		t.Errorf("a fetch refspec writes refs/notes/proof directly: %q", fetch)
	}
	scaffold, err := os.ReadFile(filepath.Join(r.Dir, ".proof", "config.yaml"))
	if err != nil || !strings.Contains(string(scaffold), "# checks:") {
		t.Errorf("scaffold: %v\n%s", err, scaffold)
	}

	// Idempotent: nothing changes, the user's edits to the scaffold stay.
	if err := os.WriteFile(filepath.Join(r.Dir, ".proof", "config.yaml"), []byte("tests: [\"t/**\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := r.Git("config", "--local", "--list")
	res = r.must(0, "init", "--display")
	if strings.TrimSpace(res.stdout) != "git proof init: already set up, nothing changed" {
		t.Errorf("second init: %s", res)
	}
	if after := r.Git("config", "--local", "--list"); after != before {
		t.Errorf("second init changed the config:\n%s\n---\n%s", before, after)
	}
	if b, _ := os.ReadFile(filepath.Join(r.Dir, ".proof", "config.yaml")); string(b) != "tests: [\"t/**\"]\n" {
		t.Errorf("second init overwrote .proof/config.yaml: %q", b)
	}

	// A remote added later gets its refspec on the next init; --json.
	r.Git("remote", "add", "fork", "https://example.com/c.git")
	res = r.must(0, "init", "--json")
	var out struct {
		Changes []struct{ What, Detail string } `json:"changes"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Changes) != 1 || out.Changes[0].Detail != "remote.fork.fetch += +refs/notes/proof:refs/notes/remotes/fork/proof" {
		t.Errorf("init --json = %+v", out)
	}
	res = r.must(0, "init", "--json")
	if strings.TrimSpace(res.stdout) != "{\n  \"changes\": []\n}" {
		t.Errorf("init --json with nothing to do = %q", res.stdout)
	}

	// Plain git log shows proofs once --display is set.
	r.Signing("alice@example.com")
	r.ShellBugFix()
	r.must(1, "run", "--test", "true") // REVIEW: nothing fixed
	contains(t, "git log", r.Git("log", "-1"), "Notes (proof):")
}

// TestInitBare: in a bare repository there is no worktree for .proof/.
func TestInitBare(t *testing.T) {
	t.Parallel()
	r := newProofRepo(t)
	bare := r.NewBare("server.git")
	res := r.proofIn(bare, "init")
	if res.code != 0 || strings.Contains(res.stdout, "file: .proof") || !strings.Contains(res.stdout, "cat_sort_uniq") {
		t.Errorf("init in a bare repo: %s", res)
	}
}

// TestManPage: `git proof --help` becomes `man git-proof`, so the binary
// prints its man page in section 1.
func TestManPage(t *testing.T) {
	t.Parallel()
	r := newProofRepo(t)
	res := r.must(0, "man")
	contains(t, "man page", res.stdout, ".TH git-proof 1", "verify")
	res = r.must(0, "-h")
	contains(t, "-h", res.stdout, "run", "show", "verify", "init")
}
