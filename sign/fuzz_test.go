package sign

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hiddeco/sshsig"
	"golang.org/x/crypto/ssh"
)

// fuzzSigner is a fixed ed25519 key, so the seed corpus is deterministic.
func fuzzSigner(t testing.TB) ssh.Signer {
	t.Helper()
	s, err := ssh.NewSignerFromKey(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func FuzzParseAllowedSigners(f *testing.F) {
	k := authorizedKey(fuzzSigner(f).PublicKey())
	for _, seed := range []string{
		"",
		"# comment\n\n",
		"alice@example.com " + k + " comment\n",
		"alice@example.com,*@corp.example,!eve@corp.example " + k,
		`"alice smith" ` + k + "\r\n",
		`alice@example.com cert-authority,namespaces="git,git-proof",valid-after="20240101Z",valid-before="202501021530utc" ` + k,
		`alice@example.com NAMESPACES="a \"b,c",,Valid-After="20240101" ` + k,
		`alice@example.com namespaces="unterminated ` + k,
		`alice@example.com valid-after="20241301Z" ` + k,
		"alice@example.com ssh-ed25519 AAAA!!!!\n",
		"alice@example.com ssh-foo AAAA\n",
		`"unterminated ` + k,
		"alice@example.com\n",
		"alice@example.com " + k + "\x00\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		as, err := parseAllowedSigners(bytes.NewReader(data), "", time.UTC)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "allowed signers line ") {
				t.Fatalf("error does not name a line: %v", err)
			}
			return
		}
		for _, e := range as.Entries {
			if e.Line < 1 || e.Principals == "" || e.Key == nil {
				t.Fatalf("bad entry %+v", e)
			}
			if !e.ValidAfter.IsZero() && !e.ValidBefore.IsZero() && !e.ValidBefore.After(e.ValidAfter) {
				t.Fatalf("empty validity window accepted: %+v", e)
			}
			principal, err := as.Lookup(e.Key, Namespace, e.ValidAfter)
			var te *TrustError
			if err != nil && !errors.As(err, &te) {
				t.Fatalf("Lookup error is not a TrustError: %v", err)
			}
			if err == nil && principal == "" {
				t.Fatal("granted with empty principal")
			}
		}
	})
}

func FuzzVerifySSHSIG(f *testing.F) {
	signer := fuzzSigner(f)
	data := []byte("DSSEv1 28 application/vnd.in-toto+json 2 {}")
	for _, h := range []sshsig.HashAlgorithm{sshsig.HashSHA512, sshsig.HashSHA256} {
		for _, ns := range []string{Namespace, "git"} {
			sig, err := sshsig.Sign(bytes.NewReader(data), signer, h, ns)
			if err != nil {
				f.Fatal(err)
			}
			blob := sig.Marshal()
			f.Add(data, blob)
			f.Add(data, blob[:len(blob)/2])
			f.Add(data[1:], blob)
		}
	}
	f.Add([]byte{}, []byte("SSHSIG"))
	f.Add([]byte{}, []byte{})
	f.Fuzz(func(t *testing.T, data, blob []byte) {
		pub, err := VerifySSHSIG(data, blob, Namespace)
		if err != nil {
			if !errors.Is(err, ErrBadSignature) {
				t.Fatalf("error is not ErrBadSignature: %v", err)
			}
			if pub != nil {
				t.Fatal("key returned with an error")
			}
			return
		}
		// Accepted: the blob must be a canonical git-proof signature that
		// x/crypto and sshsig agree on.
		sig, perr := sshsig.ParseSignature(blob)
		if perr != nil || sig.Namespace != Namespace || !sameKey(sig.PublicKey, pub) {
			t.Fatalf("accepted an odd blob: %v", perr)
		}
		if err := sshsig.Verify(bytes.NewReader(data), sig, pub, sig.HashAlgorithm, Namespace); err != nil {
			t.Fatalf("accepted, but sshsig.Verify says %v", err)
		}
	})
}
