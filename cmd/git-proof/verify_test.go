package main

import (
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-proof/git-proof/internal/gittest"
	"github.com/git-proof/git-proof/proofpack"
)

// verifyOut is the part of `git proof verify --json` the tests read.
type verifyOut struct {
	MediaType string `json:"mediaType"`
	OK        bool   `json:"ok"`
	Commits   []struct {
		Commit     string `json:"commit"`
		OK         bool   `json:"ok"`
		FailedStep string `json:"failedStep"`
		Error      string `json:"error"`
		Records    []struct {
			OK       bool   `json:"ok"`
			ProvenAs string `json:"provenAs"`
			Signer   struct {
				Principal string `json:"principal"`
				Trusted   bool   `json:"trusted"`
			} `json:"signer"`
		} `json:"records"`
	} `json:"commits"`
}

func (r *proofRepo) verifyJSON(code int, args ...string) *verifyOut {
	r.T.Helper()
	res := r.must(code, append([]string{"verify", "--json"}, args...)...)
	var out verifyOut
	if err := json.Unmarshal([]byte(res.stdout), &out); err != nil {
		r.T.Fatalf("verify --json: %v\n%s", err, res)
	}
	return &out
}

// addNote replaces commit's proof note with content.
func (r *proofRepo) addNote(commit, content string) {
	r.T.Helper()
	f := filepath.Join(r.T.TempDir(), "note")
	if err := os.WriteFile(f, []byte(content), 0o644); err != nil {
		r.T.Fatal(err)
	}
	r.Git("notes", "--ref=proof", "add", "-f", "-F", f, commit)
}

// TestVerifyRefusesTampering: a proof cannot be moved to another commit,
// edited, or forged without verify saying so, and naming the step.
func TestVerifyRefusesTampering(t *testing.T) {
	t.Parallel()
	// One proven fix, shared by the cases (each works on its own clone).
	src := newProofRepo(t)
	src.Signing("alice@example.com")
	src.ShellBugFix()
	src.must(0, "run", "--test", gittest.ShellJSONCheck)
	goodNote := src.Git("notes", "--ref=proof", "show", "HEAD")
	key := src.Git("config", "proof.signingKey")
	allowed := src.Git("config", "proof.allowedSignersFile")

	tests := []struct {
		name   string
		tamper func(r *proofRepo) // runs on a clone holding the fix and its note
		step   string             // the step verify must name
		errSub string             // part of the error
	}{
		{
			name:   "no note",
			tamper: func(r *proofRepo) { r.Git("notes", "--ref=proof", "remove", "HEAD") },
			step:   "read", errSub: "no proof note",
		},
		{
			name:   "garbage note",
			tamper: func(r *proofRepo) { r.addNote("HEAD", "hello\nworld\n") },
			step:   "read", errSub: "no proof record",
		},
		{
			name:   "binary note",
			tamper: func(r *proofRepo) { r.addNote("HEAD", "\x00\x01\xff{\x7f") },
			step:   "read", errSub: "no proof record",
		},
		{
			name:   "truncated envelope",
			tamper: func(r *proofRepo) { r.addNote("HEAD", goodNote[:len(goodNote)-40]) },
			step:   "parse", errSub: "malformed envelope",
		},
		{
			name:   "oversized note",
			tamper: func(r *proofRepo) { r.addNote("HEAD", goodNote+"\n"+strings.Repeat("x", 1<<20)) },
			step:   "read", errSub: "over the 1048576 byte limit",
		},
		{
			name: "edited payload",
			tamper: func(r *proofRepo) {
				r.addNote("HEAD", editPayload(t, goodNote, `"decision":"AUTO_OK"`, `"decision":"AUTO_OK","x":1`))
			},
			step: "signature", errSub: "bad signature",
		},
		{
			name: "wrong payload type",
			tamper: func(r *proofRepo) {
				r.addNote("HEAD", strings.Replace(goodNote, "application/vnd.in-toto+json", "application/json", 1))
			},
			step: "parse", errSub: "payloadType",
		},
		{
			name: "two signatures",
			tamper: func(r *proofRepo) {
				i := strings.Index(goodNote, `"signatures":[`) + len(`"signatures":[`)
				j := strings.LastIndex(goodNote, "]}")
				sig := goodNote[i:j]
				r.addNote("HEAD", goodNote[:i]+sig+","+sig+goodNote[j:])
			},
			step: "parse", errSub: "exactly one signature",
		},
		{
			name:   "signer not trusted",
			tamper: func(r *proofRepo) { r.Git("config", "proof.allowedSignersFile", otherAllowedSigners(t)) },
			step:   "signer", errSub: "not trusted",
		},
		{
			name: "note copied to a commit with another change",
			tamper: func(r *proofRepo) {
				r.Write(map[string]string{"docs.txt": "more\n"})
				r.Commit("docs")
				r.Git("notes", "--ref=proof", "copy", "HEAD~1", "HEAD")
			},
			step: "binding", errSub: "stale: proof is for",
		},
		{
			name: "note copied to the parent",
			tamper: func(r *proofRepo) {
				r.Git("notes", "--ref=proof", "copy", "HEAD", "HEAD~1")
				r.Git("reset", "-q", "--hard", "HEAD~1")
			},
			step: "binding", errSub: "stale",
		},
		{
			name: "amend that changes the code keeps a stale copy",
			tamper: func(r *proofRepo) {
				r.Git("config", "notes.rewriteRef", "refs/notes/proof")
				r.Write(map[string]string{"calc.sh": "add() { echo $(( $1 + $2 )); }\n"})
				r.Git("commit", "-q", "-a", "--amend", "--no-edit")
			},
			step: "binding", errSub: "whose change differs",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := cloneWithNotes(t, src, key, allowed)
			tt.tamper(r)
			out := r.verifyJSON(1)
			if len(out.Commits) != 1 {
				t.Fatalf("verify: %d commits; want 1", len(out.Commits))
			}
			c := out.Commits[0]
			if c.OK || out.OK || c.FailedStep != tt.step || !strings.Contains(c.Error, tt.errSub) {
				t.Errorf("verify after %s: ok=%v step=%q error=%q; want step %q with %q", tt.name, c.OK, c.FailedStep, c.Error, tt.step, tt.errSub)
			}
			// show never presents the contents of a record it cannot trust.
			show := r.proof("show")
			if show.code != 1 {
				t.Errorf("show: %s", show)
			}
			if tt.step == "signature" || tt.step == "signer" {
				contains(t, "show", show.stdout, "contents: not shown")
				if strings.Contains(show.stdout, "check test") {
					t.Errorf("show printed an untrusted record's checks:\n%s", show.stdout)
				}
			}
			r.noStrayWorktrees()
		})
	}
}

