package verify

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/git-proof/git-proof/gitx"
	"github.com/git-proof/git-proof/notes"
	"github.com/git-proof/git-proof/policy"
	"github.com/git-proof/git-proof/proofpack"
	"github.com/git-proof/git-proof/sign"
	"golang.org/x/crypto/ssh"
)

// Step names a verification step; a failing record reports the first step
// it failed.
type Step string

// The steps, in order.
const (
	StepRead      Step = "read"      // a note exists and can be read
	StepParse     Step = "parse"     // the record is a well-formed proofpack envelope
	StepSignature Step = "signature" // the SSH signature over the PAE bytes is valid
	StepSigner    Step = "signer"    // the signing key is trusted for git-proof at createdAt
	StepBinding   Step = "binding"   // the record's tree transition is the commit's
	StepDiff      Step = "diff"      // the diff digest recomputed from the trees matches
	StepPolicy    Step = "policy"    // the verifier's policy decides AUTO_OK
)

// ResultMediaType versions the JSON form of results.
const ResultMediaType = "application/vnd.git-proof.verification+json;version=0.1"

// Signer is what verification established about a record's signer.
type Signer struct {
	KeyID     string `json:"keyid,omitempty"`
	KeyType   string `json:"keyType,omitempty"`
	Principal string `json:"principal,omitempty"`
	Verified  bool   `json:"verified"` // the signature is valid for the key
	Trusted   bool   `json:"trusted"`  // the key is an allowed signer for git-proof
	Reason    string `json:"reason,omitempty"`
}

// RecordResult is the verification of one record.
type RecordResult struct {
	Line       int    `json:"line"`
	Envelope   string `json:"envelopeSha256,omitempty"`
	OK         bool   `json:"ok"`
	FailedStep Step   `json:"failedStep,omitempty"`
	Error      string `json:"error,omitempty"`
	Signer     Signer `json:"signer"`
	// ProvenAs is the commit the record was made for, when that is not the
	// commit verified but the tree transition is the same.
	ProvenAs string         `json:"provenAs,omitempty"`
	Policy   *policy.Result `json:"policy,omitempty"`

	// Predicate is set once the record parsed. It is attacker-controlled
	// until Signer.Verified and Signer.Trusted are both true.
	Predicate *proofpack.Predicate `json:"-"`
	env       *proofpack.Envelope
}

// CommitResult is the verification of one commit.
type CommitResult struct {
	Commit     string          `json:"commit"`
	Tree       string          `json:"tree"`
	BaseTree   string          `json:"baseTree,omitempty"`
	OK         bool            `json:"ok"`
	FailedStep Step            `json:"failedStep,omitempty"`
	Error      string          `json:"error,omitempty"`
	Records    []*RecordResult `json:"records"`
	// Best indexes the record that passed, or the one that got furthest.
	Best int `json:"best"`
}

// BestRecord returns the passing record, or the one that got furthest.
func (c *CommitResult) BestRecord() *RecordResult {
	if c.Best < 0 || c.Best >= len(c.Records) {
		return nil
	}
	return c.Records[c.Best]
}

// Timings splits the cost of a verification by stage (summed over workers).
type Timings struct {
	Commits   int           `json:"commits"`
	Read      time.Duration `json:"read"`      // list commits' notes, read and parse them
	Signature time.Duration `json:"signature"` // SSHSIG verification and trust lookup
	Diff      time.Duration `json:"diff"`      // recompute diff digests (git diff-tree, hashing)
	Policy    time.Duration `json:"policy"`    // policy evaluation
	Total     time.Duration `json:"total"`     // wall clock
}

// Options configure a Verifier.
type Options struct {
	// AllowedSigners is the verifier's trust root; nil trusts no one (every
	// record fails at the signer step, with a reason that says so).
	AllowedSigners *sign.AllowedSigners
	// Policy is the verifier's policy; required.
	Policy *policy.Engine
	// NotesRef is where proofs are read from; "" = refs/notes/proof.
	NotesRef string
	// NotesTip reads notes at this notes commit instead of the ref's value
	// (the pre-receive hook reads the incoming notes this way).
	NotesTip string
	// Workers bounds parallel signature and policy work; 0 = GOMAXPROCS.
	Workers int
	// Context is the policy input's context ("verify" when empty).
	Context string
	// Ref is the ref being updated, for the policy input.
	Ref string
}

