package hooks

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/git-proof/git-proof/gitx"
)

// hookMarker identifies a hook script git-proof wrote.
const hookMarker = "# git-proof hook v1"

// ErrForeignHook: a hook that git-proof did not write is in the way. Pass
// --chain to keep it (it runs first, and its refusal stands), or --force to
// replace it (it is kept as <hook>.orig).
var ErrForeignHook = errors.New("a hook git-proof did not write is already installed")

// InstallOptions say which hook to install and how.
type InstallOptions struct {
	Server  bool     // pre-receive (a server's bare repository) instead of pre-push
	Protect []string // ref globs added to proof.protect
	Force   bool     // replace a foreign hook (kept as <hook>.orig)
	Chain   bool     // keep a foreign hook as <hook>.local and run it first
	// Binary is the git-proof the hook runs: an absolute path, tried first,
	// then git-proof on PATH.
	Binary string
}

// Change is one thing Install changed.
type Change struct {
	What   string `json:"what"`
	Detail string `json:"detail"`
}

// Install writes the hook script where git looks for hooks (`git rev-parse
// --git-path hooks`, which honours core.hooksPath) and records the
// protected refs. Run again, it updates its own hook in place.
func Install(ctx context.Context, repo *gitx.Repo, opts InstallOptions) ([]Change, error) {
	if opts.Force && opts.Chain {
		return nil, errors.New("--force and --chain exclude each other")
	}
	for _, g := range opts.Protect {
		if err := checkGlob(g); err != nil {
			return nil, fmt.Errorf("--protect %q: %w", g, err)
		}
	}
	out, err := repo.Run(ctx, "rev-parse", "--path-format=absolute", "--git-path", "hooks")
	if err != nil {
		return nil, fmt.Errorf("find the hooks directory: %w", err)
	}
	dir := strings.TrimSpace(string(out))
	name := "pre-push"
	if opts.Server {
		name = "pre-receive"
	}
	path := filepath.Join(dir, name)
	var changes []Change
	chained := false
	if old, err := os.ReadFile(path); err == nil {
		switch {
		case strings.Contains(string(old), hookMarker):
			chained = strings.Contains(string(old), "chained: ")
		case opts.Chain:
			if err := os.Rename(path, path+".local"); err != nil {
				return nil, fmt.Errorf("keep the existing hook: %w", err)
			}
			chained = true
			changes = append(changes, Change{"hook", fmt.Sprintf("kept the existing %s as %s.local; it runs first", name, name)})
		case opts.Force:
			if err := os.Rename(path, path+".orig"); err != nil {
				return nil, fmt.Errorf("keep the existing hook: %w", err)
			}
			changes = append(changes, Change{"hook", fmt.Sprintf("moved the existing %s to %s.orig", name, name)})
		default:
			return nil, fmt.Errorf("%w: %s (use --chain to run it before git-proof, or --force to replace it)", ErrForeignHook, path)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	script := hookScript(name, opts.Binary, chained)
	if old, err := os.ReadFile(path); err != nil || string(old) != script {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("create %s: %w", dir, err)
		}
		tmp := path + ".git-proof-tmp"
		if err := os.WriteFile(tmp, []byte(script), 0o755); err != nil {
			return nil, fmt.Errorf("write %s: %w", path, err)
		}
		if err := os.Rename(tmp, path); err != nil {
			os.Remove(tmp)
			return nil, fmt.Errorf("write %s: %w", path, err)
		}
		changes = append(changes, Change{"hook", "wrote " + path})
	}
	have, err := repo.ConfigGetAll(ctx, "proof.protect")
	if err != nil {
		return nil, err
	}
	for _, g := range opts.Protect {
		if slices.Contains(have, g) {
			continue
		}
		if err := repo.ConfigAdd(ctx, "proof.protect", g); err != nil {
			return nil, err
		}
		have = append(have, g)
		changes = append(changes, Change{"config", "proof.protect += " + g})
	}
	return changes, nil
}

// hookScript is the hook: it finds git-proof (the installed binary, else
// PATH) and hands it git's arguments and input. When git-proof cannot be
// found it refuses the push: the gate fails closed.
func hookScript(name, binary string, chained bool) string {
	var b strings.Builder
	b.WriteString("#!/bin/sh\n")
	b.WriteString(hookMarker + ": " + name + "\n")
	b.WriteString("# Written by `git proof hooks install`; it refuses pushes whose new commits lack\n")
	b.WriteString("# a valid proof. Delete this file to remove the check.\n")
	if chained {
		b.WriteString("# chained: " + name + ".local runs first.\n")
	}
	fmt.Fprintf(&b, "gp=%s\n", shellQuote(binary))
	b.WriteString(`[ -n "$gp" ] && [ -x "$gp" ] || gp=$(command -v git-proof) || {
	echo "git-proof: git-proof is not installed where this hook runs; refusing the push (install it, or remove the hook)" >&2
	exit 1
}
`)
	arg := "pre-push"
	if name == "pre-receive" {
		arg = "pre-receive"
	}
	if !chained {
		fmt.Fprintf(&b, "exec \"$gp\" hook %s \"$@\"\n", arg)
		return b.String()
	}
	// The input is read once and given to both: the chained hook first,
	// whose refusal stands, then git-proof.
	b.WriteString(`input=$(cat; echo x)
input=${input%x}
here=$(dirname "$0")
printf '%s' "$input" | "$here/` + name + `.local" "$@" || exit $?
`)
	fmt.Fprintf(&b, "printf '%%s' \"$input\" | exec \"$gp\" hook %s \"$@\"\n", arg)
	return b.String()
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
