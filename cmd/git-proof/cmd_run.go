package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/git-proof/git-proof/gitx"
	"github.com/git-proof/git-proof/policy"
	"github.com/git-proof/git-proof/proofpack"
	"github.com/git-proof/git-proof/report"
	"github.com/git-proof/git-proof/run"
	"github.com/git-proof/git-proof/settings"
	"github.com/urfave/cli/v2"
)

func runCommand() *cli.Command {
	return &cli.Command{
		Name:      "run",
		Usage:     "run the checks on a commit and record a signed proof",
		ArgsUsage: "[REV]",
		Description: `Checks out REV (default HEAD), its base (default: first parent; the empty tree for a
root commit) and the repro tree (base's code + REV's test files) in temporary worktrees, runs each
check on all three, and appends a signed record to REV's note on refs/notes/proof.
Exit 0: recorded with AUTO_OK; 1: recorded with REVIEW or BLOCK; 2: nothing recorded.`,
		Flags:  runFlags(true),
		Action: func(c *cli.Context) error { return runAction(c, c.Bool("minimize")) },
	}
}

func minimizeCommand() *cli.Command {
	return &cli.Command{
		Name:      "minimize",
		Usage:     "find the hunks a fix needs, and record it with the proof",
		ArgsUsage: "[REV]",
		Description: `Runs REV's checks as run does (cached results are reused), then delta-debugs over REV's code hunks
(test files always stay: their fixed tests are the oracle) to find a smallest set with which every
fixed test passes and nothing that passed at head fails. Candidates are checked in parallel worktrees,
at most --max-runs of them. The record marks each hunk necessary or not; the default policy sends
hunks that are not needed to REVIEW. Same as git proof run --minimize.
Exit 0: recorded with AUTO_OK; 1: recorded with REVIEW or BLOCK, or nothing to minimize; 2: error.`,
		Flags:  runFlags(false),
		Action: func(c *cli.Context) error { return runAction(c, true) },
	}
}

// runFlags are the flags of run (and minimize, without --minimize).
func runFlags(withMinimize bool) []cli.Flag {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "base", Usage: "prove the change from `REV` instead of the first parent"},
		&cli.StringSliceFlag{Name: "test", Usage: "a test `CMD` to run (sh -c), in addition to .proof/config.yaml's checks"},
		&cli.StringSliceFlag{Name: "check", Usage: "a named check `NAME=CMD` to run, in addition"},
		&cli.IntFlag{Name: "jobs", Aliases: []string{"j"}, Usage: "check up to `N` trees at once (default: decided by the first tree's CPU use, at most the number of CPUs)"},
		&cli.BoolFlag{Name: "no-cache", Usage: "run every check, even where a result for the same tree and check is cached"},
		&cli.BoolFlag{Name: "fresh", Usage: "use temporary worktrees, removed afterwards, instead of reusable ones"},
		&cli.BoolFlag{Name: "full-repro", Usage: "run each check on the whole repro tree, not only on the Go packages whose test files changed"},
		&cli.BoolFlag{Name: "unsigned", Usage: "record without a signature (policy sends it to REVIEW; verify refuses it)"},
		&cli.BoolFlag{Name: "json", Usage: "print the recorded predicate as JSON"},
		&cli.StringFlag{Name: "contract", Usage: "the contract `FILE` the change was made against (see git proof contract)"},
		&cli.StringFlag{Name: "holdouts", Usage: "the holdouts `FILE` of a redacted contract (default: proof.holdoutsDir/<id>.yaml)"},
		&cli.BoolFlag{Name: "no-review", Usage: "do not ask the reviewers the base commit's .proof/config.yaml lists"},
		&cli.IntFlag{Name: "max-runs", Usage: "minimize checks at most `N` candidate trees", Value: run.DefaultMaxRuns},
	}
	flags = append(flags, progressFlags()...)
	if withMinimize {
		flags = append(flags, &cli.BoolFlag{Name: "minimize", Usage: "also find the hunks the fixed tests need (see git proof minimize)"})
	}
	return flags
}

