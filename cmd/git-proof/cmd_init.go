package main

import (
	"fmt"

	"github.com/git-proof/git-proof/report"
	"github.com/git-proof/git-proof/setup"
	"github.com/urfave/cli/v2"
)

func initCommand() *cli.Command {
	return &cli.Command{
		Name:  "init",
		Usage: "set the repository up for proofs (idempotent)",
		Description: `Sets notes.proof.mergeStrategy=cat_sort_uniq, adds a fetch refspec bringing each
remote's refs/notes/proof to refs/notes/remotes/<remote>/proof, and writes .proof/config.yaml
with commented examples. --display also sets notes.displayRef so plain git log shows proofs.`,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "display", Usage: "show proofs in plain `git log` (notes.displayRef)"},
			&cli.BoolFlag{Name: "json", Usage: "print the changes as JSON"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usageErr("init takes no arguments")
			}
			repo, err := openRepo(c.Context)
			if err != nil {
				return err
			}
			changes, err := setup.Init(c.Context, repo, setup.Options{Display: c.Bool("display")})
			if err != nil {
				return &exitError{code: exitUsage, err: err}
			}
			if c.Bool("json") {
				if changes == nil {
					changes = []setup.Change{}
				}
				return report.WriteJSON(c.App.Writer, map[string]any{"changes": changes})
			}
			if len(changes) == 0 {
				fmt.Fprintln(c.App.Writer, "git proof init: already set up, nothing changed")
				return nil
			}
			for _, ch := range changes {
				fmt.Fprintf(c.App.Writer, "%s: %s\n", ch.What, ch.Detail)
			}
			return nil
		},
	}
}
