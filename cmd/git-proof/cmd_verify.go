package main

import (
	"fmt"

	"github.com/git-proof/git-proof/gitx"
	"github.com/git-proof/git-proof/report"
	"github.com/urfave/cli/v2"
)

type gitxCommit = gitx.Commit

func verifyCommand() *cli.Command {
	return &cli.Command{
		Name:      "verify",
		Usage:     "verify the proofs of commits",
		ArgsUsage: "[REV | A..B]...",
		Description: `Verifies each commit (default HEAD; A..B for a range) step by step: read, parse, signature,
signer (your allowed signers file), binding (the record's tree transition is the commit's), diff
(the digest recomputed from the trees) and policy (your policy must decide AUTO_OK).
Exit 0 all pass; 1 any fails; 2 usage or environment error (e.g. no allowed signers file).`,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print results as JSON"},
			&cli.BoolFlag{Name: "timings", Usage: "print the time spent per stage on stderr"},
		},
		Action: func(c *cli.Context) error {
			ctx := c.Context
			repo, err := openRepo(ctx)
			if err != nil {
				return err
			}
			args := c.Args().Slice()
			if len(args) == 0 {
				args = []string{"HEAD"}
			}
			commits, err := repo.ListCommits(ctx, args)
			if err != nil {
				return &exitError{code: exitUsage, err: err}
			}
			if len(commits) == 0 {
				return &exitError{code: exitUsage, err: fmt.Errorf("%w in %v", errNoCommits, args)}
			}
			v, err := newVerifier(ctx, repo, true)
			if err != nil {
				return err
			}
			results, tm, err := v.Verify(ctx, commits)
			if err != nil {
				return &exitError{code: exitUsage, err: err}
			}
			ok := true
			failed := 0
			for _, r := range results {
				if !r.OK {
					ok = false
					failed++
				}
			}
			if c.Bool("json") {
				out := &report.VerifyJSON{MediaType: "application/vnd.git-proof.verify+json;version=0.1", OK: ok, Commits: results}
				if c.Bool("timings") {
					out.Timings = tm
				}
				if err := report.WriteJSON(c.App.Writer, out); err != nil {
					return err
				}
			} else {
				s := report.Style{Color: color(asFile(c.App.Writer))}
				for _, r := range results {
					report.VerifyLine(c.App.Writer, s, r)
				}
				if len(results) > 1 {
					fmt.Fprintf(c.App.Writer, "%d commits: %d verified, %d failed\n", len(results), len(results)-failed, failed)
				}
			}
			if c.Bool("timings") {
				report.Timings(c.App.ErrWriter, tm)
			}
			if !ok {
				return errFailed
			}
			return nil
		},
	}
}