// runAction records a proof of REV; with minimize it also minimizes.
func runAction(c *cli.Context, minimize bool) error {
	if c.NArg() > 1 {
		return usageErr("%s takes at most one revision", c.Command.Name)
	}
	// The machine's probes need neither the repository nor its settings:
	// they start first, beside opening the repository.
	ctx, cancel := context.WithCancel(c.Context)
	helper, _ := os.Executable()
	probe := run.StartProbe(ctx, nil, helper)
	defer func() {
		cancel()
		probe.Wait()
	}()
	repo, err := openRepo(ctx)
	if err != nil {
		return err
	}
	st, err := loadSettings(ctx, repo)
	if err != nil {
		return err
	}
	st.Identity(ctx, repo)
	var signer proofpack.Signer
	if !c.Bool("unsigned") {
		s, err := sshSigner(ctx, repo, st, "", fmt.Errorf("%w, or pass --unsigned", settings.ErrNoSigningKey))
		if err != nil {
			return err
		}
		signer = s
	}
	progress := progressTo(c)
	if top := repo.TopLevel(); top != "" && c.Args().First() == "" {
		if out, err := repo.Run(ctx, "status", "--porcelain", "--untracked-files=no"); err == nil && len(out) > 0 {
			fmt.Fprintln(c.App.ErrWriter, "git proof: note: uncommitted changes are not part of the proof; it covers the commit only")
		}
	}
	var named []run.NamedCheck
	for _, nc := range c.StringSlice("check") {
		name, cmd, ok := strings.Cut(nc, "=")
		if !ok {
			return usageErr("--check %q: give NAME=CMD, e.g. --check lint='go vet ./...'", nc)
		}
		named = append(named, run.NamedCheck{Name: name, Command: cmd})
	}
	if c.Int("jobs") < 0 {
		return usageErr("--jobs must be 1 or more")
	}
	var lc *run.LoadedContract
	if path := c.String("contract"); path != "" {
		if lc, err = run.LoadContract(ctx, repo, run.ContractRequest{Path: path, Holdouts: c.String("holdouts"), HoldoutsDir: st.HoldoutsDir}); err != nil {
			return &exitError{code: exitUsage, err: err}
		}
	} else if c.String("holdouts") != "" {
		return usageErr("--holdouts needs --contract")
	}
	res, err := run.Run(ctx, repo, run.Request{
		Contract: lc, NoReview: c.Bool("no-review"),
		Rev: c.Args().First(), Base: c.String("base"), Tests: c.StringSlice("test"), Checks: named,
		Jobs: c.Int("jobs"), NoCache: c.Bool("no-cache"), Fresh: c.Bool("fresh"), FullRepro: c.Bool("full-repro"), NetnsHelper: helper, Probe: probe,
		Minimize: minimize, MaxRuns: c.Int("max-runs"),
		Signer: signer, Progress: progress,
		LoadPolicy: func() (*policy.Engine, error) { return policyEngine(ctx, repo, false) },
		Creator:    proofpack.Identity{Name: st.UserName, Email: st.UserEmail},
		Tool:       proofpack.Tool{Name: "git-proof", Version: version},
	})
	if errors.Is(err, run.ErrNothingToMinimize) {
		fmt.Fprintf(c.App.ErrWriter, "git proof: %v\n", err)
		return errFailed
	}
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	if c.Bool("json") {
		if err := report.WriteJSON(c.App.Writer, map[string]any{"commit": res.Commit, "notesCommit": res.NotesTip, "predicate": res.Predicate}); err != nil {
			return err
		}
	} else {
		writeRunSummary(c, repo, res)
	}
	if res.Decision != proofpack.AutoOK {
		return errFailed
	}
	return nil
}

func writeRunSummary(c *cli.Context, repo *gitx.Repo, res *run.Result) {
	w := c.App.Writer
	s := report.Style{Color: color(asFile(w))}
	p := res.Predicate
	fmt.Fprintf(w, "recorded proof for %s on refs/notes/proof\n", res.Commit)
	fmt.Fprintf(w, "%s\n", strings.SplitN(string(res.Record), "\n", 2)[0])
	fmt.Fprintf(w, "decision: %s\n", report.Decision(s, p.Decision))
	for _, r := range p.Policy.Reasons {
		fmt.Fprintf(w, "  - %s\n", proofpack.Sanitize(r))
	}
	for _, ch := range p.Checks {
		fmt.Fprintf(w, "check %s: head %s, base %s, repro %s; fixed %d, regressed %d, added %d, removed %d",
			proofpack.Sanitize(ch.Name), status(ch.Head), status(ch.Base), status(ch.Repro),
			ch.Counts.Fixed, ch.Counts.Regressed, ch.Counts.Added, ch.Counts.Removed)
		if ch.Counts.Skipped > 0 || ch.Counts.Flaky > 0 {
			fmt.Fprintf(w, ", skipped %d, flaky %d", ch.Counts.Skipped, ch.Counts.Flaky)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "see: git proof show %s\n", res.Commit[:12])
}

func status(t *proofpack.TreeResult) string {
	if t == nil {
		return "-"
	}
	return t.Status
}
