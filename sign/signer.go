package sign

import (
	"bytes"
	"context"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/hiddeco/sshsig"
	"github.com/secure-systems-lab/go-securesystemslib/dsse"
	"golang.org/x/crypto/ssh"
)

// SSHSigner satisfies dsse.Signer so proofpack can sign envelopes with it.
var _ dsse.Signer = (*SSHSigner)(nil)

// maxKeyFileBytes bounds a key file read to find the public key; real ones
// are a few KiB.
const maxKeyFileBytes = 1 << 20

// SSHSignerOptions say which key signs and how to reach ssh-keygen; they
// mirror git's user.signingkey and gpg.ssh.program so the same settings work.
type SSHSignerOptions struct {
	// Key is what git's user.signingkey may hold: a private key file; a
	// public key file whose private half is in ssh-agent; or a literal public
	// key, "key::ssh-ed25519 AAAA…" or bare "ssh-…"/"ecdsa-…"/"sk-…", whose
	// private half must be in ssh-agent. A leading "~/" is the home directory.
	Key string
	// Program is the ssh-keygen to run (git's gpg.ssh.program); "" means
	// "ssh-keygen" from PATH.
	Program string
	// Namespace is the SSHSIG namespace to sign in; "" means Namespace.
	Namespace string
	// Env is added to the inherited environment of Program, e.g.
	// "SSH_AUTH_SOCK=…"; later entries win. nil inherits it unchanged.
	Env []string
	// External signs with Program even where the signer could sign in
	// process (see SSHSigner).
	External bool
}

// SSHSigner signs by running `ssh-keygen -Y sign`, as git does for
// gpg.format=ssh, so ssh-agent, FIDO keys and passphrase prompts all work.
// One case is signed in process instead: a private key file without a
// passphrase, when no other program is configured (git's gpg.ssh.program).
// That is what ssh-keygen would read and sign with; doing it here saves a
// process (~6 ms) on every run, and the signature is the same: Ed25519 and
// RSA (rsa-sha2-512) are deterministic, and TestNativeMatchesSSHKeygen
// checks the bytes against ssh-keygen's. It is safe for concurrent use.
type SSHSigner struct {
	program   string
	namespace string
	env       []string // nil: inherit
	keyFile   string   // -f argument; "" for a literal key
	literal   []byte   // the literal public key, written to a temp file per Sign
	pub       ssh.PublicKey
	native    ssh.Signer // the key file's private key; nil: sign with program
}

// InProcess reports whether Sign signs in process rather than with the
// ssh-keygen program.
func (s *SSHSigner) InProcess() bool { return s.native != nil }

// NewSSHSigner validates opts and resolves the signing public key up front,
// so a bad key setting fails before any work is done and KeyID needs no
// process. For a private key file it reads the .pub beside it, else asks
// `ssh-keygen -y -f`.
func NewSSHSigner(ctx context.Context, opts SSHSignerOptions) (*SSHSigner, error) {
	program := opts.Program
	if program == "" {
		program = "ssh-keygen"
	}
	path, err := exec.LookPath(program)
	if err != nil {
		return nil, fmt.Errorf("ssh signing program: %w", err)
	}
	s := &SSHSigner{program: path, namespace: opts.Namespace}
	if s.namespace == "" {
		s.namespace = Namespace
	}
	if opts.Env != nil {
		s.env = append(os.Environ(), opts.Env...)
	}
	key := opts.Key
	if key == "" {
		return nil, errors.New("no signing key given")
	}
	if lit, ok := literalKey(key); ok {
		pub, err := parsePublicKeyText([]byte(lit))
		if err != nil {
			return nil, fmt.Errorf("literal signing key: %w", err)
		}
		s.pub, s.literal = pub, []byte(strings.TrimSpace(lit)+"\n")
		return s, nil
	}
	if strings.HasPrefix(key, "~/") {
		home, err := os.UserHomeDir()
		if err != nil {
			return nil, fmt.Errorf("signing key %s: %w", key, err)
		}
		key = filepath.Join(home, key[2:])
	}
	if key, err = filepath.Abs(key); err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	s.keyFile = key
	external := opts.External || (opts.Program != "" && opts.Program != "ssh-keygen")
	if s.pub, s.native, err = s.resolveFileKey(ctx, !external); err != nil {
		return nil, err
	}
	return s, nil
}

