package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/git-proof/git-proof/internal/gittest"
	"github.com/git-proof/git-proof/proofpack"
)

// gateFixture is a bare "server" repository with the pre-receive hook
// installed, trusting the key of a client repository cloned from it.
type gateFixture struct {
	t       *testing.T
	client  *proofRepo
	server  string
	key     string
	allowed string
}

func newGateFixture(t *testing.T, protect ...string) *gateFixture {
	t.Helper()
	c := newProofRepo(t)
	key, allowed := c.Signing("alice@example.com")
	server := c.NewBare("server.git")
	args := []string{"hooks", "install", "--server"}
	for _, p := range protect {
		args = append(args, "--protect", p)
	}
	if res := c.proofIn(server, args...); res.code != 0 || !strings.Contains(res.stdout, "pre-receive") {
		t.Fatalf("hooks install --server: %s", res)
	}
	c.GitIn(server, "config", "proof.allowedSignersFile", allowed)
	c.Git("remote", "add", "origin", server)
	c.must(0, "init")
	// The scaffold init writes is not part of these tests' commits (a
	// change to .proof/ rightly needs a person's review).
	if err := os.RemoveAll(filepath.Join(c.Dir, ".proof")); err != nil {
		t.Fatal(err)
	}
	return &gateFixture{t: t, client: c, server: server, key: key, allowed: allowed}
}

// push runs git push in the client and returns its combined output and
// whether it succeeded.
func (g *gateFixture) push(args ...string) (string, bool) {
	g.t.Helper()
	out, err := g.client.TryGitIn(g.client.Dir, append([]string{"push"}, args...)...)
	return out, err == nil
}

func (g *gateFixture) mustRefuse(what string, args ...string) string {
	g.t.Helper()
	out, ok := g.push(args...)
	if ok {
		g.t.Fatalf("%s: push accepted; want it refused\n%s", what, out)
	}
	if !strings.Contains(out, "git-proof") {
		g.t.Fatalf("%s: refused, but not by git-proof:\n%s", what, out)
	}
	return out
}

func (g *gateFixture) mustAccept(what string, args ...string) string {
	g.t.Helper()
	out, ok := g.push(args...)
	if !ok {
		g.t.Fatalf("%s: push refused; want it accepted\n%s", what, out)
	}
	return out
}

// serverHas reports the server's value of ref, "" when absent.
func (g *gateFixture) serverHas(ref string) string {
	out, err := g.client.TryGitIn(g.server, "rev-parse", "--verify", "-q", ref)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(out)
}

// seed pushes a proven base commit so that main exists on the server.
func (g *gateFixture) seed() string {
	g.t.Helper()
	c := g.client
	c.Write(map[string]string{"calc.sh": gittest.CalcFixed, "test/add.sh": gittest.TestAdd})
	id := c.Commit("root")
	c.must(0, "run", "--test", gittest.ShellJSONCheck)
	c.must(0, "push")
	return id
}

// TestGateBasics: no proof → refused, with what to do; the proof in the
// same push → accepted.
func TestGateBasics(t *testing.T) {
	t.Parallel()
	g := newGateFixture(t)
	c := g.client
	c.ShellBugFix()
	out := g.mustRefuse("unproven commits", "origin", "main")
	for _, want := range []string{"refused refs/heads/main", "read: no proof note", "fix: git proof run", "remote:"} {
		if !strings.Contains(out, want) {
			t.Errorf("refusal lacks %q:\n%s", want, out)
		}
	}
	if g.serverHas("refs/heads/main") != "" {
		t.Fatal("the server took main")
	}
	// Prove both commits (the base is a root commit) and push with the
	// proofs, atomically.
	c.must(0, "run", "HEAD~1", "--test", gittest.ShellCheck)
	c.must(0, "run", "--test", gittest.ShellJSONCheck)
	res := c.must(0, "push")
	contains(t, "git proof push", res.stdout, "pushed [main] and refs/notes/proof to origin")
	if g.serverHas("refs/heads/main") != c.Git("rev-parse", "HEAD") || g.serverHas("refs/notes/proof") == "" {
		t.Fatal("the server lacks main or its proofs after git proof push")
	}
	// A plain push of the proofs alone, and an up-to-date push, pass.
	g.mustAccept("up to date", "origin", "main", "refs/notes/proof")
}

