package contract

import (
	"errors"
	"fmt"
	"time"
)

// Versions of the two file formats this package reads and writes.
const (
	// APIVersion is the apiVersion of a contract file.
	APIVersion = "git-proof.dev/contract/v1"
	// HoldoutsAPIVersion is the apiVersion of a holdouts file, the part of
	// an author's contract that is kept outside the repository.
	HoldoutsAPIVersion = "git-proof.dev/holdouts/v1"
)

// Limits on contract input. A contract is hand-written prose plus a few
// small test files; anything larger is a mistake or an attack.
const (
	// MaxBytes bounds a contract or holdouts file.
	MaxBytes = 1 << 20
	// SaltSize is the length in bytes of a holdout salt.
	SaltSize = 32
	// DefaultTimeoutSec is a check's timeout when the contract gives none.
	DefaultTimeoutSec = 120
	// MaxTimeoutSec bounds a check's timeoutSec.
	MaxTimeoutSec = 3600
)

// Kind says what sort of change a contract asks for.
type Kind string

// The kinds of change.
const (
	KindBugfix   Kind = "bugfix"
	KindFeature  Kind = "feature"
	KindRefactor Kind = "refactor"
	KindSecurity Kind = "security"
)

// needsRepro reports whether the kind is a fix, whose bug must be shown to
// exist on the base tree.
func (k Kind) needsRepro() bool { return k == KindBugfix || k == KindSecurity }

// Risk is the author's estimate of how much harm a wrong change could do;
// policy maps it to required reviewers and holdouts.
type Risk string

// The risk levels.
const (
	RiskLow    Risk = "low"
	RiskMedium Risk = "medium"
	RiskHigh   Risk = "high"
)

// Disclosure values for Disclosure.Holdouts.
const (
	// DiscloseAfterRun publishes the holdouts (and the salt) in the proof,
	// so any verifier can re-run them. It is the default.
	DiscloseAfterRun = "after-run"
	// DiscloseNever keeps them secret: verifiers trust the signer's result.
	DiscloseNever = "never"
)

// Contract is a contract file: what "correct" means for one change, fixed
// before the code exists. An author's copy carries Holdouts (and may carry
// HoldoutSalt); the redacted copy given to the implementer carries
// HoldoutCommitment instead. Parse fills in defaults, so two files that
// differ only in spelled-out defaults give equal contracts and equal hashes.
//
// The json names are the YAML keys; the JSON form is what the hashes cover
// (see Canonical).
type Contract struct {
	APIVersion string `json:"apiVersion"`
	// ID names the contract in proofs and holdouts files, e.g. "GP-42".
	ID    string `json:"id"`
	Title string `json:"title"`
	Kind  Kind   `json:"kind"`
	// Risk is optional; "" means the author gave none.
	Risk   Risk   `json:"risk,omitempty"`
	Intent string `json:"intent"`
	Bug    Bug    `json:"bug,omitzero"`
	Scope  Scope  `json:"scope,omitzero"`
	// NonGoals say what the change must leave alone.
	NonGoals []string `json:"nonGoals,omitempty"`
	// Repro criteria must fail on the base tree and pass on the head tree.
	Repro []Criterion `json:"repro,omitempty"`
	// Acceptance criteria must pass on the head tree; at least one.
	Acceptance []Criterion `json:"acceptance"`
	// Holdouts are criteria the implementer never sees (author's copy).
	Holdouts []Holdout `json:"holdouts,omitempty"`
	// HoldoutSalt is the hex salt of the commitment (author's copy only),
	// kept so that redacting twice gives the same redacted copy.
	HoldoutSalt string `json:"holdoutSalt,omitempty"`
	// HoldoutCommitment binds a redacted copy to its hidden holdouts.
	HoldoutCommitment *Commitment `json:"holdoutCommitment,omitempty"`
	Disclosure        Disclosure  `json:"disclosure"`
}

// Bug describes a defect in the words of a Kiro bugfix spec.
type Bug struct {
	// Current is the defective behaviour.
	Current string `json:"current,omitempty"`
	// Expected is the behaviour after the fix.
	Expected string `json:"expected,omitempty"`
	// Unchanged lists behaviour the fix must not regress.
	Unchanged []string `json:"unchanged,omitempty"`
}

// Scope bounds which files a change may touch. Globs are doublestar
// patterns over slash-separated paths relative to the repository root.
type Scope struct {
	// Allow lists the paths a change may touch; empty allows every path.
	Allow []string `json:"allow,omitempty"`
	// Deny lists paths a change must not touch, even when allowed.
	Deny []string `json:"deny,omitempty"`
	// MaxFiles bounds how many files a change touches; 0 means no bound.
	MaxFiles int `json:"maxFiles,omitempty"`
}

