package sign

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/hiddeco/sshsig"
	"golang.org/x/crypto/ssh"
)

// Namespace is the SSHSIG namespace of every git-proof signature. A distinct
// namespace keeps a proof signature from being replayed as a git commit
// signature ("git") or a file signature ("file"), and vice versa.
const Namespace = "git-proof"

// ApproveNamespace is the SSHSIG namespace of human sign-offs (`git proof
// approve`). Being trusted to sign proofs (Namespace) does not make a key
// an approver: see AllowedSigners.LookupExplicit.
const ApproveNamespace = "git-proof-approve"

// VerifySSHSIG checks that blob, an SSHSIG wire-format signature (the
// base64-decoded body of `ssh-keygen -Y sign` armor), is a valid signature
// over data in namespace, and returns the public key embedded in it.
//
// This is the crypto check only: it says who signed, not whether that signer
// is trusted — that is AllowedSigners.Lookup. Every error matches
// ErrBadSignature; a namespace mismatch also matches ErrWrongNamespace.
func VerifySSHSIG(data, blob []byte, namespace string) (ssh.PublicKey, error) {
	if namespace == "" {
		// SSHSIG requires a namespace; an empty one would accept anything.
		return nil, badSignature("verify", errors.New("empty namespace"))
	}
	sig, err := sshsig.ParseSignature(blob)
	if err != nil {
		return nil, badSignature("parse signature", err)
	}
	if sig.Version != 1 { // ParseSignature checks this too; stay explicit.
		return nil, badSignature("parse signature", fmt.Errorf("version %d, want 1", sig.Version))
	}
	if sig.Namespace != namespace {
		return nil, fmt.Errorf("%w: %w: signature is for %q, want %q", ErrBadSignature, ErrWrongNamespace, sig.Namespace, namespace)
	}
	if sig.HashAlgorithm != sshsig.HashSHA512 && sig.HashAlgorithm != sshsig.HashSHA256 {
		return nil, badSignature("parse signature", fmt.Errorf("hash %q, want sha512 or sha256", sig.HashAlgorithm))
	}
	if len(sig.Signature.Rest) != 0 && !isSecurityKey(sig.PublicKey) {
		// OpenSSH refuses trailing bytes after a plain signature; x/crypto
		// ignores them, which would make the blob malleable.
		return nil, badSignature("parse signature", errors.New("trailing data after signature"))
	}
	if err := sshsig.Verify(bytes.NewReader(data), sig, sig.PublicKey, sig.HashAlgorithm, namespace); err != nil {
		return nil, badSignature("verify", err)
	}
	return sig.PublicKey, nil
}

// isSecurityKey reports whether pub (or the key a certificate certifies) is a
// FIDO key, whose signatures carry flags and a counter after the signature.
func isSecurityKey(pub ssh.PublicKey) bool {
	if c, ok := pub.(*ssh.Certificate); ok {
		pub = c.Key
	}
	switch pub.Type() {
	case ssh.KeyAlgoSKECDSA256, ssh.KeyAlgoSKED25519:
		return true
	}
	return false
}
