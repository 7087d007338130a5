package verify

import (
	"context"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/git-proof/git-proof/gitx"
	"github.com/git-proof/git-proof/notes"
	"github.com/git-proof/git-proof/policy"
	"github.com/git-proof/git-proof/proofpack"
	"github.com/git-proof/git-proof/sign"
	"golang.org/x/crypto/ssh"
)

// parseNote fills r.Records and r.Approvals from the note (steps read and
// parse) and returns them.
func (v *Verifier) parseNote(r *CommitResult, n *notes.Note) ([]*RecordResult, []*ApprovalResult) {
	if r.Error != "" {
		r.FailedStep = StepRead
		return nil, nil
	}
	if n == nil {
		r.FailedStep, r.Error = StepRead, "no proof note: run `git proof run "+short(r.Commit)+"`"
		return nil, nil
	}
	if n.TooLarge {
		r.FailedStep, r.Error = StepRead, fmt.Sprintf("note is %d bytes, over the %d byte limit: not read", n.Size, proofpack.MaxNoteBytes)
		return nil, nil
	}
	recs, err := proofpack.ParseNote(n.Data)
	if err != nil && len(recs) == 0 {
		r.FailedStep, r.Error = StepRead, err.Error()
		return nil, nil
	}
	for _, pr := range recs {
		if pr.Err == nil && pr.Statement.Approval != nil {
			ar := &ApprovalResult{Line: pr.Line, Envelope: pr.Envelope.Digest, Approval: pr.Statement.Approval, env: pr.Envelope}
			if _, err := time.Parse(time.RFC3339, ar.Approval.CreatedAt); err != nil {
				ar.FailedStep, ar.Error = StepParse, fmt.Sprintf("createdAt %q is not an RFC 3339 time", ar.Approval.CreatedAt)
			}
			r.Approvals = append(r.Approvals, ar)
			continue
		}
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
	if len(r.Records) == 0 {
		r.FailedStep, r.Error = StepRead, "the note holds sign-offs but no proof record: run `git proof run "+short(r.Commit)+"`"
	}
	return r.Records, r.Approvals
}

// checkSignature runs the signature and signer steps of a proof record.
func (v *Verifier) checkSignature(rr *RecordResult) {
	if rr.FailedStep != "" {
		return
	}
	pub, step, err := v.signature(rr.env, sign.Namespace)
	if err != nil {
		rr.FailedStep, rr.Error = step, err.Error()
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

// signature checks an envelope's SSHSIG in namespace and returns the key
// that made it.
func (v *Verifier) signature(env *proofpack.Envelope, namespace string) (ssh.PublicKey, Step, error) {
	if env.Unsigned() {
		return nil, StepSignature, fmt.Errorf("the record is unsigned")
	}
	pub, err := sign.VerifySSHSIG(env.PAE(), env.Signature, namespace)
	if err != nil {
		return nil, StepSignature, err
	}
	return pub, "", nil
}

// checkBinding runs the binding and diff steps.
func (v *Verifier) checkBinding(rr *RecordResult, c *gitx.Commit, baseTree, digest string) {
	rr.ProvenAs, rr.FailedStep, rr.Error = bind(rr.Predicate.Commit, rr.Predicate.Base.Tree, rr.Predicate.Tree, rr.Predicate.Diff.SHA256, c, baseTree, digest)
}

// bind is the binding and diff steps for anything recorded about the
// transition recBase → recTree with digest recDigest, made for recCommit.
func bind(recCommit, recBase, recTree, recDigest string, c *gitx.Commit, baseTree, digest string) (provenAs string, step Step, msg string) {
	if recTree != c.Tree || recBase != baseTree {
		if recCommit != c.ID {
			return "", StepBinding, fmt.Sprintf("stale: proof is for %s, whose change differs", short(recCommit))
		}
		return "", StepBinding, fmt.Sprintf("record's transition %s → %s is not the commit's %s → %s", short(recBase), short(recTree), short(baseTree), short(c.Tree))
	}
	if recCommit != c.ID {
		provenAs = recCommit
	}
	if digest == "" {
		return provenAs, StepDiff, "diff digest could not be recomputed"
	}
	if recDigest != digest {
		return provenAs, StepDiff, fmt.Sprintf("diff digest %s does not match the trees' %s", short(recDigest), short(digest))
	}
	return provenAs, "", ""
}

func (v *Verifier) checkPolicy(ctx context.Context, rr *RecordResult, c *gitx.Commit, approvals []policy.Approval) {
	parents := c.Parents
	if parents == nil {
		parents = []string{}
	}
	if approvals == nil || v.opts.Rule.Require != RequireApproval {
		// A ref that takes AUTO_OK only gives the policy no approvals to
		// weigh, whatever the policy would make of them.
		approvals = []policy.Approval{}
	}
	res, err := v.opts.Policy.Eval(ctx, &policy.Input{
		Proofpack: rr.Predicate,
		Signer:    policy.Signer{Signed: true, Verified: rr.Signer.Verified, Trusted: rr.Signer.Trusted, Principal: rr.Signer.Principal, KeyID: rr.Signer.KeyID},
		Commit:    policy.Commit{ID: c.ID, Tree: c.Tree, Parents: parents},
		Ref:       v.opts.Ref,
		Context:   v.opts.Context,
		Approvals: approvals,
		Rule:      v.opts.Rule,
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

// matchPrincipal reports whether one of the comma-separated principals
// matches one of patterns (path.Match globs, e.g. "*@example.com").
func matchPrincipal(principals string, patterns []string) bool {
	for _, p := range strings.Split(principals, ",") {
		for _, pat := range patterns {
			if ok, _ := path.Match(pat, p); ok {
				return true
			}
		}
	}
	return false
}

func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