// Criterion is one repro or acceptance criterion: a sentence for people
// and a check for machines.
type Criterion struct {
	ID string `json:"id"`
	// EARS is the criterion in EARS ("WHEN … THE … SHALL …") or
	// Given/When/Then form. Required for acceptance, optional for repro.
	EARS string `json:"ears,omitempty"`
	// Check makes the criterion runnable. Required for repro.
	Check *Check `json:"check,omitempty"`
}

// Holdout is a criterion the implementer never sees, with the test files
// the verifier writes into a throw-away worktree before running its check.
type Holdout struct {
	ID    string `json:"id"`
	EARS  string `json:"ears"`
	Files []File `json:"files,omitempty"`
	Check Check  `json:"check"`
}

// File is a file a holdout adds to the tree under test.
type File struct {
	// Path is relative to the repository root, clean, and outside .git.
	Path    string `json:"path"`
	Content string `json:"content"`
}

// Check is a command run in the tree under test, without a shell.
type Check struct {
	// Run is the argv; Run[0] is a program on PATH or a relative path.
	Run    []string `json:"run"`
	Expect Expect   `json:"expect"`
	// TimeoutSec is 1 to MaxTimeoutSec; Parse fills in DefaultTimeoutSec.
	TimeoutSec int `json:"timeoutSec"`
}

// Timeout is the check's timeout as a duration.
func (c Check) Timeout() time.Duration {
	if c.TimeoutSec <= 0 {
		return DefaultTimeoutSec * time.Second
	}
	return time.Duration(c.TimeoutSec) * time.Second
}

// Expect is what a check's run must produce to pass.
type Expect struct {
	// Exit is the exit status that means "holds" (0 to 255; default 0).
	Exit int `json:"exit"`
}

// Commitment binds a redacted contract to holdouts it does not show:
// SHA256 is hex(sha256(salt ‖ JCS(holdouts))).
type Commitment struct {
	Count  int    `json:"count"`
	SHA256 string `json:"sha256"`
}

// Disclosure says what happens to the holdouts once a proof is made.
type Disclosure struct {
	// Holdouts is DiscloseAfterRun (the default) or DiscloseNever.
	Holdouts string `json:"holdouts"`
}

// HoldoutsFile is the part of an author's contract kept outside the
// repository: the holdouts and the salt of the redacted copy's commitment.
type HoldoutsFile struct {
	APIVersion string `json:"apiVersion"`
	// Contract is the ID of the contract the holdouts belong to.
	Contract string `json:"contract"`
	// Salt is the commitment's salt, 64 lower-case hex digits.
	Salt     string    `json:"salt"`
	Holdouts []Holdout `json:"holdouts"`
}

// Error is a problem at a place in a contract or holdouts file. Msg ends
// with how to fix it.
type Error struct {
	File string
	Line int // 0 when the problem has no single line
	Msg  string
	// Err is the underlying cause, if any (a YAML syntax error).
	Err error
}

func (e *Error) Error() string {
	switch {
	case e.File != "" && e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	case e.File != "":
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	case e.Line > 0:
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return e.Msg
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Errors of redaction and joining; each says how to recover.
var (
	// ErrSaltSize: the salt is not SaltSize bytes. Make one with NewSalt.
	ErrSaltSize = errors.New("holdout salt must be 32 bytes; make one with NewSalt (crypto/rand)")
	// ErrNoSalt: an author's copy with holdouts needs a salt to be
	// redacted or hashed. Pass one, or keep it in holdoutSalt.
	ErrNoSalt = errors.New("the contract has holdouts but no holdoutSalt; pass a salt (NewSalt) or add holdoutSalt: <64 hex> to the author's copy")
	// ErrSaltMismatch: the salt passed differs from the contract's own.
	ErrSaltMismatch = errors.New("the salt differs from the contract's holdoutSalt; pass nil to use holdoutSalt")
	// ErrRedacted: the operation needs the author's copy, with holdouts.
	ErrRedacted = errors.New("the contract is a redacted copy (it has holdoutCommitment); join it with its holdouts file first")
	// ErrNotRedacted: the operation needs a redacted copy.
	ErrNotRedacted = errors.New("the contract already has its holdouts; join only a redacted copy")
	// ErrNoCommitment: there is nothing to check holdouts against.
	ErrNoCommitment = errors.New("the contract has no holdoutCommitment; redact the author's copy with git proof contract redact")
	// ErrCommitmentMismatch: the holdouts are not the ones committed to.
	ErrCommitmentMismatch = errors.New("the holdouts do not match the contract's holdoutCommitment; use the holdouts file written when this contract was redacted")
	// ErrWrongContract: a holdouts file belongs to another contract.
	ErrWrongContract = errors.New("the holdouts file belongs to another contract; pass the holdouts file written with this contract")

	errNil = errors.New("no contract (nil); parse one first")
)
