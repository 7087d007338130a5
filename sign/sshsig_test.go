package sign

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"path/filepath"
	"testing"

	"github.com/secure-systems-lab/go-securesystemslib/dsse"
	"golang.org/x/crypto/ssh"
)

func TestSignVerifyRoundTrip(t *testing.T) {
	ctx := context.Background()
	data := []byte("DSSEv1 28 application/vnd.in-toto+json 2 {}")
	for _, typ := range []string{"ed25519", "ecdsa-p256"} {
		t.Run(typ, func(t *testing.T) {
			key := genKey(t, t.TempDir(), "id", typ)
			s, err := NewSSHSigner(ctx, SSHSignerOptions{Key: key.Priv})
			if err != nil {
				t.Fatal(err)
			}
			blob, err := s.Sign(ctx, data)
			if err != nil {
				t.Fatal(err)
			}
			flip := func(b []byte, i int) []byte {
				c := bytes.Clone(b)
				c[i] ^= 1
				return c
			}
			tests := []struct {
				name          string
				data, blob    []byte
				namespace     string
				wantErr       bool
				wantNamespace bool // also ErrWrongNamespace
			}{
				{name: "ok", data: data, blob: blob, namespace: Namespace},
				{name: "flipped data byte", data: flip(data, 3), blob: blob, namespace: Namespace, wantErr: true},
				{name: "flipped signature byte", data: data, blob: flip(blob, len(blob)-5), namespace: Namespace, wantErr: true},
				{name: "wrong namespace", data: data, blob: blob, namespace: "git", wantErr: true, wantNamespace: true},
				{name: "empty namespace", data: data, blob: blob, namespace: "", wantErr: true},
				{name: "truncated blob", data: data, blob: blob[:len(blob)-10], namespace: Namespace, wantErr: true},
				{name: "trailing byte", data: data, blob: append(bytes.Clone(blob), 0), namespace: Namespace, wantErr: true},
				{name: "garbage", data: data, blob: []byte("-----BEGIN SSH SIGNATURE-----"), namespace: Namespace, wantErr: true},
				{name: "empty", data: data, blob: nil, namespace: Namespace, wantErr: true},
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					pub, err := VerifySSHSIG(tc.data, tc.blob, tc.namespace)
					if !tc.wantErr {
						if err != nil {
							t.Fatal(err)
						}
						if !sameKey(pub, key.Pub) {
							t.Fatalf("key %s, want %s", ssh.FingerprintSHA256(pub), ssh.FingerprintSHA256(key.Pub))
						}
						return
					}
					if !errors.Is(err, ErrBadSignature) {
						t.Fatalf("err = %v, want ErrBadSignature", err)
					}
					if got := errors.Is(err, ErrWrongNamespace); got != tc.wantNamespace {
						t.Fatalf("errors.Is(ErrWrongNamespace) = %v for %v", got, err)
					}
					var te *TrustError
					if errors.As(err, &te) {
						t.Fatalf("crypto failure %v is also a TrustError", err)
					}
				})
			}
		})
	}
}

// TestDSSEEnvelope signs through the dsse package, as proofpack does, and
// checks the envelope's signature over PAE.
func TestDSSEEnvelope(t *testing.T) {
	ctx := context.Background()
	key := genKey(t, t.TempDir(), "id", "ed25519")
	s, err := NewSSHSigner(ctx, SSHSignerOptions{Key: key.PubPath})
	if err != nil {
		t.Fatal(err)
	}
	es, err := dsse.NewEnvelopeSigner(s)
	if err != nil {
		t.Fatal(err)
	}
	payload := []byte(`{"_type":"https://in-toto.io/Statement/v1"}`)
	env, err := es.SignPayload(ctx, "application/vnd.in-toto+json", payload)
	if err != nil {
		t.Fatal(err)
	}
	if len(env.Signatures) != 1 || env.Signatures[0].KeyID != ssh.FingerprintSHA256(key.Pub) {
		t.Fatalf("signatures = %+v", env.Signatures)
	}
	blob, err := base64.StdEncoding.DecodeString(env.Signatures[0].Sig)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := VerifySSHSIG(dsse.PAE(env.PayloadType, payload), blob, Namespace); err != nil {
		t.Fatal(err)
	}
}

// TestOracleSSHKeygenVerifiesOurs: stock ssh-keygen accepts what Sign makes.
func TestOracleSSHKeygenVerifiesOurs(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	data := []byte("payload to sign\x00with a NUL and no newline")
	for _, typ := range []string{"ed25519", "ecdsa-p256"} {
		t.Run(typ, func(t *testing.T) {
			key := genKey(t, dir, typ, typ)
			s, err := NewSSHSigner(ctx, SSHSignerOptions{Key: key.Priv})
			if err != nil {
				t.Fatal(err)
			}
			blob, err := s.Sign(ctx, data)
			if err != nil {
				t.Fatal(err)
			}
			sigFile := writeFile(t, filepath.Join(dir, typ+".sig"), armor(t, blob))
			allowed := writeFile(t, filepath.Join(dir, typ+".allowed"), []byte("alice@example.com "+key.PubText+"\n"))
			runOK(t, data, nil, "ssh-keygen", "-Y", "verify", "-n", Namespace, "-f", allowed, "-I", "alice@example.com", "-s", sigFile)
			out := runOK(t, nil, nil, "ssh-keygen", "-Y", "find-principals", "-f", allowed, "-s", sigFile)
			if out != "alice@example.com\n" {
				t.Fatalf("find-principals printed %q", out)
			}
			if _, _, err := run(t, data, nil, "ssh-keygen", "-Y", "verify", "-n", "git", "-f", allowed, "-I", "alice@example.com", "-s", sigFile); err == nil {
				t.Fatal("ssh-keygen accepted a git-proof signature for namespace git")
			}
		})
	}
}

// TestOracleWeVerifySSHKeygens: VerifySSHSIG accepts signatures made by
// ssh-keygen itself, and refuses them for another namespace.
func TestOracleWeVerifySSHKeygens(t *testing.T) {
	dir := t.TempDir()
	data := []byte("tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n")
	for _, typ := range []string{"ed25519", "ecdsa-p256"} {
		key := genKey(t, dir, typ, typ)
		tests := []struct {
			name, namespace string
			extra           []string
			wantErr         error
		}{
			{name: "git-proof", namespace: Namespace},
			{name: "git-proof sha256", namespace: Namespace, extra: []string{"-O", "hashalg=sha256"}},
			{name: "git", namespace: "git", wantErr: ErrWrongNamespace},
			{name: "file", namespace: "file", wantErr: ErrWrongNamespace},
		}
		for _, tc := range tests {
			t.Run(typ+"/"+tc.name, func(t *testing.T) {
				blob := unarmor(t, keygenSign(t, key.Priv, tc.namespace, data, tc.extra...))
				pub, err := VerifySSHSIG(data, blob, Namespace)
				if tc.wantErr != nil {
					if !errors.Is(err, tc.wantErr) || !errors.Is(err, ErrBadSignature) {
						t.Fatalf("err = %v, want %v", err, tc.wantErr)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if !sameKey(pub, key.Pub) {
					t.Fatal("wrong key returned")
				}
			})
		}
	}
}
