package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/git-proof/git-proof/gitx"
	"github.com/git-proof/git-proof/hooks"
	"github.com/git-proof/git-proof/notes"
	"github.com/git-proof/git-proof/policy"
	"github.com/git-proof/git-proof/proofpack"
	"github.com/git-proof/git-proof/settings"
	"github.com/git-proof/git-proof/sign"
	"github.com/git-proof/git-proof/verify"
	"github.com/urfave/cli/v2"
	"golang.org/x/term"
)

const version = "0.1.0-dev"

// openRepo opens the repository git sees from the current directory.
func openRepo(ctx context.Context) (*gitx.Repo, error) {
	repo, err := gitx.Open(ctx, "", nil)
	if err != nil {
		return nil, &exitError{code: exitUsage, err: err}
	}
	return repo, nil
}

// newVerifier builds the verifier of a clone: the effective client
// policy and the repository's trust. With requireTrust, a missing allowed
// signers file is an environment error.
func newVerifier(ctx context.Context, repo *gitx.Repo, requireTrust bool) (*verify.Verifier, error) {
	eng, err := policyEngine(ctx, repo, false)
	if err != nil {
		return nil, err
	}
	return verifierWith(ctx, repo, eng, requireTrust, "", "")
}

// loadSettings reads repo's settings; one that cannot be read is an
// environment error (exit 2).
func loadSettings(ctx context.Context, repo *gitx.Repo) (*settings.Settings, error) {
	st, err := settings.Load(ctx, repo)
	if err != nil {
		return nil, &exitError{code: exitUsage, err: err}
	}
	return st, nil
}

// progressFlags are --progress and --no-progress of the long commands, as
// git's: progress lines go to stderr when it is a terminal; --progress
// prints them wherever stderr goes, --no-progress never.
func progressFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "progress", Usage: "print progress lines on stderr even when it is not a terminal"},
		&cli.BoolFlag{Name: "no-progress", Usage: "print no progress lines"},
	}
}

// progressTo prints a long command's progress lines on stderr when it is
// a terminal or --progress says so, never with --no-progress; nil (no
// progress) otherwise.
func progressTo(c *cli.Context) func(string) {
	on := (isTerminal(c.App.ErrWriter) || c.Bool("progress")) && !c.Bool("no-progress")
	if !on {
		return nil
	}
	return func(s string) { fmt.Fprintf(c.App.ErrWriter, "git proof: %s\n", s) }
}

// sshSigner is the signer for the user's key (proof.signingKey, else the
// default key) in namespace ("" for records); noKey is the error when there
// is no key at all.
func sshSigner(ctx context.Context, repo *gitx.Repo, st *settings.Settings, namespace string, noKey error) (*sign.SSHSigner, error) {
	key := st.SigningKey
	if key == "" {
		var err error
		if key, err = settings.DefaultKey(ctx, repo); err != nil {
			return nil, &exitError{code: exitUsage, err: err}
		}
	}
	if key == "" {
		return nil, &exitError{code: exitUsage, err: noKey}
	}
	s, err := sign.NewSSHSigner(ctx, sign.SSHSignerOptions{Key: key, Program: st.SSHProgram, Namespace: namespace})
	if err != nil {
		return nil, &exitError{code: exitUsage, err: fmt.Errorf("signing key from %s: %w", st.SigningKeySource, err)}
	}
	return s, nil
}

// verifierWith builds a verifier with eng: the repository's allowed
// signers, the gate's rule for ref ("" = the default rule) and approvers,
// and the transition index, so that show, verify, policy eval and the
// hooks all see the same thing.
func verifierWith(ctx context.Context, repo *gitx.Repo, eng *policy.Engine, requireTrust bool, pctx, ref string) (*verify.Verifier, error) {
	st, err := loadSettings(ctx, repo)
	if err != nil {
		return nil, err
	}
	var allowed *sign.AllowedSigners
	if st.AllowedSignersFile != "" {
		allowed, err = sign.LoadAllowedSigners(st.AllowedSignersFile)
		if err != nil {
			return nil, &exitError{code: exitUsage, err: err}
		}
	} else if requireTrust {
		return nil, &exitError{code: exitUsage, err: settings.ErrNoAllowedSigners}
	}
	gate, err := hooks.LoadConfig(ctx, repo)
	if err != nil {
		return nil, &exitError{code: exitUsage, err: err}
	}
	v, err := verify.New(repo, verify.Options{
		AllowedSigners: allowed, Policy: eng, Context: pctx, Ref: ref,
		Rule: policy.Rule{Require: gate.RequireFor(ref)}, Approvers: gate.Approvers,
		Transitions: transitionIndex(repo),
	})
	if err != nil {
		return nil, &exitError{code: exitUsage, err: err}
	}
	return v, nil
}

// transitionIndex finds proofs of squash- and rebase-merged commits.
func transitionIndex(repo *gitx.Repo) verify.TransitionIndex {
	return notes.NewTransitionIndex(notes.New(repo, notes.Ref, proofpack.MaxNoteBytes), filepath.Join(repo.CommonDir(), "git-proof"))
}

// policyEngine compiles the effective policy: on a server (the pre-receive
// hook) the default and proof.policy only, never a repository's own
// .proof/policy; in a clone, that too (policy.ClientOptions and
// ServerOptions also read proof.riskThreshold into data.config).
func policyEngine(ctx context.Context, repo *gitx.Repo, server bool) (*policy.Engine, error) {
	_, eng, err := loadPolicy(ctx, repo, "", server)
	return eng, err
}

// color reports whether to colour output on f: a terminal, NO_COLOR unset.
func color(f *os.File) bool {
	if _, ok := os.LookupEnv("NO_COLOR"); ok {
		return false
	}
	return f != nil && term.IsTerminal(int(f.Fd()))
}

func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func asFile(w any) *os.File {
	f, _ := w.(*os.File)
	return f
}

var errNoCommits = errors.New("no commits to verify")