// TestGateListsNewCommitsStrictly: commits parked on hidden or
// unprotected refs are not trusted when a protected ref moves onto them.
func TestGateListsNewCommitsStrictly(t *testing.T) {
	t.Parallel()
	t.Run("hidden ref", func(t *testing.T) {
		t.Parallel()
		g := newGateFixture(t)
		g.seed()
		c := g.client
		c.Write(map[string]string{"docs.txt": "unproven\n"})
		parked := c.Commit("parked")
		// The server made a hidden ref for it (as a forge does for pull
		// requests), without pre-receive.
		c.GitIn(g.server, "config", "receive.hideRefs", "refs/hidden")
		c.GitIn(g.server, "fetch", "-q", c.Dir, parked+":refs/hidden/pr1")
		g.mustRefuse("fast-forward onto a hidden ref's commits", "origin", parked+":refs/heads/main")
		g.mustRefuse("new protected branch at a hidden ref's commit", "origin", parked+":refs/heads/release")
	})
	t.Run("unprotected branch", func(t *testing.T) {
		t.Parallel()
		g := newGateFixture(t, "refs/heads/main")
		g.seed()
		c := g.client
		c.Write(map[string]string{"docs.txt": "unproven\n"})
		c.Commit("unproven")
		g.mustAccept("unprotected branch takes anything", "origin", "HEAD:refs/heads/tmp")
		out := g.mustRefuse("protected branch fast-forwarded to the unprotected one", "origin", "HEAD:refs/heads/main")
		contains(t, "refusal", out, "refused refs/heads/main", "1 of 1 new commits")
		g.mustAccept("deleting the unprotected branch", "origin", ":refs/heads/tmp")
	})
	t.Run("tag on a proven commit; tag on an unproven one", func(t *testing.T) {
		t.Parallel()
		g := newGateFixture(t)
		root := g.seed()
		c := g.client
		c.Git("tag", "-a", "-m", "v1", "v1", root)
		g.mustAccept("annotated tag on a proven commit", "origin", "v1")
		c.Write(map[string]string{"docs.txt": "unproven\n"})
		c.Commit("unproven")
		c.Git("tag", "v2")
		g.mustRefuse("tag on an unproven commit", "origin", "v2")
	})
}

