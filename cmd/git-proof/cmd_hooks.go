package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/git-proof/git-proof/gitx"
	"github.com/git-proof/git-proof/hooks"
	"github.com/git-proof/git-proof/report"
	"github.com/git-proof/git-proof/settings"
	"github.com/git-proof/git-proof/sign"
	"github.com/urfave/cli/v2"
)

func hooksCommand() *cli.Command {
	return &cli.Command{
		Name:  "hooks",
		Usage: "install the pre-push (or, on a server, pre-receive) hook",
		Subcommands: []*cli.Command{{
			Name:  "install",
			Usage: "write the hook where git looks for hooks (honours core.hooksPath)",
			Description: `Writes pre-push, or with --server pre-receive, at $(git rev-parse --git-path hooks). A hook
git-proof did not write is left alone unless --chain (it runs first; its refusal stands) or
--force (it is moved to <hook>.orig). --protect adds ref globs to proof.protect (default
refs/heads/* and refs/tags/*). Server settings, in the bare repository's git config:
proof.allowedSignersFile, proof.policy, proof.require / proof.<glob>.require (AUTO_OK | approval),
proof.since, proof.approvers, proof.riskThreshold.`,
			Flags: []cli.Flag{
				&cli.BoolFlag{Name: "server", Usage: "install pre-receive (in a server's bare repository)"},
				&cli.StringSliceFlag{Name: "protect", Usage: "a ref `GLOB` to protect, e.g. refs/heads/main (repeatable)"},
				&cli.BoolFlag{Name: "force", Usage: "replace a hook git-proof did not write (kept as <hook>.orig)"},
				&cli.BoolFlag{Name: "chain", Usage: "keep a hook git-proof did not write and run it first"},
				&cli.BoolFlag{Name: "json", Usage: "print the changes as JSON"},
			},
			Action: func(c *cli.Context) error {
				if c.NArg() > 0 {
					return usageErr("hooks install takes no arguments")
				}
				repo, err := openRepo(c.Context)
				if err != nil {
					return err
				}
				bin, _ := os.Executable()
				if bin != "" {
					bin, _ = filepath.Abs(bin)
				}
				changes, err := hooks.Install(c.Context, repo, hooks.InstallOptions{
					Server: c.Bool("server"), Protect: c.StringSlice("protect"),
					Force: c.Bool("force"), Chain: c.Bool("chain"), Binary: bin,
				})
				if err != nil {
					return &exitError{code: exitUsage, err: err}
				}
				if c.Bool("json") {
					if changes == nil {
						changes = []hooks.Change{}
					}
					return report.WriteJSON(c.App.Writer, map[string]any{"changes": changes})
				}
				if len(changes) == 0 {
					fmt.Fprintln(c.App.Writer, "git proof hooks install: already installed, nothing changed")
				}
				for _, ch := range changes {
					fmt.Fprintf(c.App.Writer, "%s: %s\n", ch.What, ch.Detail)
				}
				return nil
			},
		}},
	}
}

// hookCommand is what the installed hook scripts run.
func hookCommand() *cli.Command {
	return &cli.Command{
		Name:   "hook",
		Usage:  "run a hook's check (the installed hook scripts call this)",
		Hidden: true,
		Subcommands: []*cli.Command{
			{
				Name:      "pre-receive",
				Usage:     "check a push on the server; reads git's pre-receive input",
				ArgsUsage: " ",
				Action: func(c *cli.Context) error {
					return runHook(c, "pre-receive", func(g *hooks.Gate) error {
						_, err := g.PreReceive(c.Context, os.Stdin, c.App.ErrWriter)
						return err
					})
				},
			},
			{
				Name:      "pre-push",
				Usage:     "check a push before it leaves; reads git's pre-push input",
				ArgsUsage: "REMOTE URL",
				Action: func(c *cli.Context) error {
					return runHook(c, "pre-push", func(g *hooks.Gate) error {
						_, err := g.PrePush(c.Context, c.Args().First(), os.Stdin, c.App.ErrWriter)
						return err
					})
				},
			},
		},
	}
}

// runHook builds the gate and runs check. Whatever goes wrong, the push is
// refused (exit 1): a gate that cannot decide must not let a push through.
func runHook(c *cli.Context, which string, check func(*hooks.Gate) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(c.App.ErrWriter, "git-proof: refusing the push: internal error in the %s check: %v (please report it)\n", which, p)
			err = &exitError{code: exitFailed}
		}
	}()
	refuse := func(e error) error {
		fmt.Fprintf(c.App.ErrWriter, "git-proof: refusing the push: %v\n", e)
		return &exitError{code: exitFailed}
	}
	ctx := c.Context
	repo, err := gitx.Open(ctx, "", nil)
	if err != nil {
		return refuse(err)
	}
	g, err := newGate(c, repo, which)
	if err != nil {
		return refuse(err)
	}
	if err := check(g); err != nil {
		// The check wrote its reasons already.
		if !errors.Is(err, hooks.ErrRefused) && !errors.Is(err, hooks.ErrInput) {
			fmt.Fprintf(c.App.ErrWriter, "git-proof: %v\n", err)
		}
		return &exitError{code: exitFailed}
	}
	return nil
}

// newGate builds the gate from the repository's configuration; on a
// server (pre-receive) the policy is the admin's only.
func newGate(c *cli.Context, repo *gitx.Repo, which string) (*hooks.Gate, error) {
	ctx := c.Context
	cfg, err := hooks.LoadConfig(ctx, repo)
	if err != nil {
		return nil, err
	}
	st, err := settings.Load(ctx, repo)
	if err != nil {
		return nil, err
	}
	var allowed *sign.AllowedSigners
	if st.AllowedSignersFile != "" {
		if allowed, err = sign.LoadAllowedSigners(st.AllowedSignersFile); err != nil {
			return nil, err
		}
	} else {
		return nil, fmt.Errorf("%w (on the server: git config proof.allowedSignersFile in the repository)", settings.ErrNoAllowedSigners)
	}
	eng, err := policyEngine(ctx, repo, which == "pre-receive")
	if err != nil {
		return nil, err
	}
	return &hooks.Gate{Repo: repo, Config: cfg, AllowedSigners: allowed, Policy: eng, Context: which}, nil
}
