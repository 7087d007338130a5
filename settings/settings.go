package settings

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"

	"github.com/git-proof/git-proof/gitx"
)

// Settings are the resolved values; each records where it came from.
type Settings struct {
	SigningKey       string // a key file path, or "key::<public key>"
	SigningKeySource string // the config key it came from
	SSHProgram       string // ssh-keygen unless gpg.ssh.program is set

	AllowedSignersFile   string
	AllowedSignersSource string

	// HoldoutsDir (proof.holdoutsDir) is where contracts' holdouts files
	// live, <id>.yaml, outside the repository.
	HoldoutsDir string
	// ContractMinGrade (proof.contractMinGrade, default C) is the grade
	// below which `contract check` exits 1.
	ContractMinGrade string

	// UserName and UserEmail are filled by Identity, for the commands that
	// record who ran them (a server hook has no use for them).
	UserName, UserEmail string
}

// Sentinels, each with how to recover.
var (
	// ErrNoSigningKey: set `git config proof.signingKey ~/.ssh/id_ed25519.pub`
	// (or user.signingkey with gpg.format=ssh), or run with --unsigned.
	ErrNoSigningKey = errors.New("no signing key configured: set `git config proof.signingKey <key file>` (or user.signingkey with gpg.format=ssh)")
	// ErrNoAllowedSigners: set `git config proof.allowedSignersFile <file>`
	// (or gpg.ssh.allowedSignersFile); see ssh-keygen(1) ALLOWED SIGNERS.
	ErrNoAllowedSigners = errors.New("no allowed signers file configured: set `git config proof.allowedSignersFile <file>` (or gpg.ssh.allowedSignersFile)")
)

// Load reads the settings of repo.
func Load(ctx context.Context, repo *gitx.Repo) (*Settings, error) {
	s := &Settings{SSHProgram: "ssh-keygen", ContractMinGrade: "C"}
	get := func(key string, path bool) (string, error) {
		var v string
		var ok bool
		var err error
		if path {
			v, ok, err = repo.ConfigGetPath(ctx, key)
		} else {
			v, ok, err = repo.ConfigGet(ctx, key)
		}
		if err != nil || !ok {
			return "", err
		}
		return strings.TrimSpace(v), nil
	}
	if p, err := get("gpg.ssh.program", true); err != nil {
		return nil, err
	} else if p != "" {
		s.SSHProgram = p
	}
	if k, err := get("proof.signingKey", false); err != nil {
		return nil, err
	} else if k != "" {
		s.SigningKey, s.SigningKeySource = expandKey(ctx, repo, k, "proof.signingKey"), "proof.signingKey"
	} else {
		format, err := get("gpg.format", false)
		if err != nil {
			return nil, err
		}
		if k, err := get("user.signingkey", false); err != nil {
			return nil, err
		} else if k != "" && strings.EqualFold(format, "ssh") {
			s.SigningKey, s.SigningKeySource = expandKey(ctx, repo, k, "user.signingkey"), "user.signingkey"
		}
	}
	if d, err := get("proof.holdoutsDir", true); err != nil {
		return nil, err
	} else {
		s.HoldoutsDir = d
	}
	if g, err := get("proof.contractMinGrade", false); err != nil {
		return nil, err
	} else if g != "" {
		s.ContractMinGrade = g
	}
	if f, err := get("proof.allowedSignersFile", true); err != nil {
		return nil, err
	} else if f != "" {
		s.AllowedSignersFile, s.AllowedSignersSource = f, "proof.allowedSignersFile"
	} else if f, err := get("gpg.ssh.allowedSignersFile", true); err != nil {
		return nil, err
	} else if f != "" {
		s.AllowedSignersFile, s.AllowedSignersSource = f, "gpg.ssh.allowedSignersFile"
	}
	return s, nil
}

// Identity fills UserName and UserEmail with who runs git-proof, as git
// would name the committer: the GIT_COMMITTER_* variables, then
// user.name/user.email, then git's guess. It is informational (the
// record's signer is what counts), so when git has no identity to give the
// fields stay empty rather than failing the run.
func (s *Settings) Identity(ctx context.Context, repo *gitx.Repo) {
	s.UserName, s.UserEmail = identity(ctx, repo)
}

func identity(ctx context.Context, repo *gitx.Repo) (name, email string) {
	// Most setups name the committer in the environment or the config,
	// which is read already; git is asked only for its guess.
	first := func(env string, keys ...string) string {
		if v := strings.TrimSpace(repo.Getenv(env)); v != "" {
			return v
		}
		for _, k := range keys {
			if v, ok, err := repo.ConfigGet(ctx, k); err == nil && ok && strings.TrimSpace(v) != "" {
				return strings.TrimSpace(v)
			}
		}
		return ""
	}
	name = first("GIT_COMMITTER_NAME", "committer.name", "user.name")
	email = first("GIT_COMMITTER_EMAIL", "committer.email", "user.email")
	if name != "" && email != "" {
		return name, email
	}
	out, err := repo.Run(ctx, "var", "GIT_COMMITTER_IDENT")
	if err != nil {
		return "", ""
	}
	ident := strings.TrimSpace(string(out))
	lt, gt := strings.IndexByte(ident, '<'), strings.LastIndexByte(ident, '>')
	if lt < 0 || gt < lt {
		return "", ""
	}
	return strings.TrimSpace(ident[:lt]), ident[lt+1 : gt]
}

// expandKey applies git's path expansion to key file names; literal keys
// ("key::…", "ssh-ed25519 …") are kept as they are.
func expandKey(ctx context.Context, repo *gitx.Repo, k, key string) string {
	if strings.HasPrefix(k, "key::") || strings.HasPrefix(k, "ssh-") || strings.HasPrefix(k, "ecdsa-") || strings.HasPrefix(k, "sk-") {
		return k
	}
	if p, ok, err := repo.ConfigGetPath(ctx, key); err == nil && ok {
		return strings.TrimSpace(p)
	}
	return k
}

// DefaultKey runs gpg.ssh.defaultKeyCommand, as git does when no key is
// set, and returns the first key it prints ("key::…"), or "" if unset.
func DefaultKey(ctx context.Context, repo *gitx.Repo) (string, error) {
	cmdline, ok, err := repo.ConfigGet(ctx, "gpg.ssh.defaultKeyCommand")
	if err != nil || !ok || strings.TrimSpace(cmdline) == "" {
		return "", err
	}
	cmd := exec.CommandContext(ctx, "sh", "-c", cmdline)
	cmd.Dir = repo.Dir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("gpg.ssh.defaultKeyCommand %q: %w", cmdline, err)
	}
	line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	if line == "" {
		return "", fmt.Errorf("gpg.ssh.defaultKeyCommand %q printed no key", cmdline)
	}
	if !strings.HasPrefix(line, "key::") {
		line = "key::" + line
	}
	return line, nil
}
