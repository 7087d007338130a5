package approve

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/git-proof/git-proof/gitx"
	"github.com/git-proof/git-proof/notes"
	"github.com/git-proof/git-proof/proofpack"
	"github.com/git-proof/git-proof/verify"
)

// Errors that leave nothing recorded.
var (
	// ErrNothingToApprove: the commit has no proof record that verifies
	// (up to the policy step) with your trust. Run `git proof run REV`, or
	// fix what `git proof show REV` reports.
	ErrNothingToApprove = errors.New("nothing to approve")
	// ErrBlocked: the proof's decision is BLOCK, which no approval
	// overrides. Fix the change and run again.
	ErrBlocked = errors.New("the proof is BLOCKed; an approval cannot override it")
)

// Request is one `git proof approve`.
type Request struct {
	Rev    string
	Reason string
	// Signer signs in sign.ApproveNamespace.
	Signer   proofpack.Signer
	Verifier *verify.Verifier
	Approver proofpack.Identity
	Tool     proofpack.Tool
}

// Result is what was approved and recorded.
type Result struct {
	Approval *proofpack.Approval
	Record   []byte
	NotesTip string
	// Decision is the decision of the approved record under the
	// approver's policy (REVIEW, or AUTO_OK when it needed no approval).
	Decision string
}

// Approve verifies req.Rev's proof and records a signed approval of it.
func Approve(ctx context.Context, repo *gitx.Repo, req Request) (*Result, error) {
	if req.Signer == nil || req.Verifier == nil {
		return nil, errors.New("approve: a signer and a verifier are required")
	}
	if len(strings.TrimSpace(req.Reason)) > proofpack.MaxReasonBytes {
		return nil, fmt.Errorf("approve: the reason is over %d bytes", proofpack.MaxReasonBytes)
	}
	rev := req.Rev
	if rev == "" {
		rev = "HEAD"
	}
	c, err := repo.CommitInfo(ctx, rev)
	if err != nil {
		return nil, err
	}
	results, _, err := req.Verifier.Verify(ctx, []*gitx.Commit{c})
	if err != nil {
		return nil, err
	}
	r := results[0]
	rr := r.BestRecord()
	if rr == nil || (rr.FailedStep != "" && rr.FailedStep != verify.StepPolicy) {
		why := r.Error
		if r.FailedStep != "" {
			why = string(r.FailedStep) + ": " + why
		}
		return nil, fmt.Errorf("%w for %s: %s", ErrNothingToApprove, short(c.ID), why)
	}
	decision := proofpack.AutoOK
	if rr.Policy != nil {
		decision = rr.Policy.Decision
	}
	if decision == proofpack.Block {
		return nil, fmt.Errorf("%w (%s)", ErrBlocked, strings.Join(rr.Policy.Reasons(), "; "))
	}
	p := rr.Predicate
	a := &proofpack.Approval{
		SchemaVersion: proofpack.SchemaVersion,
		CreatedAt:     proofpack.Now(),
		Tool:          req.Tool,
		Approver:      req.Approver,
		Commit:        c.ID,
		Tree:          c.Tree,
		Base:          proofpack.Base{Commit: c.FirstParent(), Tree: r.BaseTree},
		Diff:          p.Diff,
		Reason:        strings.TrimSpace(req.Reason),
		Proof:         rr.Envelope,
		Decision:      decision,
	}
	payload, err := proofpack.NewApprovalPayload(a)
	if err != nil {
		return nil, err
	}
	env, err := proofpack.SignPayload(ctx, payload, req.Signer)
	if err != nil {
		return nil, err
	}
	rec, err := proofpack.EncodeApproval(a, env)
	if err != nil {
		return nil, err
	}
	tip, err := notes.New(repo, notes.Ref, 0).Append(ctx, c.ID, rec, "git proof approve: "+c.ID)
	if err != nil {
		return nil, fmt.Errorf("record approval: %w", err)
	}
	return &Result{Approval: a, Record: rec, NotesTip: tip, Decision: decision}, nil
}

func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
