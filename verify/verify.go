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

// What a ref can require of its commits' proofs.
const (
	RequireAutoOK   = "AUTO_OK"  // only AUTO_OK passes
	RequireApproval = "approval" // AUTO_OK, or REVIEW with a trusted approval
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
	// Approvals are the sign-offs in the note, each verified like a record
	// (signature in the approve namespace, approver trusted to approve,
	// binding, diff); only those with OK reach the policy.
	Approvals []*ApprovalResult `json:"approvals"`
	// FoundBy says where the records came from when the commit has no note
	// of its own: "transition" when they were found on another commit with
	// the same tree transition (a squash or rebase merge).
	FoundBy string `json:"foundBy,omitempty"`
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
	// Rule is what the ref requires, for the policy input; a zero Rule
	// requires "approval" (REVIEW passes with a trusted approval).
	Rule policy.Rule
	// Approvers are principal patterns (ssh_config PATTERNS, as in
	// allowed_signers) whose keys, trusted to sign proofs, may also
	// approve. Keys listed with namespaces="git-proof-approve" may approve
	// without being named here.
	Approvers []string
	// Transitions, when set, finds records for a commit that has no note:
	// the notes of other commits with the same tree transition, as a squash
	// or rebase merge leaves them.
	Transitions TransitionIndex
}

// TransitionIndex lists the commits whose notes may hold records for the
// tree transition baseTree → tree (notes.TransitionIndex is one).
type TransitionIndex interface {
	Commits(ctx context.Context, notesTip, baseTree, tree string) ([]string, error)
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
	switch opts.Rule.Require {
	case "":
		opts.Rule.Require = RequireApproval
	case RequireAutoOK, RequireApproval:
	default:
		return nil, fmt.Errorf("verify: rule %q is not %s or %s", opts.Rule.Require, RequireAutoOK, RequireApproval)
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
	if err == nil && v.opts.Transitions != nil {
		err = v.findByTransition(ctx, commits, results, noteMap)
	}
	if err != nil {
		diffWG.Wait()
		return nil, nil, fmt.Errorf("read notes: %w", err)
	}
	tm.Read += time.Since(t0)

	var readNs, sigNs, polNs atomic.Int64
	v.parallel(len(commits), func(i int) {
		t := time.Now()
		recs, apps := v.parseNote(results[i], noteMap[commits[i].ID])
		readNs.Add(int64(time.Since(t)))
		t = time.Now()
		for _, rr := range recs {
			v.checkSignature(rr)
		}
		for _, ar := range apps {
			v.checkApprovalSignature(ar)
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
		var approvals []policy.Approval
		for _, ar := range r.Approvals {
			if ar.FailedStep != "" {
				continue
			}
			v.checkApprovalBinding(ar, c, r.BaseTree, digest)
			if ar.OK {
				approvals = append(approvals, policy.Approval{Principal: ar.Signer.Principal, KeyID: ar.Signer.KeyID,
					Reason: ar.Approval.Reason, CreatedAt: ar.Approval.CreatedAt})
			}
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
			v.checkPolicy(ctx, rr, c, approvals)
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
