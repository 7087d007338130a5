package main

import (
	"github.com/git-proof/git-proof/report"
	"github.com/urfave/cli/v2"
)

func showCommand() *cli.Command {
	return &cli.Command{
		Name:      "show",
		Usage:     "verify a commit's proof, then explain it",
		ArgsUsage: "[REV]",
		Description: `Verifies REV's proof (default HEAD) with your trust and policy, then shows the decision and
reasons, signer, change, diff and each check. A record whose signature is invalid or whose signer is
not trusted is not shown as fact. Exit 0 verified and AUTO_OK; 1 otherwise; 2 error.`,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print the verification result and the verified predicate as JSON"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 1 {
				return usageErr("show takes at most one revision")
			}
			ctx := c.Context
			repo, err := openRepo(ctx)
			if err != nil {
				return err
			}
			rev := c.Args().First()
			if rev == "" {
				rev = "HEAD"
			}
			commit, err := repo.CommitInfo(ctx, rev)
			if err != nil {
				return &exitError{code: exitUsage, err: err}
			}
			v, err := newVerifier(ctx, repo, false)
			if err != nil {
				return err
			}
			results, _, err := v.Verify(ctx, []*gitxCommit{commit})
			if err != nil {
				return &exitError{code: exitUsage, err: err}
			}
			r := results[0]
			if c.Bool("json") {
				if err := report.WriteJSON(c.App.Writer, report.NewShowJSON(r)); err != nil {
					return err
				}
			} else {
				report.Show(c.App.Writer, report.Style{Color: color(asFile(c.App.Writer))}, r)
			}
			if !r.OK {
				return errFailed
			}
			return nil
		},
	}
}
