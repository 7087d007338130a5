package sign

import (
	"errors"
	"fmt"
)

// Errors of this package. Crypto failures (the signature itself is bad) all
// match ErrBadSignature; trust failures (a good signature by a key the allowed
// signers file does not accept) are *TrustError values matching one of the
// trust sentinels. The two classes never overlap, so callers can tell "this
// record was tampered with" from "this signer is not trusted here".
var (
	// ErrBadSignature: the signature is malformed or does not verify over the
	// record, so the record was altered or not made by git-proof. Recover by
	// making a fresh record with `git proof run`.
	ErrBadSignature = errors.New("bad signature")

	// ErrWrongNamespace (always together with ErrBadSignature): the signature
	// was made for another purpose, e.g. `git commit -S` (namespace "git"),
	// and must not be taken as a proof record. Recover by signing with
	// git-proof, which uses the "git-proof" namespace.
	ErrWrongNamespace = errors.New("signature namespace mismatch")

	// ErrUntrustedKey: the signing key is not listed in the allowed signers
	// file. Recover by adding the key to the allowed signers file named by
	// proof.allowedSignersFile (or gpg.ssh.allowedSignersFile).
	ErrUntrustedKey = errors.New("unknown key")

	// ErrNamespaceNotAllowed: every line listing the key restricts it with
	// namespaces= that excludes "git-proof". Recover by adding git-proof to
	// the line's namespaces="…" option (or by removing the option).
	ErrNamespaceNotAllowed = errors.New("namespace not allowed")

	// ErrKeyNotYetValid: the record was signed before the key's
	// valid-after time. Recover by correcting valid-after, or by re-signing
	// once the key is valid.
	ErrKeyNotYetValid = errors.New("not yet valid")

	// ErrKeyExpired: the record was signed after the key's valid-before
	// time. Recover by re-signing with a current key, or by extending
	// valid-before if the key is still trusted.
	ErrKeyExpired = errors.New("expired")

	// ErrCertAuthorityUnsupported: the key is only listed as a
	// cert-authority, and git-proof does not verify SSH certificates.
	// Recover by listing the signing key itself in the allowed signers file.
	ErrCertAuthorityUnsupported = errors.New("cert-authority unsupported")
)

// TrustError is the trust decision refusing a key. Reason is the Error text
// of the matching sentinel ("unknown key", "namespace not allowed", "not yet
// valid", "expired", "cert-authority unsupported"), so errors.Is works with
// the sentinels; Line is the allowed signers line that decided (0 if none).
type TrustError struct {
	Reason string
	Line   int

	detail string // human context, e.g. the valid-before date
}

// Error names the deciding line, as ssh-keygen does, so the user can fix it.
func (e *TrustError) Error() string {
	msg := e.Reason
	if e.detail != "" {
		msg += ": " + e.detail
	}
	if e.Line > 0 {
		return fmt.Sprintf("allowed signers line %d: %s", e.Line, msg)
	}
	return msg
}

// Is matches the sentinel with the same reason.
func (e *TrustError) Is(target error) bool {
	switch target {
	case ErrUntrustedKey, ErrNamespaceNotAllowed, ErrKeyNotYetValid, ErrKeyExpired, ErrCertAuthorityUnsupported:
		return target.Error() == e.Reason
	}
	return false
}

// badSignature marks err as a crypto failure (ErrBadSignature) keeping the
// cause reachable with errors.Is/As.
func badSignature(context string, cause error) error {
	return fmt.Errorf("%w: %s: %w", ErrBadSignature, context, cause)
}
