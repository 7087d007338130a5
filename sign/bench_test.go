package sign

import (
	"bytes"
	"crypto/ed25519"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hiddeco/sshsig"
	"golang.org/x/crypto/ssh"
)

func BenchmarkVerifySSHSIG(b *testing.B) {
	signer := fuzzSigner(b)
	data := bytes.Repeat([]byte("proof record "), 2048/13+1)[:2048]
	sig, err := sshsig.Sign(bytes.NewReader(data), signer, sshsig.HashSHA512, Namespace)
	if err != nil {
		b.Fatal(err)
	}
	blob := sig.Marshal()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := VerifySSHSIG(data, blob, Namespace); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLookup looks up the key on the last line of a 100-line file, the
// worst case for the linear scan; a third of the lines carry options.
func BenchmarkLookup(b *testing.B) {
	var sb strings.Builder
	var last ssh.PublicKey
	for i := range 100 {
		pub, err := ssh.NewPublicKey(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{byte(i)}, ed25519.SeedSize)).Public())
		if err != nil {
			b.Fatal(err)
		}
		opts := ""
		if i%3 == 0 {
			opts = `namespaces="git,git-proof",valid-after="20200101Z" `
		}
		fmt.Fprintf(&sb, "user%d@example.com %s%s\n", i, opts, authorizedKey(pub))
		last = pub
	}
	as, err := ParseAllowedSigners(strings.NewReader(sb.String()))
	if err != nil {
		b.Fatal(err)
	}
	at := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := as.Lookup(last, Namespace, at); err != nil {
			b.Fatal(err)
		}
	}
}
