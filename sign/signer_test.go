package sign

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// TestSignerKeyForms covers the file forms of user.signingkey that need no
// agent: the private half is on disk.
func TestSignerKeyForms(t *testing.T) {
	ctx := context.Background()
	home := t.TempDir()
	t.Setenv("HOME", home)
	key := genKey(t, home, "id_ed25519", "ed25519")
	noPub := genKey(t, home, "nopub", "ecdsa-p256")
	if err := os.Remove(noPub.PubPath); err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(mustGetwd(t), key.Priv)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		key  string
		want ssh.PublicKey
	}{
		{"private key file", key.Priv, key.Pub},
		{"public key file beside private", key.PubPath, key.Pub},
		{"tilde", "~/id_ed25519", key.Pub},
		{"relative path", rel, key.Pub},
		{"private key without .pub", noPub.Priv, noPub.Pub},
	}
	for _, tc := range tests {
		for _, external := range []bool{false, true} {
			name := tc.name
			if external {
				name += " (ssh-keygen)"
			}
			t.Run(name, func(t *testing.T) {
				s, err := NewSSHSigner(ctx, SSHSignerOptions{Key: tc.key, External: external})
				if err != nil {
					t.Fatal(err)
				}
				// In process only for a private key file read
				// directly; a .pub names a key for ssh-keygen to find.
				if want := !external && !strings.HasSuffix(tc.key, ".pub"); s.InProcess() != want {
					t.Errorf("InProcess = %v; want %v", s.InProcess(), want)
				}
				if !sameKey(s.PublicKey(), tc.want) {
					t.Fatal("wrong public key resolved")
				}
				id, err := s.KeyID()
				if err != nil || id != ssh.FingerprintSHA256(tc.want) || !strings.HasPrefix(id, "SHA256:") {
					t.Fatalf("KeyID = %q, %v", id, err)
				}
				blob, err := s.Sign(ctx, []byte("data"))
				if err != nil {
					t.Fatal(err)
				}
				if _, err := VerifySSHSIG([]byte("data"), blob, Namespace); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}

// TestNativeMatchesSSHKeygen: a key file without a passphrase is signed in
// process, and the signature is byte for byte ssh-keygen's for the
// deterministic algorithms (Ed25519, RSA with rsa-sha2-512); ECDSA's is
// random, so there ssh-keygen -Y verify is the judge. A key with a
// passphrase, or another gpg.ssh.program, goes to the program.
func TestNativeMatchesSSHKeygen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	data := []byte("PAE bytes\x00and no newline")
	for _, typ := range []string{"ed25519", "rsa", "ecdsa-p256"} {
		t.Run(typ, func(t *testing.T) {
			key := genKey(t, dir, typ, typ)
			s, err := NewSSHSigner(ctx, SSHSignerOptions{Key: key.Priv})
			if err != nil {
				t.Fatal(err)
			}
			if !s.InProcess() {
				t.Fatal("a key file without a passphrase is not signed in process")
			}
			s.Warm() // changes nothing a signature shows
			blob, err := s.Sign(ctx, data)
			if err != nil {
				t.Fatal(err)
			}
			theirs := unarmor(t, keygenSign(t, key.Priv, Namespace, data))
			if typ != "ecdsa-p256" && string(blob) != string(theirs) {
				t.Errorf("in-process signature differs from ssh-keygen's:\n ours   %x\n theirs %x", blob, theirs)
			}
			sigFile := writeFile(t, filepath.Join(dir, typ+".sig"), armor(t, blob))
			allowed := writeFile(t, filepath.Join(dir, typ+".allowed"), []byte("alice@example.com "+key.PubText+"\n"))
			runOK(t, data, nil, "ssh-keygen", "-Y", "verify", "-n", Namespace, "-f", allowed, "-I", "alice@example.com", "-s", sigFile)
		})
	}
	locked := genKeyWithPassphrase(t, dir, "locked", "ed25519", "secret phrase")
	plain := genKey(t, dir, "plain", "ed25519")
	for _, tc := range []struct {
		name string
		opts SSHSignerOptions
	}{
		{"passphrase", SSHSignerOptions{Key: locked.Priv}},
		{"gpg.ssh.program", SSHSignerOptions{Key: plain.Priv, Program: "/usr/bin/ssh-keygen"}},
		{"External", SSHSignerOptions{Key: plain.Priv, External: true}},
	} {
		s, err := NewSSHSigner(ctx, tc.opts)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if s.InProcess() {
			t.Errorf("%s: signs in process; want ssh-keygen", tc.name)
		}
	}
}

// TestWarmRunsNoProgram: Warm is for in-process keys only; a signer that
// signs with a program must not start it (it may ask for a passphrase or
// touch a security key).
func TestWarmRunsNoProgram(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	key := genKey(t, dir, "k", "ed25519")
	log := filepath.Join(dir, "calls")
	prog := writeFile(t, filepath.Join(dir, "keygen"), []byte("#!/bin/sh\necho \"$*\" >>"+log+"\nexec ssh-keygen \"$@\"\n"))
	if err := os.Chmod(prog, 0o755); err != nil {
		t.Fatal(err)
	}
	s, err := NewSSHSigner(ctx, SSHSignerOptions{Key: key.Priv, Program: prog})
	if err != nil {
		t.Fatal(err)
	}
	s.Warm()
	if b, err := os.ReadFile(log); err == nil {
		t.Fatalf("Warm ran the signing program: %s", b)
	}
	if _, err := s.Sign(ctx, []byte("data")); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(log); err != nil || !strings.Contains(string(b), "-Y sign") {
		t.Fatalf("Sign did not run the program (the test would show nothing): %q, %v", b, err)
	}
}

func TestSignerErrors(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	key := genKey(t, dir, "id", "ed25519")
	other := genKey(t, dir, "other", "ed25519")

	// A .pub that does not belong to its private key.
	stale := genKey(t, dir, "stale", "ed25519")
	writeFile(t, stale.PubPath, []byte(other.PubText+"\n"))

	// A gpg.ssh.program wrapper that signs with a different key than asked.
	wrapper := writeFile(t, filepath.Join(dir, "wrong-key-signer"),
		[]byte("#!/bin/sh\nexec ssh-keygen -Y sign -n git-proof -f '"+other.Priv+"'\n"))
	if err := os.Chmod(wrapper, 0o700); err != nil {
		t.Fatal(err)
	}
	silent := writeFile(t, filepath.Join(dir, "silent-signer"), []byte("#!/bin/sh\ncat >/dev/null\n"))
	if err := os.Chmod(silent, 0o700); err != nil {
		t.Fatal(err)
	}

	newErr := []struct {
		name string
		opts SSHSignerOptions
		want string
	}{
		{"empty key", SSHSignerOptions{}, "no signing key"},
		{"missing file", SSHSignerOptions{Key: filepath.Join(dir, "nope")}, "no such file"},
		{"garbage literal", SSHSignerOptions{Key: "key::not a key"}, "unknown key type"},
		{"bad base64 literal", SSHSignerOptions{Key: "ssh-ed25519 !!!!"}, "bad base64"},
		{"missing program", SSHSignerOptions{Key: key.Priv, Program: filepath.Join(dir, "no-such-ssh-keygen")}, "ssh signing program"},
		{"not a key file", SSHSignerOptions{Key: wrapper}, "-y"},
		{"corrupt .pub", SSHSignerOptions{Key: writeFile(t, filepath.Join(dir, "corrupt.pub"), []byte("ssh-ed25519 AAAA\n"))}, "corrupt.pub: invalid ssh-ed25519 key"},
		{"stale .pub, in process", SSHSignerOptions{Key: stale.Priv}, "make the .pub match"},
	}
	for _, tc := range newErr {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewSSHSigner(ctx, tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}

	signErr := []struct {
		name string
		opts SSHSignerOptions
		want string
	}{
		{"stale .pub, ssh-keygen", SSHSignerOptions{Key: stale.Priv, External: true}, "-Y sign"},
		{"program signs with another key", SSHSignerOptions{Key: key.Priv, Program: wrapper}, "not the configured key"},
		{"program prints nothing", SSHSignerOptions{Key: key.Priv, Program: silent}, "no SSH SIGNATURE block"},
		{"literal key, no agent", SSHSignerOptions{Key: "key::" + key.PubText}, "-Y sign"},
	}
	for _, tc := range signErr {
		t.Run(tc.name, func(t *testing.T) {
			s, err := NewSSHSigner(ctx, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.Sign(ctx, []byte("data"))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}

	for _, external := range []bool{false, true} {
		t.Run(fmt.Sprintf("canceled context, external %v", external), func(t *testing.T) {
			s, err := NewSSHSigner(ctx, SSHSignerOptions{Key: key.Priv, External: external})
			if err != nil {
				t.Fatal(err)
			}
			cctx, cancel := context.WithCancel(ctx)
			cancel()
			if _, err := s.Sign(cctx, []byte("data")); err == nil {
				t.Fatal("signed with a canceled context")
			}
		})
	}
}

// TestSignerAgent signs with keys whose private half exists only in a real
// ssh-agent, reached through opts.Env.
func TestSignerAgent(t *testing.T) {
	if _, err := exec.LookPath("ssh-agent"); err != nil {
		t.Skip("ssh-agent not installed")
	}
	ctx := context.Background()
	dir := t.TempDir()
	sock := startAgent(t, dir)
	env := []string{"SSH_AUTH_SOCK=" + sock}

	inAgent := genKey(t, dir, "in-agent", "ed25519")
	runOK(t, nil, env, "ssh-add", "-q", inAgent.Priv)
	if err := os.Remove(inAgent.Priv); err != nil { // only the agent has it now
		t.Fatal(err)
	}
	ecdsaInAgent := genKey(t, dir, "ecdsa-in-agent", "ecdsa-p256")
	runOK(t, nil, env, "ssh-add", "-q", ecdsaInAgent.Priv)
	if err := os.Remove(ecdsaInAgent.Priv); err != nil {
		t.Fatal(err)
	}
	notInAgent := genKey(t, dir, "not-in-agent", "ed25519")
	if err := os.Remove(notInAgent.Priv); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		opts    SSHSignerOptions
		want    ssh.PublicKey
		wantErr bool
	}{
		{"key:: literal", SSHSignerOptions{Key: "key::" + inAgent.PubText, Env: env}, inAgent.Pub, false},
		{"bare literal", SSHSignerOptions{Key: inAgent.PubText, Env: env}, inAgent.Pub, false},
		{"bare ecdsa literal", SSHSignerOptions{Key: authorizedKey(ecdsaInAgent.Pub), Env: env}, ecdsaInAgent.Pub, false},
		{"path to .pub", SSHSignerOptions{Key: inAgent.PubPath, Env: env}, inAgent.Pub, false},
		{"literal not in agent", SSHSignerOptions{Key: "key::" + notInAgent.PubText, Env: env}, nil, true},
		{".pub not in agent", SSHSignerOptions{Key: notInAgent.PubPath, Env: env}, nil, true},
		{"agent not passed", SSHSignerOptions{Key: "key::" + inAgent.PubText}, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := NewSSHSigner(ctx, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			blob, err := s.Sign(ctx, []byte("agent data"))
			if tc.wantErr {
				if err == nil {
					t.Fatal("signed without the private key")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			pub, err := VerifySSHSIG([]byte("agent data"), blob, Namespace)
			if err != nil {
				t.Fatal(err)
			}
			if !sameKey(pub, tc.want) {
				t.Fatal("signed by the wrong key")
			}
		})
	}
}

// startAgent runs `ssh-agent -D -a sock` for the test's lifetime.
func startAgent(t *testing.T, dir string) string {
	t.Helper()
	sock := filepath.Join(dir, "agent.sock")
	cmd := exec.Command("ssh-agent", "-D", "-a", sock)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	// Wait for the socket; the deadline only bounds a hung agent.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if _, err := os.Stat(sock); err == nil {
			return sock
		} else if !errors.Is(err, os.ErrNotExist) || time.Now().After(deadline) {
			t.Fatalf("ssh-agent socket: %v", err)
		}
	}
}

func mustGetwd(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return wd
}
