package contract

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/gowebpki/jcs"
)

// Canonical returns the RFC 8785 (JCS) form of the contract's JSON form,
// exactly as it is: holdouts, holdoutSalt and holdoutCommitment included
// when set. The JSON form uses the YAML keys; optional strings, lists and
// sections that are empty are left out; every check carries expect.exit
// and timeoutSec (defaults filled in) and disclosure.holdouts is always
// present. See SHA256 and FullSHA256 for the two hashes proofs record.
func Canonical(c *Contract) ([]byte, error) {
	if c == nil {
		return nil, errNil
	}
	return canonicalJSON(normalize(c))
}

func canonicalJSON(v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("contract to JSON: %w", err)
	}
	out, err := jcs.Transform(raw)
	if err != nil {
		return nil, fmt.Errorf("canonicalize JSON (RFC 8785): %w", err)
	}
	return out, nil
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// SHA256 is the hash of the redacted copy, the one the implementer and
// reviewers see: hex(sha256(JCS(doc))) where doc is the JSON form (see
// Canonical) with "holdouts" and "holdoutSalt" removed and, when there are
// holdouts, "holdoutCommitment" set as Redact sets it. So the author's copy
// and its redacted copy have the same SHA256. On an author's copy with
// holdouts it needs holdoutSalt (else ErrNoSalt), since the commitment is
// part of what is hashed.
func (c *Contract) SHA256() (string, error) {
	if c == nil {
		return "", errNil
	}
	r := normalize(c)
	if r.HoldoutCommitment == nil && len(r.Holdouts) > 0 {
		var err error
		if r, err = Redact(c, nil); err != nil {
			return "", fmt.Errorf("contract hash: %w", err)
		}
	}
	r.Holdouts, r.HoldoutSalt = nil, ""
	b, err := canonicalJSON(r)
	if err != nil {
		return "", err
	}
	return sha256Hex(b), nil
}

// FullSHA256 is the hash of the author's copy: hex(sha256(JCS(doc))) where
// doc is the JSON form (see Canonical) with the holdouts included and
// "holdoutSalt" and "holdoutCommitment" removed, so it does not depend on
// the salt chosen at redaction. A redacted copy has no full hash until
// Join gives it back its holdouts (ErrRedacted). For a contract without
// holdouts, FullSHA256 equals SHA256.
func (c *Contract) FullSHA256() (string, error) {
	if c == nil {
		return "", errNil
	}
	if c.HoldoutCommitment != nil {
		return "", fmt.Errorf("full contract hash: %w", ErrRedacted)
	}
	r := normalize(c)
	r.HoldoutSalt = ""
	b, err := canonicalJSON(r)
	if err != nil {
		return "", err
	}
	return sha256Hex(b), nil
}

// normalize returns a deep copy with defaults filled in and empty lists
// and sections made nil, so that the JSON and YAML forms of two contracts
// that mean the same are the same. Parse returns normalized contracts;
// this matters for contracts built in Go.
func normalize(c *Contract) *Contract {
	if c == nil {
		return nil
	}
	out := *c
	out.NonGoals = cloneStrings(c.NonGoals)
	out.Bug.Unchanged = cloneStrings(c.Bug.Unchanged)
	out.Scope.Allow = cloneStrings(c.Scope.Allow)
	out.Scope.Deny = cloneStrings(c.Scope.Deny)
	out.Repro = normalizeCriteria(c.Repro)
	out.Acceptance = normalizeCriteria(c.Acceptance)
	out.Holdouts = normalizeHoldouts(c.Holdouts)
	if c.HoldoutCommitment != nil {
		hc := *c.HoldoutCommitment
		out.HoldoutCommitment = &hc
	}
	if out.Disclosure.Holdouts == "" {
		out.Disclosure.Holdouts = DiscloseAfterRun
	}
	return &out
}

func cloneStrings(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return append([]string(nil), s...)
}

func normalizeCheck(ch Check) Check {
	ch.Run = append([]string{}, ch.Run...) // never nil: "run" is always an array
	if ch.TimeoutSec == 0 {
		ch.TimeoutSec = DefaultTimeoutSec
	}
	return ch
}

func normalizeCriteria(cs []Criterion) []Criterion {
	if len(cs) == 0 {
		return nil
	}
	out := make([]Criterion, len(cs))
	for i, cr := range cs {
		out[i] = cr
		if cr.Check != nil {
			ch := normalizeCheck(*cr.Check)
			out[i].Check = &ch
		}
	}
	return out
}

func normalizeHoldouts(hs []Holdout) []Holdout {
	if len(hs) == 0 {
		return nil
	}
	out := make([]Holdout, len(hs))
	for i, h := range hs {
		out[i] = h
		if len(h.Files) == 0 {
			out[i].Files = nil
		} else {
			out[i].Files = append([]File(nil), h.Files...)
		}
		out[i].Check = normalizeCheck(h.Check)
	}
	return out
}
