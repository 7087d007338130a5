package proofpack

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/secure-systems-lab/go-securesystemslib/dsse"
)

// ApprovalPredicateType is the predicate type of a human sign-off.
const ApprovalPredicateType = "https://git-proof.dev/approval/v1"

// MaxReasonBytes bounds an approval's reason.
const MaxReasonBytes = 2048

// Approval is a person's signed sign-off on a tree transition (`git proof
// approve`). Like a proof record it is bound to base tree → tree and the
// diff digest, so it follows a reworded or squashed commit and never a
// changed one. It is signed in its own SSHSIG namespace
// (sign.ApproveNamespace), so a proof signature can never pass for one.
type Approval struct {
	SchemaVersion int      `json:"schemaVersion"`
	CreatedAt     string   `json:"createdAt"`
	Tool          Tool     `json:"tool"`
	Approver      Identity `json:"approver"` // as git config says; untrusted, the signer decides
	Commit        string   `json:"commit"`
	Tree          string   `json:"tree"`
	Base          Base     `json:"base"`
	Diff          Diff     `json:"diff"`
	Reason        string   `json:"reason"`
	// Proof is the sha256 of the proof record envelope the approver saw,
	// and Decision that record's decision; informative.
	Proof    string `json:"proof,omitempty"`
	Decision string `json:"decision,omitempty"`
}

// NewApprovalPayload builds the in-toto Statement v1 bytes of a sign-off.
func NewApprovalPayload(a *Approval) ([]byte, error) {
	if len(a.Reason) > MaxReasonBytes {
		return nil, fmt.Errorf("approval reason is %d bytes; keep it under %d", len(a.Reason), MaxReasonBytes)
	}
	return statementPayload(ApprovalPredicateType, a.Commit, a.Tree, a)
}

// parseApproval reads and checks the predicate of an approval statement.
func parseApproval(st *Statement) (*Approval, error) {
	var a Approval
	if err := json.Unmarshal(st.Predicate, &a); err != nil {
		return nil, fmt.Errorf("parse approval: %w", err)
	}
	if a.SchemaVersion != SchemaVersion {
		return nil, fmt.Errorf("%w: approval schemaVersion %d, this git-proof reads %d (upgrade git-proof)", ErrNotProofpack, a.SchemaVersion, SchemaVersion)
	}
	if c := st.Digest("gitCommit"); c == "" || c != a.Commit {
		return nil, fmt.Errorf("parse approval: subject gitCommit %q does not match predicate commit %q", c, a.Commit)
	}
	if t := st.Digest("gitTree"); t == "" || t != a.Tree {
		return nil, fmt.Errorf("parse approval: subject gitTree %q does not match predicate tree %q", t, a.Tree)
	}
	if a.Base.Tree == "" || a.Diff.SHA256 == "" {
		return nil, fmt.Errorf("parse approval: predicate lacks base tree or diff digest")
	}
	if len(a.Reason) > MaxReasonBytes {
		return nil, fmt.Errorf("parse approval: reason over %d bytes", MaxReasonBytes)
	}
	return &a, nil
}

// ApprovalSummary is the human line above an approval's envelope. Like
// Summary it is never trusted and ends with the envelope digest's first 8 hex.
func ApprovalSummary(a *Approval, envDigest string) string {
	parts := []string{"approval:"}
	who := a.Approver.Email
	if who == "" {
		who = a.Approver.Name
	}
	if who != "" {
		parts[0] += " " + Sanitize(who)
	}
	if r := strings.TrimSpace(a.Reason); r != "" {
		if len(r) > 72 {
			r = r[:72] + "…"
		}
		parts = append(parts, Sanitize(r))
	}
	parts = append(parts, a.CreatedAt)
	if len(envDigest) >= 8 {
		parts = append(parts, envDigest[:8])
	}
	return strings.Join(parts, " · ")
}

// EncodeApproval returns the two lines (summary, envelope) of a sign-off.
func EncodeApproval(a *Approval, env *dsse.Envelope) ([]byte, error) {
	return encodeLines(env, func(digest string) string { return ApprovalSummary(a, digest) })
}