// literalKey recognises a literal public key the way git's
// is_literal_ssh_key does (plus the ecdsa- and sk- prefixes git's bare form
// misses).
func literalKey(key string) (string, bool) {
	if lit, ok := strings.CutPrefix(key, "key::"); ok {
		return lit, true
	}
	for _, p := range []string{"ssh-", "ecdsa-", "sk-"} {
		if strings.HasPrefix(key, p) {
			return key, true
		}
	}
	return "", false
}

// resolveFileKey finds the public key for s.keyFile: the file itself if it
// is a public key, else the .pub beside it (ssh-keygen -Y sign prefers that
// too), else the private key's own when native allows reading it (no
// passphrase, a type Go signs with), else `ssh-keygen -y`, which may prompt
// for a passphrase. With native, a private key file without a passphrase
// is also returned as the signer to sign in process with; its public half
// must be the .pub's.
func (s *SSHSigner) resolveFileKey(ctx context.Context, native bool) (ssh.PublicKey, ssh.Signer, error) {
	text, err := readLimited(s.keyFile)
	if err != nil {
		return nil, nil, fmt.Errorf("signing key: %w", err)
	}
	pub, perr := parsePublicKeyText(text)
	if perr == nil {
		return pub, nil, nil
	}
	if strings.HasSuffix(s.keyFile, ".pub") {
		return nil, nil, fmt.Errorf("signing key %s: %w", s.keyFile, perr)
	}
	var signer ssh.Signer
	if native {
		// Any failure (a passphrase, a FIDO key, a format Go does not
		// read) leaves the key to ssh-keygen, as before.
		if k, err := ssh.ParseRawPrivateKey(text); err == nil {
			signer, _ = ssh.NewSignerFromKey(k)
		}
	}
	if text, err := readLimited(s.keyFile + ".pub"); err == nil {
		if pub, err := parsePublicKeyText(text); err == nil {
			if signer != nil && !sameKey(signer.PublicKey(), pub) {
				return nil, nil, fmt.Errorf("signing key %s: its private key is %s, but %s.pub holds %s (make the .pub match, e.g. ssh-keygen -y -f %s > %s.pub)",
					s.keyFile, ssh.FingerprintSHA256(signer.PublicKey()), s.keyFile, ssh.FingerprintSHA256(pub), s.keyFile, s.keyFile)
			}
			return pub, signer, nil
		}
	}
	if signer != nil {
		return signer.PublicKey(), signer, nil
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, s.program, "-y", "-f", s.keyFile)
	cmd.Env, cmd.Stdout, cmd.Stderr, cmd.WaitDelay = s.env, &stdout, &stderr, 5*time.Second
	if err := cmd.Run(); err != nil {
		return nil, nil, fmt.Errorf("signing key %s: %s -y: %w%s", s.keyFile, filepath.Base(s.program), err, stderrSuffix(&stderr))
	}
	pub, err = parsePublicKeyText(stdout.Bytes())
	if err != nil {
		return nil, nil, fmt.Errorf("signing key %s: %s -y output: %w", s.keyFile, filepath.Base(s.program), err)
	}
	return pub, nil, nil
}

func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxKeyFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxKeyFileBytes {
		return nil, fmt.Errorf("%s: larger than %d bytes, not a key file", path, maxKeyFileBytes)
	}
	return b, nil
}

