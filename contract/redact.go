package contract

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
)

// NewSalt returns a fresh random salt for Redact.
func NewSalt() ([]byte, error) {
	s := make([]byte, SaltSize)
	if _, err := rand.Read(s); err != nil {
		return nil, fmt.Errorf("holdout salt: %w", err)
	}
	return s, nil
}

// Redact returns the copy of an author's contract that the implementer
// gets: holdouts and holdoutSalt removed and, when there were holdouts,
// holdoutCommitment{count, sha256: hex(sha256(salt ‖ JCS(holdouts)))} added,
// where JCS(holdouts) is the RFC 8785 form of the JSON array of the
// holdouts (see Canonical for the JSON form). salt is SaltSize bytes; nil
// uses the contract's holdoutSalt. The salt keeps a reader of the redacted
// copy from confirming guesses at the holdouts; it is revealed with them.
// A contract without holdouts gets no commitment: there is nothing to hide.
// This is the only redaction: the hashes and Join are defined by it.
func Redact(c *Contract, salt []byte) (*Contract, error) {
	n := normalize(c)
	if err := validate(n, "", nil); err != nil {
		return nil, fmt.Errorf("redact: %w", err)
	}
	if n.HoldoutCommitment != nil {
		return nil, fmt.Errorf("redact: %w", ErrRedacted)
	}
	out := *n
	out.Holdouts, out.HoldoutSalt = nil, ""
	if len(n.Holdouts) == 0 {
		return &out, nil
	}
	s, err := saltFor(n, salt)
	if err != nil {
		return nil, fmt.Errorf("redact: %w", err)
	}
	sum, err := commitment(s, n.Holdouts)
	if err != nil {
		return nil, fmt.Errorf("redact: %w", err)
	}
	out.HoldoutCommitment = &Commitment{Count: len(n.Holdouts), SHA256: sum}
	return &out, nil
}

// NewHoldoutsFile returns the holdouts file that goes with Redact(c, salt):
// the holdouts and the salt, to be kept outside the repository. salt nil
// uses the contract's holdoutSalt.
func NewHoldoutsFile(c *Contract, salt []byte) (*HoldoutsFile, error) {
	n := normalize(c)
	if err := validate(n, "", nil); err != nil {
		return nil, fmt.Errorf("holdouts file: %w", err)
	}
	if n.HoldoutCommitment != nil {
		return nil, fmt.Errorf("holdouts file: %w", ErrRedacted)
	}
	s, err := saltFor(n, salt)
	if err != nil {
		return nil, fmt.Errorf("holdouts file: %w", err)
	}
	return &HoldoutsFile{APIVersion: HoldoutsAPIVersion, Contract: n.ID, Salt: hex.EncodeToString(s), Holdouts: n.Holdouts}, nil
}

// saltFor picks the salt: the one passed, else the contract's own.
func saltFor(c *Contract, salt []byte) ([]byte, error) {
	if salt == nil {
		if c.HoldoutSalt == "" {
			return nil, ErrNoSalt
		}
		s, err := hex.DecodeString(c.HoldoutSalt)
		if err != nil || len(s) != SaltSize {
			return nil, ErrSaltSize
		}
		return s, nil
	}
	if len(salt) != SaltSize {
		return nil, ErrSaltSize
	}
	if c.HoldoutSalt != "" && c.HoldoutSalt != hex.EncodeToString(salt) {
		return nil, ErrSaltMismatch
	}
	return salt, nil
}

// commitment is hex(sha256(salt ‖ JCS(holdouts))).
func commitment(salt []byte, hs []Holdout) (string, error) {
	hs = normalizeHoldouts(hs)
	if hs == nil {
		hs = []Holdout{} // "[]", not "null"
	}
	b, err := canonicalJSON(hs)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	h.Write(salt)
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// VerifyCommitment checks that holdouts, with salt, are the ones the
// redacted contract committed to: same count, same sha256. A verifier
// calls it before running disclosed holdouts, so the signer cannot swap in
// easier ones after the implementer saw the redacted copy.
func VerifyCommitment(redacted *Contract, holdouts []Holdout, salt []byte) error {
	if redacted == nil || redacted.HoldoutCommitment == nil {
		return ErrNoCommitment
	}
	if len(salt) != SaltSize {
		return ErrSaltSize
	}
	hc := redacted.HoldoutCommitment
	if len(holdouts) != hc.Count {
		return fmt.Errorf("%w (%d holdouts; the commitment is to %d)", ErrCommitmentMismatch, len(holdouts), hc.Count)
	}
	sum, err := commitment(salt, holdouts)
	if err != nil {
		return fmt.Errorf("holdout commitment: %w", err)
	}
	if subtle.ConstantTimeCompare([]byte(sum), []byte(hc.SHA256)) != 1 {
		return fmt.Errorf("%w (sha256 %s; the commitment is %s)", ErrCommitmentMismatch, sum, hc.SHA256)
	}
	return nil
}

// Join rebuilds the author's contract from its redacted copy and its
// holdouts file, after checking the file belongs to the contract and
// matches its commitment. The result has the holdouts and holdoutSalt and
// no commitment, so its FullSHA256 is the author's and its SHA256 the
// redacted copy's.
func Join(redacted *Contract, hf *HoldoutsFile) (*Contract, error) {
	if redacted == nil || hf == nil {
		return nil, fmt.Errorf("join holdouts: %w", ErrNoCommitment)
	}
	n := normalize(redacted)
	if err := validate(n, "", nil); err != nil {
		return nil, fmt.Errorf("join holdouts: %w", err)
	}
	if err := hf.Validate(); err != nil {
		return nil, fmt.Errorf("join holdouts: %w", err)
	}
	if len(n.Holdouts) > 0 {
		return nil, fmt.Errorf("join holdouts: %w", ErrNotRedacted)
	}
	if hf.Contract != n.ID {
		return nil, fmt.Errorf("join holdouts: %w (it is for %s, the contract is %s)", ErrWrongContract, hf.Contract, n.ID)
	}
	salt, _ := hex.DecodeString(hf.Salt) // Validate checked it
	switch {
	case n.HoldoutCommitment != nil:
		if err := VerifyCommitment(n, hf.Holdouts, salt); err != nil {
			return nil, fmt.Errorf("join holdouts: %w", err)
		}
	case len(hf.Holdouts) > 0:
		return nil, fmt.Errorf("join holdouts: %w", ErrNoCommitment)
	}
	n.HoldoutCommitment = nil
	n.Holdouts = normalizeHoldouts(hf.Holdouts)
	n.HoldoutSalt = hf.Salt
	if err := validate(n, "", nil); err != nil {
		return nil, fmt.Errorf("join holdouts: %w", err)
	}
	return n, nil
}
