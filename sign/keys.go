package sign

import (
	"bytes"
	"crypto"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/ssh"
)

// isKeyType reports whether s is a key type name a public key line may
// start with: those golang.org/x/crypto/ssh can parse. OpenSSH's short names
// ("ED25519") are left out because ssh-keygen 9.2 refuses them in
// allowed_signers too. DSA still parses so an old line does not break a file.
func isKeyType(s string) bool {
	switch s {
	case ssh.KeyAlgoED25519, ssh.KeyAlgoSKED25519,
		ssh.KeyAlgoECDSA256, ssh.KeyAlgoECDSA384, ssh.KeyAlgoECDSA521, ssh.KeyAlgoSKECDSA256,
		ssh.KeyAlgoRSA, ssh.InsecureKeyAlgoDSA,
		ssh.CertAlgoED25519v01, ssh.CertAlgoSKED25519v01,
		ssh.CertAlgoECDSA256v01, ssh.CertAlgoECDSA384v01, ssh.CertAlgoECDSA521v01, ssh.CertAlgoSKECDSA256v01,
		ssh.CertAlgoRSAv01, ssh.InsecureCertAlgoDSAv01:
		return true
	}
	return false
}

// cutField splits s at the first space or tab and skips the blanks after it,
// the way OpenSSH's sshkey_read walks a key line.
func cutField(s string) (field, rest string) {
	i := strings.IndexAny(s, " \t")
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimLeft(s[i:], " \t")
}

// parseKeyFields parses "keytype base64 [comment]" (OpenSSH public key text)
// and returns the key and the comment. Unlike ssh.ParseAuthorizedKey it takes
// no options and insists the declared type matches the blob, as sshkey_read
// does.
func parseKeyFields(s string) (ssh.PublicKey, string, error) {
	typ, rest := cutField(s)
	if typ == "" {
		return nil, "", errors.New("missing key")
	}
	if !isKeyType(typ) {
		return nil, "", fmt.Errorf("unknown key type %q", short(typ))
	}
	b64, comment := cutField(rest)
	if b64 == "" {
		return nil, "", fmt.Errorf("missing %s key data", typ)
	}
	blob, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, "", fmt.Errorf("invalid %s key: bad base64: %w", typ, err)
	}
	pub, err := ssh.ParsePublicKey(blob)
	if err != nil {
		return nil, "", fmt.Errorf("invalid %s key: %w", typ, err)
	}
	if pub.Type() != typ {
		return nil, "", fmt.Errorf("key type mismatch: line says %s, key is %s", typ, pub.Type())
	}
	return pub, comment, nil
}

// parsePublicKeyText returns the first key of an OpenSSH public key file
// (what sshkey_load_public reads): blank and '#' lines are skipped.
func parsePublicKeyText(text []byte) (ssh.PublicKey, error) {
	for _, line := range strings.Split(string(text), "\n") {
		line = strings.Trim(line, " \t\r")
		if line == "" || line[0] == '#' {
			continue
		}
		pub, _, err := parseKeyFields(line)
		return pub, err
	}
	return nil, errors.New("no public key found")
}

// sameKey reports whether a and b are the same public key (certificates
// compare as whole certificates, as OpenSSH's sshkey_equal does).
func sameKey(a, b ssh.PublicKey) bool {
	if a == nil || b == nil {
		return false
	}
	if a.Type() != b.Type() {
		return false
	}
	switch a.Type() {
	case ssh.KeyAlgoED25519, ssh.KeyAlgoECDSA256, ssh.KeyAlgoECDSA384, ssh.KeyAlgoECDSA521, ssh.KeyAlgoRSA:
		// Compare the crypto keys: no allocation, which matters when
		// Lookup scans a long file. (Not for FIDO keys, whose
		// application string is not part of the crypto key.)
		ca, aok := a.(ssh.CryptoPublicKey)
		cb, bok := b.(ssh.CryptoPublicKey)
		if aok && bok {
			ka, aok := ca.CryptoPublicKey().(interface{ Equal(crypto.PublicKey) bool })
			if aok {
				return ka.Equal(cb.CryptoPublicKey())
			}
		}
	}
	return bytes.Equal(a.Marshal(), b.Marshal())
}

// short truncates s for error messages about untrusted input.
func short(s string) string {
	const max = 40
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}