// TestGateBigPushAndStaleQuarantine: a push of ≥ 150 files arrives as a
// pack in the quarantine; a stale quarantine directory is ignored.
func TestGateBigPushAndStaleQuarantine(t *testing.T) {
	t.Parallel()
	g := newGateFixture(t)
	g.seed()
	c := g.client
	if err := os.MkdirAll(filepath.Join(g.server, "objects", "tmp_objdir-incoming-stale", "ab"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(g.server, "objects", "tmp_objdir-incoming-stale", "ab", "junk"), []byte("junk"), 0o644); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for i := 0; i < 160; i++ {
		files[fmt.Sprintf("data/f%03d.txt", i)] = fmt.Sprintf("file %d\n", i)
	}
	c.Write(files)
	c.Commit("160 files")
	g.mustRefuse("packed push without a proof", "origin", "main", "refs/notes/proof")
	c.must(1, "run", "--test", gittest.ShellCheck) // REVIEW: no fix
	out := g.mustRefuse("packed push with a REVIEW proof", "origin", "main", "refs/notes/proof")
	contains(t, "refusal", out, "policy: policy decided REVIEW", "git proof approve")
	// Lower the bar on the server: now the proof that arrived in the same
	// packed push is read and passes.
	c.GitIn(g.server, "config", "proof.refs/heads/main.require", "approval")
	c.GitIn(g.server, "config", "proof.policyDefault", "false")
	pol := filepath.Join(t.TempDir(), "policy")
	if err := os.MkdirAll(pol, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(pol, "open.rego"), []byte("package proof\n\ndecision := \"AUTO_OK\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c.GitIn(g.server, "config", "proof.policy", pol)
	g.mustAccept("packed push whose proof arrives with it", "origin", "main", "refs/notes/proof")
}

// TestGateNotesAreAppendOnly: the proofs ref cannot be deleted, rewound,
// or rewritten to drop a record.
func TestGateNotesAreAppendOnly(t *testing.T) {
	t.Parallel()
	g := newGateFixture(t)
	root := g.seed()
	c := g.client
	out := g.mustRefuse("delete", "origin", ":refs/notes/proof")
	contains(t, "refusal", out, "deleting refs/notes/proof is not allowed")
	// Rewind: a notes history that does not contain the server's.
	c.Git("update-ref", "-d", "refs/notes/proof")
	c.Write(map[string]string{"x.txt": "x\n"})
	c.Commit("x")
	c.must(1, "run", "--test", "true")
	out = g.mustRefuse("force-push of another notes history", "--force", "origin", "refs/notes/proof")
	contains(t, "refusal", out, "must fast-forward")
	// Fast-forward that drops the root's record: fetch the server's notes,
	// then remove the note on top of them.
	c.Git("fetch", "-q", "origin", "+refs/notes/proof:refs/notes/proof")
	c.Git("notes", "--ref=proof", "remove", root)
	out = g.mustRefuse("fast-forward removing a proof", "origin", "refs/notes/proof")
	contains(t, "refusal", out, "removes the proof note of "+root[:12])
	// Fast-forward that edits a record (keeps the object, changes the line).
	c.Git("fetch", "-q", "origin", "+refs/notes/proof:refs/notes/proof")
	note := c.Git("notes", "--ref=proof", "show", root)
	f := filepath.Join(t.TempDir(), "note")
	if err := os.WriteFile(f, []byte(strings.Replace(note, `{"payloadType"`, `{"payloadType" `, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	c.Git("notes", "--ref=proof", "add", "-f", "-F", f, root)
	out = g.mustRefuse("fast-forward changing a record", "origin", "refs/notes/proof")
	contains(t, "refusal", out, "removes or changes a record")
	// Appending a record is fine.
	c.Git("fetch", "-q", "origin", "+refs/notes/proof:refs/notes/proof")
	c.must(0, "run", root, "--test", gittest.ShellJSONCheck)
	g.mustAccept("a record added", "origin", "refs/notes/proof")
}

// TestGatePolicyIsTheServers: a policy pushed in .proof/policy has no
// effect on the server; the admin's proof.policy does.
func TestGatePolicyIsTheServers(t *testing.T) {
	t.Parallel()
	g := newGateFixture(t)
	g.seed()
	c := g.client
	// A pushed .proof/policy that would refuse everything if loaded.
	c.Write(map[string]string{".proof/policy/pushed.rego": "package proof\n\ndeny contains \"the pushed policy was loaded\" if true\n",
		"calc.sh": gittest.CalcFixed + "# comment\n"})
	c.Commit("a pushed policy")
	// The client loads it from its working tree: BLOCK.
	rec := c.runJSON(1, "--test", gittest.ShellCheck)
	if rec.Predicate.Decision != proofpack.Block || !strings.Contains(strings.Join(rec.Predicate.Policy.Reasons, ";"), "the pushed policy was loaded") {
		t.Fatalf("client-side decision %s %v; want BLOCK from the repository's own policy", rec.Predicate.Decision, rec.Predicate.Policy.Reasons)
	}
	// The server decides with its own policy only: REVIEW (nothing is
	// fixed), and not a word of the pushed rule.
	out := g.mustRefuse("proof decided by the server", "origin", "main", "refs/notes/proof")
	contains(t, "refusal", out, "policy: policy decided REVIEW", "no test is fixed")
	if strings.Contains(out, "the pushed policy was loaded") {
		t.Fatalf("the server loaded the pushed policy:\n%s", out)
	}
	// The admin's policy applies.
	pol := filepath.Join(t.TempDir(), "admin")
	if err := os.MkdirAll(pol, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(pol, "admin.rego"), []byte("package proof\n\ndeny contains \"the admin says no\" if true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c.GitIn(g.server, "config", "proof.policy", pol)
	c.Write(map[string]string{"docs.txt": "d\n"})
	c.Commit("docs")
	c.must(1, "run", "--test", gittest.ShellCheck)
	out = g.mustRefuse("admin policy", "origin", "main", "refs/notes/proof")
	contains(t, "refusal", out, "the admin says no")
}

// TestGateFailsClosed: a hook that cannot run its checks refuses.
func TestGateFailsClosed(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		break_ func(g *gateFixture)
		want   string
	}{
		{"no allowed signers on the server", func(g *gateFixture) {
			g.client.GitIn(g.server, "config", "--unset", "proof.allowedSignersFile")
		}, "no allowed signers file configured"},
		{"allowed signers file unreadable", func(g *gateFixture) {
			g.client.GitIn(g.server, "config", "proof.allowedSignersFile", "/nonexistent/allowed")
		}, "/nonexistent/allowed"},
		{"admin policy directory missing", func(g *gateFixture) {
			g.client.GitIn(g.server, "config", "proof.policy", "/nonexistent/policy")
		}, "proof.policy"},
		{"admin policy does not compile", func(g *gateFixture) {
			dir := filepath.Join(g.t.TempDir(), "bad")
			if err := os.MkdirAll(dir, 0o755); err != nil {
				g.t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "bad.rego"), []byte("package proof\n\ndeny contains x if http.send({})\n"), 0o644); err != nil {
				g.t.Fatal(err)
			}
			g.client.GitIn(g.server, "config", "proof.policy", dir)
		}, "policy"},
		{"bad gate config", func(g *gateFixture) {
			g.client.GitIn(g.server, "config", "proof.require", "sometimes")
		}, "proof.require"},
		{"git-proof gone from where the hook runs", func(g *gateFixture) {
			hook := filepath.Join(g.server, "hooks", "pre-receive")
			b, err := os.ReadFile(hook)
			if err != nil {
				g.t.Fatal(err)
			}
			s := strings.Replace(string(b), "gp='"+filepath.Join(binDir, "git-proof")+"'", "gp='/nonexistent/git-proof'", 1)
			if err := os.WriteFile(hook, []byte(s), 0o755); err != nil {
				g.t.Fatal(err)
			}
			// And not on PATH either.
			for i, kv := range g.client.Env {
				if strings.HasPrefix(kv, "PATH=") {
					g.client.Env[i] = "PATH=" + strings.Replace(strings.TrimPrefix(kv, "PATH="), binDir+string(os.PathListSeparator), "", 1)
				}
			}
		}, "git-proof is not installed where this hook runs"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := newGateFixture(t)
			c := g.client
			c.ShellBugFix()
			c.must(0, "run", "HEAD~1", "--test", gittest.ShellCheck)
			c.must(0, "run", "--test", gittest.ShellJSONCheck)
			tt.break_(g)
			out := g.mustRefuse(tt.name, "origin", "main", "refs/notes/proof")
			contains(t, "refusal", out, tt.want)
			if g.serverHas("refs/heads/main") != "" {
				t.Error("the server took main")
			}
		})
	}
}

// TestGateApprovals: a REVIEW passes with a trusted approver's sign-off
// where the ref's rule takes approvals, and not otherwise.
func TestGateApprovals(t *testing.T) {
	t.Parallel()
	g := newGateFixture(t)
	g.seed()
	c := g.client
	// bob may approve: his line names the approve namespace.
	dir := t.TempDir()
	bobKey, bobPub := gittest.SSHKey(t, dir, "bob")
	alice, err := os.ReadFile(g.allowed)
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(bobPub)
	both := string(alice) + fmt.Sprintf("bob@example.com namespaces=\"git-proof,git-proof-approve\" %s %s\n", f[0], f[1])
	if err := os.WriteFile(g.allowed, []byte(both), 0o644); err != nil {
		t.Fatal(err)
	}
	c.Write(map[string]string{"docs.txt": "needs a person\n"})
	change := c.Commit("docs")
	c.must(1, "run", "--test", gittest.ShellCheck) // REVIEW: nothing fixed
	out := g.mustRefuse("REVIEW without approval", "origin", "main", "refs/notes/proof")
	contains(t, "refusal", out, "a trusted reviewer runs: git proof approve "+change[:12])

	// alice cannot approve her own proof (and her key lacks the namespace).
	res := c.must(0, "approve", change, "--reason", "mine")
	contains(t, "approve", res.stdout, "approved "+change, "REVIEW")
	g.mustRefuse("self-approval", "origin", "main", "refs/notes/proof")

	// bob approves from his own clone of the proofs.
	c.Git("config", "proof.signingKey", bobKey)
	res = c.must(0, "approve", change, "--reason", "docs only, read them")
	c.Git("config", "proof.signingKey", g.key)
	res = c.must(0, "show", change)
	contains(t, "show", res.stdout, "proof:    verified")
	c.must(0, "push")

	// Where the ref requires AUTO_OK, approvals do not count.
	c.GitIn(g.server, "config", "proof.refs/heads/main.require", "AUTO_OK")
	c.Write(map[string]string{"docs.txt": "again\n"})
	next := c.Commit("docs 2")
	c.must(1, "run", "--test", gittest.ShellCheck)
	c.Git("config", "proof.signingKey", bobKey)
	c.must(0, "approve", next)
	c.Git("config", "proof.signingKey", g.key)
	g.mustRefuse("AUTO_OK rule", "origin", "main", "refs/notes/proof")
	// An approval cannot be made for a BLOCKed proof.
	c.Write(map[string]string{"calc.sh": "add() { echo 0; }\n"})
	c.Commit("break add")
	c.must(1, "run", "--test", gittest.ShellJSONCheck)
	res = c.must(1, "approve", "HEAD")
	contains(t, "approve of BLOCK", res.stderr, "cannot override")
}

// TestGateSquashMerge: a commit with no note of its own is accepted when
// another commit with the same tree transition is proven.
func TestGateSquashMerge(t *testing.T) {
	t.Parallel()
	g := newGateFixture(t)
	base := g.seed()
	c := g.client
	c.Git("checkout", "-q", "-b", "feature")
	c.Write(map[string]string{"calc.sh": gittest.CalcBuggy, "test/zero.sh": gittest.TestZero})
	c.Commit("feature work")
	c.must(1, "run", "--test", gittest.ShellJSONCheck)
	// bob-less: make it pass by a server policy that takes everything
	// proven; what matters here is the binding.
	c.Git("checkout", "-q", "main")
	tree := c.Git("rev-parse", "feature^{tree}")
	squash := c.Git("commit-tree", tree, "-p", base, "-m", "Squashed: feature work")
	if _, err := c.TryGitIn(c.Dir, "notes", "--ref=proof", "show", squash); err == nil {
		t.Fatal("the squash commit has a note of its own")
	}
	pol := filepath.Join(t.TempDir(), "open")
	if err := os.MkdirAll(pol, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(pol, "open.rego"), []byte("package proof\n\ndecision := \"AUTO_OK\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c.GitIn(g.server, "config", "proof.policyDefault", "false")
	c.GitIn(g.server, "config", "proof.policy", pol)
	g.mustAccept("squash of a proven commit", "origin", squash+":refs/heads/main", "refs/notes/proof")
	// verify says where the proof came from.
	c.Git("fetch", "-q", "origin")
	c.Git("reset", "-q", "--hard", squash)
	res := c.proof("show", squash)
	contains(t, "show", res.stdout, "proven as "+c.Git("rev-parse", "feature"))
	// A squash whose change differs is not proven.
	c.Write(map[string]string{"extra.txt": "x\n"})
	c.Git("add", "-A")
	other := c.Git("commit-tree", c.Git("write-tree"), "-p", squash, "-m", "not proven")
	g.mustRefuse("squash with other content", "origin", other+":refs/heads/main")
}

// TestGateConcurrentPushers: pushers racing with git proof push lose no
// proof: the loser merges the winner's proofs and pushes again.
func TestGateConcurrentPushers(t *testing.T) {
	t.Parallel()
	g := newGateFixture(t)
	g.seed()
	const n = 4
	clones := make([]*proofRepo, n)
	for i := range clones {
		dir := filepath.Join(t.TempDir(), fmt.Sprintf("clone%d", i))
		g.client.Git("clone", "-q", g.server, dir)
		r := &proofRepo{Repo: &gittest.Repo{T: t, Dir: dir, Env: g.client.Env}, tmp: g.client.tmp}
		r.Git("config", "proof.signingKey", g.key)
		r.Git("config", "proof.allowedSignersFile", g.allowed)
		r.must(0, "init")
		r.must(0, "fetch")
		r.Git("checkout", "-q", "-b", fmt.Sprintf("topic%d", i))
		r.Write(map[string]string{"calc.sh": gittest.CalcBuggy, "test/zero.sh": gittest.TestZero, fmt.Sprintf("n%d.txt", i): "x\n"})
		r.Commit("break")
		r.Write(map[string]string{"calc.sh": gittest.CalcFixed})
		r.Commit("fix")
		r.must(1, "run", "HEAD~1", "--test", gittest.ShellJSONCheck)
		r.must(0, "run", "--test", gittest.ShellJSONCheck)
		clones[i] = r
	}
	// The breaking commits need approval: let the server take REVIEW.
	g.client.GitIn(g.server, "config", "proof.policyDefault", "false")
	pol := filepath.Join(t.TempDir(), "open")
	if err := os.MkdirAll(pol, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(pol, "open.rego"), []byte("package proof\n\ndecision := \"AUTO_OK\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	g.client.GitIn(g.server, "config", "proof.policy", pol)
	var wg sync.WaitGroup
	results := make([]result, n)
	for i, r := range clones {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = r.proof("push", "origin", fmt.Sprintf("topic%d", i))
		}()
	}
	wg.Wait()
	for i, res := range results {
		if res.code != 0 {
			t.Errorf("push %d: %s", i, res)
		}
	}
	for i, r := range clones {
		for _, rev := range []string{"HEAD", "HEAD~1"} {
			id := r.Git("rev-parse", rev)
			if _, err := g.client.TryGitIn(g.server, "notes", "--ref=proof", "show", id); err != nil {
				t.Errorf("clone %d: the server lost the proof of %s", i, id)
			}
		}
	}
}

// TestGatePrePushAndSince: proof.since grandfathers history; the client's
// pre-push refuses before anything leaves; --no-verify leaves the server
// as the gate.
func TestGatePrePushAndSince(t *testing.T) {
	t.Parallel()
	g := newGateFixture(t, "refs/heads/main")
	c := g.client
	// History from before git-proof, on an unprotected branch.
	c.Write(map[string]string{"calc.sh": gittest.CalcBuggy, "test/zero.sh": gittest.TestZero})
	c.Commit("old history 1")
	c.Write(map[string]string{"old.txt": "old\n"})
	old := c.Commit("old history 2")
	g.mustAccept("unprotected import", "origin", "HEAD:refs/heads/import")
	out := g.mustRefuse("main made of unproven history", "origin", "main")
	contains(t, "refusal", out, "2 of 2 new commits")
	c.GitIn(g.server, "config", "proof.since", old)
	g.mustAccept("main made of grandfathered history", "origin", "main")

	// The client's own gate.
	res := c.must(0, "hooks", "install", "--protect", "refs/heads/main")
	contains(t, "hooks install", res.stdout, "pre-push", "proof.protect += refs/heads/main")
	res = c.must(0, "hooks", "install")
	contains(t, "second install", res.stdout, "already installed")
	c.Write(map[string]string{"docs.txt": "new\n"})
	c.Commit("new, unproven")
	out = g.mustRefuse("pre-push", "origin", "main")
	if strings.Contains(out, "remote:") {
		t.Errorf("the push reached the server:\n%s", out)
	}
	contains(t, "pre-push refusal", out, "1 of 1 commits to push", "--no-verify")
	out = g.mustRefuse("--no-verify: the server refuses", "--no-verify", "origin", "main")
	contains(t, "server refusal", out, "remote: git-proof: refused refs/heads/main")

	// A proven fix goes through both gates.
	c.Git("reset", "-q", "--hard", "HEAD~1")
	c.Write(map[string]string{"calc.sh": gittest.CalcFixed, "test/add.sh": gittest.TestAdd})
	c.Commit("fix add")
	c.must(0, "run", "--test", gittest.ShellJSONCheck)
	res = c.must(0, "push")
	contains(t, "push", res.stdout, "pushed [main]")
}