// TestVerifyRewordKeepsProof: a reworded amend (or a forge's squash that
// yields the same transition) keeps its proof, shown as "proven as".
func TestVerifyRewordKeepsProof(t *testing.T) {
	t.Parallel()
	r := newProofRepo(t)
	r.Signing("alice@example.com")
	_, fix := r.ShellBugFix()
	r.must(0, "run", "--test", gittest.ShellJSONCheck)
	r.Git("config", "notes.rewriteRef", "refs/notes/proof")
	r.Git("commit", "-q", "--amend", "-m", "calc: fix add (reworded)")
	amended := r.Git("rev-parse", "HEAD")
	if amended == fix {
		t.Fatal("amend did not make a new commit")
	}
	out := r.verifyJSON(0)
	if !out.OK || out.Commits[0].Records[0].ProvenAs != fix {
		t.Fatalf("verify after reword: %+v; want ok, proven as %s", out, fix)
	}
	res := r.must(0, "show")
	contains(t, "show", res.stdout, "proven as "+fix)
	res = r.must(0, "verify")
	contains(t, "verify", res.stdout, "(proven as "+fix[:12]+")")
}

// TestVerifyRangesAndOutput covers ranges, several arguments, the text and
// JSON forms, and exit codes.
func TestVerifyRangesAndOutput(t *testing.T) {
	t.Parallel()
	r := newProofRepo(t)
	r.Signing("alice@example.com")
	base, fix := r.ShellBugFix()
	r.must(0, "run", "--test", gittest.ShellJSONCheck)
	r.Write(map[string]string{"docs.txt": "unproven\n"})
	unproven := r.Commit("docs")

	out := r.verifyJSON(0, base+".."+fix)
	if len(out.Commits) != 1 || out.Commits[0].Commit != fix || out.MediaType != "application/vnd.git-proof.verify+json;version=0.1" {
		t.Errorf("verify base..fix = %+v", out)
	}
	if p := out.Commits[0].Records[0].Signer; p.Principal != "alice@example.com" || !p.Trusted {
		t.Errorf("signer = %+v; want trusted alice@example.com", p)
	}
	out = r.verifyJSON(1, base+"..HEAD")
	if len(out.Commits) != 2 || out.Commits[0].Commit != unproven || out.Commits[0].OK || !out.Commits[1].OK {
		t.Errorf("verify base..HEAD = %+v; want the unproven commit failing and the fix passing", out)
	}
	res := r.must(1, "verify", fix, "HEAD")
	contains(t, "verify text", res.stdout,
		"ok    "+fix[:12]+"  AUTO_OK  signed by alice@example.com",
		"FAIL  "+unproven[:12]+"  read: no proof note: run `git proof run "+unproven[:12]+"`",
		"2 commits: 1 verified, 1 failed")

	// Usage and environment errors are exit 2.
	for _, args := range [][]string{{"verify", "nope"}, {"verify", "HEAD..HEAD"}, {"show", "a", "b"}} {
		if res := r.proof(args...); res.code != 2 {
			t.Errorf("git proof %v: %s; want exit 2", args, res)
		}
	}
	r.Git("config", "--unset", "proof.allowedSignersFile")
	res = r.must(2, "verify", fix)
	contains(t, "verify without trust", res.stderr, "no allowed signers file configured", "proof.allowedSignersFile")
	// gpg.ssh.allowedSignersFile, git's own setting, is the fallback.
	r.Git("config", "gpg.ssh.allowedSignersFile", r.Git("config", "proof.signingKey")+".allowed")
	if err := os.WriteFile(r.Git("config", "proof.signingKey")+".allowed", []byte(allowedLine(t, r)), 0o644); err != nil {
		t.Fatal(err)
	}
	r.must(0, "verify", fix)
}

