package verify

import (
	"context"
	"fmt"
	"time"

	"github.com/git-proof/git-proof/gitx"
	"github.com/git-proof/git-proof/notes"
	"github.com/git-proof/git-proof/proofpack"
	"github.com/git-proof/git-proof/sign"
	"golang.org/x/crypto/ssh"
)

// ApprovalResult is the verification of one sign-off.
type ApprovalResult struct {
	Line       int    `json:"line"`
	Envelope   string `json:"envelopeSha256,omitempty"`
	OK         bool   `json:"ok"`
	FailedStep Step   `json:"failedStep,omitempty"`
	Error      string `json:"error,omitempty"`
	Signer     Signer `json:"signer"`
	ProvenAs   string `json:"provenAs,omitempty"`
	// Approval is attacker-controlled until OK.
	Approval *proofpack.Approval `json:"-"`
	env      *proofpack.Envelope
}

// checkApprovalSignature runs the signature and signer steps of a sign-off:
// a valid signature in the approve namespace, by a key trusted to approve.
func (v *Verifier) checkApprovalSignature(ar *ApprovalResult) {
	if ar.FailedStep != "" {
		return
	}
	pub, step, err := v.signature(ar.env, sign.ApproveNamespace)
	if err != nil {
		ar.FailedStep, ar.Error = step, err.Error()
		return
	}
	ar.Signer = Signer{KeyID: ssh.FingerprintSHA256(pub), KeyType: pub.Type(), Verified: true}
	at, _ := time.Parse(time.RFC3339, ar.Approval.CreatedAt)
	principal, err := v.approver(pub, at)
	if err != nil {
		ar.Signer.Reason = err.Error()
		ar.FailedStep, ar.Error = StepSigner, "approver "+ar.Signer.KeyID+" is not trusted to approve: "+err.Error()
		return
	}
	ar.Signer.Principal, ar.Signer.Trusted = principal, true
}

// approver decides whether pub may approve at time at: its allowed signers
// line names the approve namespace explicitly, or the key is trusted to
// sign proofs and its principal is one of the configured approvers.
func (v *Verifier) approver(pub ssh.PublicKey, at time.Time) (string, error) {
	if v.opts.AllowedSigners == nil {
		return "", fmt.Errorf("no allowed signers file is configured (set proof.allowedSignersFile)")
	}
	principal, err := v.opts.AllowedSigners.LookupExplicit(pub, sign.ApproveNamespace, at)
	if err == nil {
		return principal, nil
	}
	if len(v.opts.Approvers) > 0 {
		if p, err2 := v.opts.AllowedSigners.Lookup(pub, sign.Namespace, at); err2 == nil && matchPrincipal(p, v.opts.Approvers) {
			return p, nil
		}
	}
	return "", fmt.Errorf("%w (list the key with namespaces=\"%s\" in the allowed signers file, or its principal in proof.approvers)", err, sign.ApproveNamespace)
}

// checkApprovalBinding runs the binding and diff steps of a sign-off.
func (v *Verifier) checkApprovalBinding(ar *ApprovalResult, c *gitx.Commit, baseTree, digest string) {
	a := ar.Approval
	ar.ProvenAs, ar.FailedStep, ar.Error = bind(a.Commit, a.Base.Tree, a.Tree, a.Diff.SHA256, c, baseTree, digest)
	ar.OK = ar.FailedStep == ""
}

// findByTransition gives each commit that has no note the notes of other
// commits with the same tree transition, joined, so that their records
// are verified as this commit's (and pass the binding step as "proven
// as"). A note over the size limit is left out.
func (v *Verifier) findByTransition(ctx context.Context, commits []*gitx.Commit, results []*CommitResult, noteMap map[string]*notes.Note) error {
	want := map[string][]string{} // candidate commit → commits it may prove
	for i, c := range commits {
		r := results[i]
		if noteMap[c.ID] != nil || r.BaseTree == "" {
			continue
		}
		cands, err := v.opts.Transitions.Commits(ctx, v.opts.NotesTip, r.BaseTree, c.Tree)
		if err != nil {
			return fmt.Errorf("find proofs by tree transition: %w", err)
		}
		for _, cand := range cands {
			if cand != c.ID {
				want[cand] = append(want[cand], c.ID)
			}
		}
	}
	if len(want) == 0 {
		return nil
	}
	ids := make([]string, 0, len(want))
	for id := range want {
		ids = append(ids, id)
	}
	found, err := v.store.Read(ctx, v.opts.NotesTip, ids)
	if err != nil {
		return err
	}
	borrowed := map[string]bool{}
	for cand, targets := range want {
		n := found[cand]
		if n == nil || n.TooLarge {
			continue
		}
		for _, t := range targets {
			m := noteMap[t]
			if m == nil {
				m = &notes.Note{Object: t}
				noteMap[t] = m
			}
			if len(m.Data)+len(n.Data)+1 > proofpack.MaxNoteBytes {
				continue
			}
			m.Data = append(append(m.Data, '\n'), n.Data...)
			m.Size = int64(len(m.Data))
			borrowed[t] = true
		}
	}
	for i, c := range commits {
		if borrowed[c.ID] {
			results[i].FoundBy = "transition"
		}
	}
	return nil
}
