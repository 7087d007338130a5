package sign

import (
	"bytes"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hiddeco/sshsig"
	"golang.org/x/crypto/ssh"
)

// TestMain isolates the tools the tests run from the user's setup: a
// throwaway HOME (so nothing reads or writes ~/.ssh), no inherited agent,
// no git config, and UTC for ssh-keygen's zone-less times.
func TestMain(m *testing.M) {
	home, err := os.MkdirTemp("", "sign-test-home-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for k, v := range map[string]string{
		"HOME": home, "TZ": "UTC", "GIT_CONFIG_GLOBAL": os.DevNull, "GIT_CONFIG_NOSYSTEM": "1",
	} {
		os.Setenv(k, v)
	}
	os.Unsetenv("SSH_AUTH_SOCK")
	code := m.Run()
	os.RemoveAll(home)
	os.Exit(code)
}

// testKey is a key pair made by the real ssh-keygen.
type testKey struct {
	Priv, PubPath string
	PubText       string // "ssh-ed25519 AAAA… comment"
	Pub           ssh.PublicKey
}

// keyTypeArgs are ssh-keygen -t/-b arguments by short name.
var keyTypeArgs = map[string][]string{
	"ed25519":    {"-t", "ed25519"},
	"ecdsa-p256": {"-t", "ecdsa", "-b", "256"},
	"rsa":        {"-t", "rsa", "-b", "2048"},
}

// genKeyWithPassphrase is genKey for a key file encrypted with passphrase.
func genKeyWithPassphrase(t testing.TB, dir, name, typ, passphrase string) testKey {
	t.Helper()
	k := genKey(t, dir, name, typ)
	runOK(t, nil, nil, "ssh-keygen", "-q", "-p", "-P", "", "-N", passphrase, "-f", k.Priv)
	return k
}

func genKey(t testing.TB, dir, name, typ string) testKey {
	t.Helper()
	priv := filepath.Join(dir, name)
	args := append([]string{"-q", "-N", "", "-C", name, "-f", priv}, keyTypeArgs[typ]...)
	runOK(t, nil, nil, "ssh-keygen", args...)
	text, err := os.ReadFile(priv + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	pub, _, _, _, err := ssh.ParseAuthorizedKey(text)
	if err != nil {
		t.Fatal(err)
	}
	return testKey{Priv: priv, PubPath: priv + ".pub", PubText: strings.TrimSpace(string(text)), Pub: pub}
}

// run runs a tool with stdin and extra environment.
func run(t testing.TB, stdin []byte, env []string, name string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var o, e bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdin = bytes.NewReader(stdin)
	cmd.Stdout, cmd.Stderr = &o, &e
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	err = cmd.Run()
	return o.String(), e.String(), err
}

func runOK(t testing.TB, stdin []byte, env []string, name string, args ...string) string {
	t.Helper()
	out, errOut, err := run(t, stdin, env, name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, errOut)
	}
	return out
}

// keygenSign signs data with `ssh-keygen -Y sign` directly and returns the
// armored signature.
func keygenSign(t testing.TB, key, namespace string, data []byte, extra ...string) []byte {
	t.Helper()
	args := append([]string{"-Y", "sign", "-n", namespace, "-f", key}, extra...)
	return []byte(runOK(t, data, nil, "ssh-keygen", args...))
}

// armor turns a wire blob into the PEM form ssh-keygen reads.
func armor(t testing.TB, blob []byte) []byte {
	t.Helper()
	sig, err := sshsig.ParseSignature(blob)
	if err != nil {
		t.Fatal(err)
	}
	return sshsig.Armor(sig)
}

// unarmor returns the wire blob inside ssh-keygen's armor.
func unarmor(t testing.TB, armored []byte) []byte {
	t.Helper()
	block, _ := pem.Decode(armored)
	if block == nil || block.Type != sshsig.PEMType {
		t.Fatalf("no SSH SIGNATURE block in %q", armored)
	}
	return block.Bytes
}

func writeFile(t testing.TB, path string, data []byte) string {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// authorizedKey is the "type base64" form of pub, without a comment.
func authorizedKey(pub ssh.PublicKey) string {
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub)))
}