// Sign signs data (DSSE's PAE bytes) in the signer's namespace and returns
// the SSHSIG wire blob. The result is verified in Go before it is returned,
// so a .pub that does not match its private key, or a program that signs
// with another key, fails here rather than at every later verification.
func (s *SSHSigner) Sign(ctx context.Context, data []byte) ([]byte, error) {
	if s.native != nil {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return s.signNative(data)
	}
	args := []string{"-Y", "sign", "-n", s.namespace, "-f", s.keyFile}
	if s.literal != nil {
		// As git: ssh-keygen needs the key in a file, and -U says the
		// private half is in the agent, so it does not look for a file.
		f, err := os.CreateTemp("", ".git-proof_signing_key_tmp*")
		if err != nil {
			return nil, fmt.Errorf("sign: %w", err)
		}
		defer os.Remove(f.Name())
		_, err = f.Write(s.literal)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, fmt.Errorf("sign: write key file: %w", err)
		}
		args[len(args)-1] = f.Name()
		args = append(args, "-U")
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, s.program, args...)
	cmd.Env, cmd.Stdin, cmd.Stdout, cmd.Stderr = s.env, bytes.NewReader(data), &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		hint := ""
		switch {
		case strings.Contains(stderr.String(), "usage:"):
			hint = " (ssh-keygen -Y sign needs OpenSSH 8.2p1 or later)"
		case s.literal != nil:
			hint = " (a literal key's private half must be loaded in ssh-agent, reachable through SSH_AUTH_SOCK)"
		}
		return nil, fmt.Errorf("sign with %s: %s -Y sign: %w%s%s", s.keyID(), filepath.Base(s.program), err, hint, stderrSuffix(&stderr))
	}
	block, _ := pem.Decode(stdout.Bytes())
	if block == nil || block.Type != sshsig.PEMType {
		return nil, fmt.Errorf("sign: %s -Y sign printed no %s block", filepath.Base(s.program), sshsig.PEMType)
	}
	pub, err := VerifySSHSIG(data, block.Bytes, s.namespace)
	if err != nil {
		return nil, fmt.Errorf("sign: %s made an unusable signature: %w", filepath.Base(s.program), err)
	}
	if !sameKey(pub, s.pub) {
		return nil, fmt.Errorf("sign: signature was made by %s, not the configured key %s (does the .pub match the private key?)",
			ssh.FingerprintSHA256(pub), s.keyID())
	}
	return block.Bytes, nil
}

// signNative signs data with the key file's private key, in SSHSIG with
// sha512 as ssh-keygen -Y sign does, and checks the result as Sign does.
func (s *SSHSigner) signNative(data []byte) ([]byte, error) {
	sig, err := sshsig.Sign(bytes.NewReader(data), s.native, sshsig.HashSHA512, s.namespace)
	if err != nil {
		return nil, fmt.Errorf("sign with %s: %w", s.keyID(), err)
	}
	blob := sig.Marshal()
	if _, err := VerifySSHSIG(data, blob, s.namespace); err != nil {
		return nil, fmt.Errorf("sign with %s: the signature does not verify: %w", s.keyID(), err)
	}
	return blob, nil
}

// Warm does ahead of time what the first in-process Ed25519 signature
// would do on its way: Go builds the curve's tables of base-point
// multiples on first use, to sign and to verify (~2-3 ms of CPU, a tenth
// of what a cached `git proof run` spends after its checks). Run calls it
// while the checks run. It signs and verifies a fixed message and
// discards the signature; for other keys and for ssh-keygen it does
// nothing.
func (s *SSHSigner) Warm() {
	if s.native == nil || s.native.PublicKey().Type() != ssh.KeyAlgoED25519 {
		return
	}
	_, _ = s.signNative([]byte("git-proof: warm up"))
}

// KeyID returns the key's SHA256 fingerprint ("SHA256:…"), the keyid of the
// DSSE signature, matching what ssh-keygen and git print.
func (s *SSHSigner) KeyID() (string, error) { return s.keyID(), nil }

func (s *SSHSigner) keyID() string { return ssh.FingerprintSHA256(s.pub) }

// PublicKey returns the signing public key.
func (s *SSHSigner) PublicKey() ssh.PublicKey { return s.pub }

// stderrSuffix formats a program's stderr for an error message, bounded.
func stderrSuffix(b *bytes.Buffer) string {
	msg := strings.TrimSpace(b.String())
	if msg == "" {
		return ""
	}
	const max = 2000
	if len(msg) > max {
		msg = msg[:max] + "…"
	}
	return ": " + msg
}
