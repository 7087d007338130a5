package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/git-proof/git-proof/internal/gittest"
)

// TestSigningKeySources: the key comes from proof.signingKey, else git's own
// SSH signing settings, including a key whose private half only ssh-agent
// holds; trust from proof.allowedSignersFile, else gpg.ssh.allowedSignersFile.
func TestSigningKeySources(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("ssh-agent"); err != nil {
		t.Skip("ssh-agent not installed")
	}
	dir := t.TempDir()
	key, pub := gittest.SSHKey(t, dir, "id_agent")
	allowed := gittest.AllowedSigners(t, dir, "alice@example.com", pub)
	sock := startAgent(t, dir, key)
	// The private key is only in the agent from here on.
	if err := os.Remove(key); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name   string
		config [][2]string
	}{
		{"user.signingkey key:: literal held by ssh-agent", [][2]string{{"gpg.format", "ssh"}, {"user.signingkey", "key::" + pub}, {"gpg.ssh.allowedSignersFile", allowed}}},
		{"bare literal, as git accepts it", [][2]string{{"gpg.format", "ssh"}, {"user.signingkey", pub}, {"proof.allowedSignersFile", allowed}}},
		{"public key file, private half in the agent", [][2]string{{"proof.signingKey", key + ".pub"}, {"proof.allowedSignersFile", allowed}}},
		{"gpg.ssh.defaultKeyCommand", [][2]string{{"gpg.ssh.defaultKeyCommand", "ssh-add -L"}, {"proof.allowedSignersFile", allowed}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newProofRepo(t)
			r.Env = append(r.Env, "SSH_AUTH_SOCK="+sock)
			for _, kv := range tt.config {
				r.Git("config", kv[0], kv[1])
			}
			r.ShellBugFix()
			r.must(0, "run", "--test", gittest.ShellJSONCheck)
			res := r.must(0, "verify")
			contains(t, "verify", res.stdout, "signed by alice@example.com")
		})
	}
	t.Run("user.signingkey without gpg.format=ssh is not an SSH key", func(t *testing.T) {
		t.Parallel()
		r := newProofRepo(t)
		r.Git("config", "user.signingkey", "ABCDEF0123456789")
		r.ShellBugFix()
		res := r.must(2, "run", "--test", "true")
		contains(t, "stderr", res.stderr, "no signing key configured", "--unsigned")
	})
	t.Run("agent without the key", func(t *testing.T) {
		t.Parallel()
		r := newProofRepo(t)
		r.Env = append(r.Env, "SSH_AUTH_SOCK="+filepath.Join(dir, "no-agent.sock"))
		r.Git("config", "proof.signingKey", "key::"+pub)
		r.Git("config", "proof.allowedSignersFile", allowed)
		r.ShellBugFix()
		res := r.must(2, "run", "--test", "true")
		contains(t, "stderr", res.stderr, "ssh-agent")
		if _, err := r.TryGitIn(r.Dir, "rev-parse", "--verify", "-q", "refs/notes/proof"); err == nil {
			t.Error("a failed signing recorded a note")
		}
	})
}

// startAgent starts an ssh-agent on a socket in dir holding key, stopped
// when the test ends.
func startAgent(t *testing.T, dir, key string) string {
	t.Helper()
	sock := filepath.Join(dir, "agent.sock")
	agent := exec.Command("ssh-agent", "-D", "-a", sock)
	if err := agent.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = agent.Process.Kill()
		_ = agent.Wait()
	})
	for i := 0; ; i++ {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		if i > 200 {
			t.Fatal("ssh-agent did not start")
		}
		time.Sleep(10 * time.Millisecond)
	}
	add := exec.Command("ssh-add", "-q", key)
	add.Env = append(os.Environ(), "SSH_AUTH_SOCK="+sock)
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("ssh-add: %v\n%s", err, strings.TrimSpace(string(out)))
	}
	return sock
}