// Verifier verifies commits; build it once, use it for many commits.
type Verifier struct {
	repo  *gitx.Repo
	opts  Options
	store *notes.Store
}

// New validates opts and returns a Verifier.
func New(repo *gitx.Repo, opts Options) (*Verifier, error) {
	if opts.Policy == nil {
		return nil, errors.New("verify: a policy is required")
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	if opts.Context == "" {
		opts.Context = "verify"
	}
	return &Verifier{repo: repo, opts: opts, store: notes.New(repo, opts.NotesRef, proofpack.MaxNoteBytes)}, nil
}

// Verify verifies each commit. It returns an error only when verification
// could not be carried out (git failed); a commit that fails verification
// is a CommitResult with OK false.
func (v *Verifier) Verify(ctx context.Context, commits []*gitx.Commit) ([]*CommitResult, *Timings, error) {
	start := time.Now()
	tm := &Timings{Commits: len(commits)}
	results := make([]*CommitResult, len(commits))
	for i, c := range commits {
		results[i] = &CommitResult{Commit: c.ID, Tree: c.Tree, Best: -1}
	}

	// Base trees: a first parent inside the set is already known.
	known := make(map[string]string, len(commits))
	for _, c := range commits {
		known[c.ID] = c.Tree
	}
	var missing []string
	for _, c := range commits {
		if p := c.FirstParent(); p != "" {
			if _, ok := known[p]; !ok {
				missing = append(missing, p)
				known[p] = ""
			}
		}
	}
	if len(missing) > 0 {
		trees, err := v.repo.TreesOf(ctx, missing)
		if err != nil && !errors.Is(err, gitx.ErrObjectMissing) {
			return nil, nil, err
		}
		for p, t := range trees {
			known[p] = t
		}
	}
	for i, c := range commits {
		r := results[i]
		switch {
		case c.Shallow:
			r.Error = "base unknown: the commit is at the boundary of a shallow clone (run git fetch --deepen=1)"
		case c.FirstParent() == "":
			r.BaseTree = v.repo.EmptyTree()
		case known[c.FirstParent()] == "":
			r.Error = fmt.Sprintf("base commit %s is missing (shallow or partial clone; run git fetch --deepen=1)", c.FirstParent())
		default:
			r.BaseTree = known[c.FirstParent()]
		}
	}

	// Recompute diff digests in git while notes are read and signatures
	// checked here. Every commit whose base is known is diffed, note or
	// not, so that git starts at once instead of after the notes are read.
	type pair struct{ a, b string }
	var pairs []gitx.TreePair
	pairIdx := map[pair]int{}
	for i, c := range commits {
		if results[i].BaseTree == "" {
			continue
		}
		k := pair{results[i].BaseTree, c.Tree}
		if _, ok := pairIdx[k]; !ok {
			pairIdx[k] = len(pairs)
			pairs = append(pairs, gitx.TreePair{A: k.a, B: k.b})
		}
	}
	digests := make([]string, len(pairs))
	var diffErr error
	var diffDur time.Duration
	var diffWG sync.WaitGroup
	diffWG.Add(1)
	go func() {
		defer diffWG.Done()
		t := time.Now()
		diffErr = v.repo.DiffBatch(ctx, pairs, func(i int, e []gitx.DiffEntry) error {
			digests[i] = proofpack.DiffSHA256(e)
			return nil
		})
		diffDur = time.Since(t)
	}()

	// Read every note in one pass.
	t0 := time.Now()
	ids := make([]string, len(commits))
	for i, c := range commits {
		ids[i] = c.ID
	}
	var noteMap map[string]*notes.Note
	var err error
	if len(ids) > 64 {
		noteMap, err = v.store.ReadAll(ctx, v.opts.NotesTip, ids)
	} else {
		noteMap, err = v.store.Read(ctx, v.opts.NotesTip, ids)
	}
	if err != nil {
		diffWG.Wait()
		return nil, nil, fmt.Errorf("read notes: %w", err)
	}
	tm.Read += time.Since(t0)

	var readNs, sigNs, polNs atomic.Int64
	v.parallel(len(commits), func(i int) {
		t := time.Now()
		recs := v.parseNote(results[i], noteMap[commits[i].ID])
		readNs.Add(int64(time.Since(t)))
		t = time.Now()
		for _, rr := range recs {
			v.checkSignature(rr)
		}
		sigNs.Add(int64(time.Since(t)))
	})
	diffWG.Wait()
	if diffErr != nil {
		return nil, nil, fmt.Errorf("recompute diffs: %w", diffErr)
	}
	tm.Diff = diffDur

	v.parallel(len(commits), func(i int) {
		c, r := commits[i], results[i]
		var digest string
		if k, ok := pairIdx[pair{r.BaseTree, c.Tree}]; ok {
			digest = digests[k]
		}
		for _, rr := range r.Records {
			if rr.FailedStep != "" {
				continue
			}
			v.checkBinding(rr, c, r.BaseTree, digest)
			if rr.FailedStep != "" {
				continue
			}
			t := time.Now()
			v.checkPolicy(ctx, rr, c)
			polNs.Add(int64(time.Since(t)))
		}
		r.pick()
	})
	tm.Read += time.Duration(readNs.Load())
	tm.Signature = time.Duration(sigNs.Load())
	tm.Policy = time.Duration(polNs.Load())
	tm.Total = time.Since(start)
	return results, tm, nil
}

func (v *Verifier) parallel(n int, f func(i int)) {
	w := min(v.opts.Workers, n)
	if w <= 1 {
		for i := 0; i < n; i++ {
			f(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for k := 0; k < w; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				f(i)
			}
		}()
	}
	wg.Wait()
}

// parseNote fills r.Records from the note (steps read and parse).
func (v *Verifier) parseNote(r *CommitResult, n *notes.Note) []*RecordResult {
	if r.Error != "" {
		r.FailedStep = StepRead
		return nil
	}
	if n == nil {
		r.FailedStep, r.Error = StepRead, "no proof note: run `git proof run "+short(r.Commit)+"`"
		return nil
	}
	if n.TooLarge {
		r.FailedStep, r.Error = StepRead, fmt.Sprintf("note is %d bytes, over the %d byte limit: not read", n.Size, proofpack.MaxNoteBytes)
		return nil
	}
	recs, err := proofpack.ParseNote(n.Data)
	if err != nil && len(recs) == 0 {
		r.FailedStep, r.Error = StepRead, err.Error()
		return nil
	}
	for _, pr := range recs {
		rr := &RecordResult{Line: pr.Line}
		if pr.Envelope != nil {
			rr.Envelope = pr.Envelope.Digest
		}
		if pr.Err != nil {
			rr.FailedStep, rr.Error = StepParse, pr.Err.Error()
		} else {
			rr.Predicate = pr.Statement.Parsed
			if _, err := time.Parse(time.RFC3339, rr.Predicate.CreatedAt); err != nil {
				rr.FailedStep, rr.Error = StepParse, fmt.Sprintf("createdAt %q is not an RFC 3339 time", rr.Predicate.CreatedAt)
			}
		}
		r.Records = append(r.Records, rr)
		rr.env = pr.Envelope
	}
	return r.Records
}

// checkSignature runs the signature and signer steps.
func (v *Verifier) checkSignature(rr *RecordResult) {
	if rr.FailedStep != "" {
		return
	}
	env := rr.env
	if env.Unsigned() {
		rr.FailedStep, rr.Error = StepSignature, "the record is unsigned"
		return
	}
	pub, err := sign.VerifySSHSIG(env.PAE(), env.Signature, sign.Namespace)
	if err != nil {
		rr.FailedStep, rr.Error = StepSignature, err.Error()
		return
	}
	rr.Signer = Signer{KeyID: ssh.FingerprintSHA256(pub), KeyType: pub.Type(), Verified: true}
	if v.opts.AllowedSigners == nil {
		rr.Signer.Reason = "no allowed signers file is configured (set proof.allowedSignersFile)"
		rr.FailedStep, rr.Error = StepSigner, "signer "+rr.Signer.KeyID+" is not trusted: "+rr.Signer.Reason
		return
	}
	at, _ := time.Parse(time.RFC3339, rr.Predicate.CreatedAt)
	principal, err := v.opts.AllowedSigners.Lookup(pub, sign.Namespace, at)
	if err != nil {
		rr.Signer.Reason = err.Error()
		rr.FailedStep, rr.Error = StepSigner, "signer "+rr.Signer.KeyID+" is not trusted: "+err.Error()
		return
	}
	rr.Signer.Principal, rr.Signer.Trusted = principal, true
}

// checkBinding runs the binding and diff steps.
func (v *Verifier) checkBinding(rr *RecordResult, c *gitx.Commit, baseTree, digest string) {
	p := rr.Predicate
	if p.Tree != c.Tree || p.Base.Tree != baseTree {
		if p.Commit != c.ID {
			rr.FailedStep, rr.Error = StepBinding, fmt.Sprintf("stale: proof is for %s, whose change differs", short(p.Commit))
		} else {
			rr.FailedStep, rr.Error = StepBinding, fmt.Sprintf("record's transition %s → %s is not the commit's %s → %s", short(p.Base.Tree), short(p.Tree), short(baseTree), short(c.Tree))
		}
		return
	}
	if p.Commit != c.ID {
		rr.ProvenAs = p.Commit
	}
	if digest == "" {
		rr.FailedStep, rr.Error = StepDiff, "diff digest could not be recomputed"
		return
	}
	if p.Diff.SHA256 != digest {
		rr.FailedStep, rr.Error = StepDiff, fmt.Sprintf("diff digest %s does not match the trees' %s", short(p.Diff.SHA256), short(digest))
	}
}

func (v *Verifier) checkPolicy(ctx context.Context, rr *RecordResult, c *gitx.Commit) {
	parents := c.Parents
	if parents == nil {
		parents = []string{}
	}
	res, err := v.opts.Policy.Eval(ctx, &policy.Input{
		Proofpack: rr.Predicate,
		Signer:    policy.Signer{Signed: true, Verified: rr.Signer.Verified, Trusted: rr.Signer.Trusted, Principal: rr.Signer.Principal, KeyID: rr.Signer.KeyID},
		Commit:    policy.Commit{ID: c.ID, Tree: c.Tree, Parents: parents},
		Ref:       v.opts.Ref,
		Context:   v.opts.Context,
	})
	if err != nil {
		rr.FailedStep, rr.Error = StepPolicy, err.Error()
		return
	}
	rr.Policy = res
	if res.Decision != proofpack.AutoOK {
		rr.FailedStep, rr.Error = StepPolicy, "policy decided "+res.Decision
		return
	}
	rr.OK = true
}

var stepOrder = map[Step]int{"": 100, StepRead: 0, StepParse: 1, StepSignature: 2, StepSigner: 3, StepBinding: 4, StepDiff: 5, StepPolicy: 6}

// pick chooses the record that passed, else the one that got furthest.
func (r *CommitResult) pick() {
	if r.FailedStep == StepRead {
		return
	}
	best := -1
	for i, rr := range r.Records {
		if best < 0 || stepOrder[rr.FailedStep] > stepOrder[r.Records[best].FailedStep] {
			best = i
		}
	}
	r.Best = best
	if best < 0 {
		r.FailedStep = StepRead
		return
	}
	b := r.Records[best]
	r.OK = b.OK
	if !b.OK {
		r.FailedStep, r.Error = b.FailedStep, b.Error
	}
}

func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