// TestShowOutput: what `show` says about a good proof.
func TestShowOutput(t *testing.T) {
	t.Parallel()
	r := newProofRepo(t)
	r.Signing("alice@example.com")
	base, fix := r.ShellBugFix()
	r.must(0, "run", "--test", gittest.ShellJSONCheck)
	res := r.must(0, "show")
	contains(t, "show", res.stdout,
		"commit "+fix,
		"proof:    verified, your policy decides AUTO_OK",
		"trusted as alice@example.com",
		"change:   "+base[:12]+" → "+fix[:12],
		"diff:     2 files, +3 -1",
		"recorded: ", "by Alice Example <alice@example.com> with git-proof",
		"decision: AUTO_OK by your policy; AUTO_OK when recorded",
		"check test (test, go-test-json)",
		"head  pass", "base  pass", "repro fail",
		"fixed     1: shell.Test_add",
		"added     1: shell.Test_add")
	res = r.must(0, "show", "--json")
	var out struct {
		MediaType    string `json:"mediaType"`
		Verification struct {
			OK bool `json:"ok"`
		} `json:"verification"`
		Predicate *proofpack.Predicate `json:"predicate"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &out); err != nil {
		t.Fatal(err)
	}
	if !out.Verification.OK || out.Predicate == nil || out.Predicate.Commit != fix || out.Predicate.Checks[0].Fixed[0] != "shell.Test_add" {
		t.Errorf("show --json = %s", res.stdout)
	}
	// A test name that holds a terminal escape is shown escaped, never raw.
	r.Write(map[string]string{"docs.txt": "x\n"})
	r.Commit("docs")
	r.must(1, "run", "--test", `if [ -e docs.txt ]; then printf '{"Action":"fail","Package":"p","Test":"%s"}\n' 'Test\u001b[2Jevil'; exit 1; `+
		`else printf '{"Action":"pass","Package":"p","Test":"TestOther"}\n'; fi`)
	res = r.must(1, "show")
	contains(t, "show", res.stdout, `added     1: p.Test\u001b[2Jevil`, `failing at head 1: p.Test\u001b[2Jevil`)
	if strings.ContainsRune(res.stdout, 0x1b) {
		t.Errorf("show printed a raw escape character:\n%q", res.stdout)
	}
}

// TestNoteVerifiesWithSSHKeygen: stock `ssh-keygen -Y verify -n git-proof`
// accepts the signature of a record that `git proof run` wrote, over the
// DSSE PAE bytes.
func TestNoteVerifiesWithSSHKeygen(t *testing.T) {
	t.Parallel()
	r := newProofRepo(t)
	_, allowed := r.Signing("alice@example.com")
	r.ShellBugFix()
	r.must(0, "run", "--test", gittest.ShellJSONCheck)
	recs, err := proofpack.ParseNote([]byte(r.Git("notes", "--ref=proof", "show", "HEAD")))
	if err != nil || len(recs) != 1 || recs[0].Err != nil {
		t.Fatalf("ParseNote: %v %v", recs, err)
	}
	env := recs[0].Envelope
	dir := t.TempDir()
	data := filepath.Join(dir, "pae")
	sig := filepath.Join(dir, "pae.sig")
	if err := os.WriteFile(data, env.PAE(), 0o644); err != nil {
		t.Fatal(err)
	}
	armored := pem.EncodeToMemory(&pem.Block{Type: "SSH SIGNATURE", Bytes: env.Signature})
	if err := os.WriteFile(sig, armored, 0o644); err != nil {
		t.Fatal(err)
	}
	verify := func(ns string, in string) error {
		cmd := exec.Command("ssh-keygen", "-Y", "verify", "-n", ns, "-f", allowed, "-I", "alice@example.com", "-s", sig)
		f, err := os.Open(in)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		cmd.Stdin = f
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Logf("ssh-keygen -n %s: %s", ns, out)
		}
		return err
	}
	if err := verify("git-proof", data); err != nil {
		t.Fatalf("ssh-keygen -Y verify -n git-proof refused our record: %v", err)
	}
	// And it is bound: other bytes, or another namespace, fail.
	if err := verify("git", data); err == nil {
		t.Error("ssh-keygen accepted the record's signature in namespace git")
	}
	other := filepath.Join(dir, "payload-only")
	if err := os.WriteFile(other, env.Payload, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := verify("git-proof", other); err == nil {
		t.Error("ssh-keygen accepted the signature over the bare payload (not PAE)")
	}
}

// cloneWithNotes clones src with its proof notes and the same trust.
func cloneWithNotes(t *testing.T, src *proofRepo, key, allowed string) *proofRepo {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "clone")
	src.Git("clone", "-q", src.Dir, dir)
	r := newProofRepo(t)
	r.Dir = dir
	r.Git("fetch", "-q", "origin", "refs/notes/proof:refs/notes/proof")
	r.Git("config", "proof.signingKey", key)
	r.Git("config", "proof.allowedSignersFile", allowed)
	return r
}

// editPayload changes the signed statement inside a note, keeping the
// signature, as a forger would.
func editPayload(t *testing.T, note, old, new string) string {
	t.Helper()
	lines := strings.Split(note, "\n")
	var env map[string]any
	if err := json.Unmarshal([]byte(lines[1]), &env); err != nil {
		t.Fatal(err)
	}
	payload, err := base64.StdEncoding.DecodeString(env["payload"].(string))
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(payload), old, new, 1)
	if edited == string(payload) {
		t.Fatalf("payload does not contain %q", old)
	}
	env["payload"] = base64.StdEncoding.EncodeToString([]byte(edited))
	b, err := json.Marshal(env)
	if err != nil {
		t.Fatal(err)
	}
	return lines[0] + "\n" + string(b) + "\n"
}

// otherAllowedSigners trusts some other key only.
func otherAllowedSigners(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	_, pub := gittest.SSHKey(t, dir, "other")
	return gittest.AllowedSigners(t, dir, "mallory@example.com", pub)
}

// allowedLine is the allowed_signers line for r's signing key.
func allowedLine(t *testing.T, r *proofRepo) string {
	t.Helper()
	pub, err := os.ReadFile(r.Git("config", "proof.signingKey") + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(pub))
	return "alice@example.com " + f[0] + " " + f[1] + "\n"
}
