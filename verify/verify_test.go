package verify_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-proof/git-proof/gitx"
	"github.com/git-proof/git-proof/internal/gittest"
	"github.com/git-proof/git-proof/notes"
	"github.com/git-proof/git-proof/policy"
	"github.com/git-proof/git-proof/proofpack"
	"github.com/git-proof/git-proof/run"
	"github.com/git-proof/git-proof/sign"
	"github.com/git-proof/git-proof/verify"
	intoto "github.com/in-toto/attestation/go/v1"
	"github.com/secure-systems-lab/go-securesystemslib/dsse"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/structpb"
)

// fixture is a repository with a proven bug fix and the means to forge
// records for it: the genuine predicate and the trusted signing key.
type fixture struct {
	t       *testing.T
	r       *gittest.Repo
	repo    *gitx.Repo
	signer  *sign.SSHSigner
	key     string
	allowed string
	fix     *gitx.Commit
	genuine *proofpack.Predicate
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	r := gittest.New(t)
	key, allowed := r.Signing("alice@example.com")
	r.ShellBugFix()
	repo := r.Open()
	s, err := sign.NewSSHSigner(ctx, sign.SSHSignerOptions{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	eng, err := policy.New(ctx, policy.Default())
	if err != nil {
		t.Fatal(err)
	}
	res, err := run.Run(ctx, repo, run.Request{
		Tests: []string{gittest.ShellJSONCheck}, Signer: s, Policy: eng,
		Tool: proofpack.Tool{Name: "git-proof", Version: "test"}, Env: r.Env,
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Decision != proofpack.AutoOK {
		t.Fatalf("fixture decision %s; want AUTO_OK", res.Decision)
	}
	fix, err := repo.CommitInfo(ctx, "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, r: r, repo: repo, signer: s, key: key, allowed: allowed, fix: fix, genuine: res.Predicate}
}

// forge returns a copy of the genuine predicate changed by mutate.
func (f *fixture) forge(mutate func(p *proofpack.Predicate)) *proofpack.Predicate {
	b, err := json.Marshal(f.genuine)
	if err != nil {
		f.t.Fatal(err)
	}
	var p proofpack.Predicate
	if err := json.Unmarshal(b, &p); err != nil {
		f.t.Fatal(err)
	}
	mutate(&p)
	return &p
}

// record signs p with signer (nil: unsigned) and replaces the commit's note
// with the record.
func (f *fixture) record(p *proofpack.Predicate, signer proofpack.Signer) {
	f.t.Helper()
	payload, err := proofpack.NewStatementPayload(p)
	if err != nil {
		f.t.Fatal(err)
	}
	env, err := proofpack.SignPayload(context.Background(), payload, signer)
	if err != nil {
		f.t.Fatal(err)
	}
	rec, err := proofpack.EncodeRecord(p, env)
	if err != nil {
		f.t.Fatal(err)
	}
	f.setNote(string(rec))
}

func (f *fixture) setNote(content string) {
	f.t.Helper()
	file := filepath.Join(f.t.TempDir(), "note")
	if err := os.WriteFile(file, []byte(content), 0o644); err != nil {
		f.t.Fatal(err)
	}
	f.r.Git("notes", "--ref=proof", "add", "-f", "-F", file, f.fix.ID)
}

func (f *fixture) verify(opts verify.Options) *verify.CommitResult {
	f.t.Helper()
	if opts.Policy == nil {
		eng, err := policy.New(context.Background(), policy.Default())
		if err != nil {
			f.t.Fatal(err)
		}
		opts.Policy = eng
	}
	if opts.AllowedSigners == nil {
		a, err := sign.LoadAllowedSigners(f.allowed)
		if err != nil {
			f.t.Fatal(err)
		}
		opts.AllowedSigners = a
	}
	v, err := verify.New(f.repo, opts)
	if err != nil {
		f.t.Fatal(err)
	}
	res, tm, err := v.Verify(context.Background(), []*gitx.Commit{f.fix})
	if err != nil {
		f.t.Fatal(err)
	}
	if tm.Commits != 1 || tm.Total <= 0 {
		f.t.Errorf("timings = %+v", tm)
	}
	return res[0]
}

// TestVerifySteps forges records signed by the trusted key itself: only the
// binding, the recomputed digest and the verifier's policy stand in the way.
func TestVerifySteps(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	zero := strings.Repeat("0", 64)
	other := f.r.Git("rev-parse", "HEAD~1^{tree}")
	tests := []struct {
		name   string
		mutate func(p *proofpack.Predicate)
		signer func() proofpack.Signer
		step   verify.Step
		errSub string
	}{
		{name: "genuine", mutate: func(*proofpack.Predicate) {}},
		{name: "diff digest made up", mutate: func(p *proofpack.Predicate) { p.Diff.SHA256 = zero }, step: verify.StepDiff, errSub: "does not match the trees'"},
		{name: "another head tree", mutate: func(p *proofpack.Predicate) { p.Tree = other }, step: verify.StepBinding, errSub: "is not the commit's"},
		{name: "another base tree", mutate: func(p *proofpack.Predicate) { p.Base.Tree = p.Tree }, step: verify.StepBinding, errSub: "is not the commit's"},
		{name: "claims another commit with another change", mutate: func(p *proofpack.Predicate) {
			p.Commit = strings.Repeat("a", 40)
			p.Tree = other
		}, step: verify.StepBinding, errSub: "stale: proof is for aaaaaaaaaaaa"},
		{name: "same transition, other commit id: proven as", mutate: func(p *proofpack.Predicate) { p.Commit = strings.Repeat("b", 40) }},
		{name: "recorded BLOCK, verifier's policy decides anew", mutate: func(p *proofpack.Predicate) {
			p.Decision, p.Policy.Decision = proofpack.Block, proofpack.Block
		}},
		{name: "regressed test", mutate: func(p *proofpack.Predicate) {
			p.Checks[0].Regressed = []string{"shell.Test_zero"}
			p.Checks[0].Counts.Regressed = 1
		}, step: verify.StepPolicy, errSub: "policy decided BLOCK"},
		{name: "createdAt not a time", mutate: func(p *proofpack.Predicate) { p.CreatedAt = "yesterday" }, step: verify.StepParse, errSub: "RFC 3339"},
		{name: "unsigned", mutate: func(*proofpack.Predicate) {}, signer: func() proofpack.Signer { return nil }, step: verify.StepSignature, errSub: "unsigned"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Sequential: the cases share the fixture's note.
			var s proofpack.Signer = f.signer
			if tt.signer != nil {
				s = tt.signer()
			}
			p := f.forge(tt.mutate)
			f.record(p, s)
			c := f.verify(verify.Options{})
			if c.FailedStep != tt.step || c.OK != (tt.step == "") || !strings.Contains(c.Error, tt.errSub) {
				t.Fatalf("Verify: ok=%v step=%q error=%q; want step %q with %q", c.OK, c.FailedStep, c.Error, tt.step, tt.errSub)
			}
			if c.OK && p.Commit != f.fix.ID && c.BestRecord().ProvenAs != p.Commit {
				t.Errorf("ProvenAs = %q; want %s", c.BestRecord().ProvenAs, p.Commit)
			}
		})
	}
}

// TestVerifyTrustWindow: allowed_signers valid-after/valid-before and
// namespaces= decide with the record's signing time.
func TestVerifyTrustWindow(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	pub, err := os.ReadFile(f.key + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	k := strings.Fields(string(pub))
	tests := []struct {
		name, options string
		ok            bool
		errSub        string
	}{
		{"no options", "", true, ""},
		{"namespace listed", `namespaces="git,git-proof"`, true, ""},
		{"other namespace only", `namespaces="git"`, false, "namespace not allowed"},
		{"valid from before", `valid-after="20200101"`, true, ""},
		{"not yet valid", `valid-after="20991231"`, false, "not yet valid"},
		{"expired", `valid-before="20200101"`, false, "expired"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			line := "alice@example.com " + tt.options + " " + k[0] + " " + k[1] + "\n"
			a, err := sign.ParseAllowedSigners(strings.NewReader(line))
			if err != nil {
				t.Fatal(err)
			}
			c := f.verify(verify.Options{AllowedSigners: a})
			if c.OK != tt.ok || (!tt.ok && (c.FailedStep != verify.StepSigner || !strings.Contains(c.Error, tt.errSub))) {
				t.Errorf("Verify with %q: ok=%v step=%q error=%q; want ok=%v, %q", tt.options, c.OK, c.FailedStep, c.Error, tt.ok, tt.errSub)
			}
		})
	}
}

// TestVerifyForeignSignatures: a signature over the record by the trusted
// key in another namespace, or over other bytes, is not a proof signature.
func TestVerifyForeignSignatures(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	payload, err := proofpack.NewStatementPayload(f.genuine)
	if err != nil {
		t.Fatal(err)
	}
	pae := dsse.PAE(proofpack.PayloadType, payload)
	tests := []struct {
		name      string
		namespace string
		data      []byte
	}{
		{"git namespace (a commit signature)", "git", pae},
		{"file namespace", "file", pae},
		{"over the bare payload, not PAE", sign.Namespace, payload},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sig := sshKeygenSign(t, f.key, tt.namespace, tt.data)
			env := dsse.Envelope{PayloadType: proofpack.PayloadType, Payload: base64.StdEncoding.EncodeToString(payload),
				Signatures: []dsse.Signature{{KeyID: "x", Sig: base64.StdEncoding.EncodeToString(sig)}}}
			rec, err := proofpack.EncodeRecord(f.genuine, &env)
			if err != nil {
				t.Fatal(err)
			}
			f.setNote(string(rec))
			c := f.verify(verify.Options{})
			if c.OK || c.FailedStep != verify.StepSignature {
				t.Errorf("Verify: ok=%v step=%q error=%q; want a signature failure", c.OK, c.FailedStep, c.Error)
			}
		})
	}
}

// TestVerifyPicksThePassingRecord: a note with a bad and a good record
// passes on the good one; the verifier's policy, not the recorded one,
// decides; the notes can be read at a given notes commit.
func TestVerifyPicksThePassingRecord(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	good := f.r.Git("notes", "--ref=proof", "show", f.fix.ID)
	goodTip := f.r.Git("rev-parse", notes.Ref)
	bad := f.forge(func(p *proofpack.Predicate) { p.Diff.SHA256 = strings.Repeat("1", 64) })
	f.record(bad, f.signer)
	badOnly := f.r.Git("notes", "--ref=proof", "show", f.fix.ID)
	f.setNote(badOnly + "\n" + good + "\n")

	c := f.verify(verify.Options{})
	if !c.OK || len(c.Records) != 2 || c.Best != 1 || c.Records[0].FailedStep != verify.StepDiff {
		t.Fatalf("Verify: ok=%v best=%d records=%+v; want the second record to pass", c.OK, c.Best, c.Records)
	}

	strict, err := policy.New(context.Background(), []policy.Module{{Name: "strict.rego", Source: "package proof\n\ndecision := \"REVIEW\"\n\nreview contains \"every change needs a person\"\n"}})
	if err != nil {
		t.Fatal(err)
	}
	c = f.verify(verify.Options{Policy: strict})
	if c.OK || c.FailedStep != verify.StepPolicy || !strings.Contains(strings.Join(c.BestRecord().Policy.Review, ""), "every change needs a person") {
		t.Errorf("Verify with a strict policy: ok=%v step=%q; want the verifier's policy to decide", c.OK, c.FailedStep)
	}

	// At the notes commit that held only the genuine record.
	c = f.verify(verify.Options{NotesTip: goodTip})
	if !c.OK || len(c.Records) != 1 {
		t.Errorf("Verify at notes commit %s: ok=%v, %d records; want ok with 1", goodTip, c.OK, len(c.Records))
	}
}

// TestVerifyWithoutTrust: no allowed signers means no one is trusted, and
// verify says how to fix it.
func TestVerifyWithoutTrust(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	eng, err := policy.New(context.Background(), policy.Default())
	if err != nil {
		t.Fatal(err)
	}
	v, err := verify.New(f.repo, verify.Options{Policy: eng})
	if err != nil {
		t.Fatal(err)
	}
	res, _, err := v.Verify(context.Background(), []*gitx.Commit{f.fix})
	if err != nil {
		t.Fatal(err)
	}
	if c := res[0]; c.OK || c.FailedStep != verify.StepSigner || !strings.Contains(c.Error, "proof.allowedSignersFile") {
		t.Errorf("Verify without trust: ok=%v step=%q error=%q", c.OK, c.FailedStep, c.Error)
	}
	if _, err := verify.New(f.repo, verify.Options{}); err == nil {
		t.Error("verify.New without a policy: no error")
	}
}

func sshKeygenSign(t *testing.T, key, namespace string, data []byte) []byte {
	t.Helper()
	cmd := exec.Command("ssh-keygen", "-Y", "sign", "-n", namespace, "-f", key)
	cmd.Stdin = strings.NewReader(string(data))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ssh-keygen -Y sign: %v", err)
	}
	block, _ := pem.Decode(out)
	if block == nil {
		t.Fatalf("ssh-keygen printed no signature: %s", out)
	}
	return block.Bytes
}

// TestVerifyOlderRecords: a record made before fields were added to the
// predicate (here: checks without skipped and flaky, no risk) still
// verifies, and the policy sees empty lists, not nulls.
func TestVerifyOlderRecords(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	raw, err := json.Marshal(f.genuine)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "risk")
	for _, c := range m["checks"].([]any) {
		delete(c.(map[string]any), "skipped")
		delete(c.(map[string]any), "flaky")
	}
	pred, err := structpb.NewStruct(m)
	if err != nil {
		t.Fatal(err)
	}
	st := &intoto.Statement{Type: intoto.StatementTypeUri, PredicateType: proofpack.PredicateType, Predicate: pred,
		Subject: []*intoto.ResourceDescriptor{
			{Name: "commit", Digest: map[string]string{"gitCommit": f.fix.ID}},
			{Name: "tree", Digest: map[string]string{"gitTree": f.fix.Tree}},
		}}
	payload, err := protojson.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	env, err := proofpack.SignPayload(context.Background(), payload, f.signer)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := proofpack.EncodeRecord(f.genuine, env)
	if err != nil {
		t.Fatal(err)
	}
	f.setNote(string(rec))
	if c := f.verify(verify.Options{}); !c.OK {
		t.Fatalf("an older record: step %s: %s", c.FailedStep, c.Error)
	}
}
