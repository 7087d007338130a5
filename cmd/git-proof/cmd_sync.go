package main

import (
	"errors"
	"fmt"

	"github.com/git-proof/git-proof/notes"
	"github.com/urfave/cli/v2"
)

func pushCommand() *cli.Command {
	return &cli.Command{
		Name:      "push",
		Usage:     "push a branch together with its proofs, atomically",
		ArgsUsage: "[REMOTE] [REFSPEC...]",
		Description: `Runs git push --atomic REMOTE REFSPEC... refs/notes/proof, so a server gets a branch and its proofs
together or neither. When only refs/notes/proof was refused because the remote's proofs moved on, it
fetches them, merges with cat_sort_uniq, and tries again (at most 5 times). It never forces the
notes. REMOTE defaults to the branch's push remote, else origin; REFSPEC to the current branch.
Exit 0 pushed; 1 the remote refused (its message is shown); 2 usage or environment error.`,
		Action: func(c *cli.Context) error {
			repo, err := openRepo(c.Context)
			if err != nil {
				return err
			}
			args := c.Args().Slice()
			opts := notes.PushOptions{Stderr: c.App.ErrWriter}
			if len(args) > 0 {
				opts.Remote, opts.Refspecs = args[0], args[1:]
			}
			res, err := notes.Push(c.Context, repo, opts)
			if err != nil {
				if errors.Is(err, notes.ErrPushRejected) || errors.Is(err, notes.ErrNotesRace) {
					fmt.Fprintf(c.App.ErrWriter, "git proof: %v\n", err)
					return errFailed
				}
				return &exitError{code: exitUsage, err: err}
			}
			extra := ""
			if res.Merged > 0 {
				extra = fmt.Sprintf(" (merged the remote's proofs %d time(s) first)", res.Merged)
			}
			fmt.Fprintf(c.App.Writer, "pushed %v and refs/notes/proof to %s%s\n", res.Refspecs, res.Remote, extra)
			return nil
		},
	}
}

func fetchCommand() *cli.Command {
	return &cli.Command{
		Name:      "fetch",
		Usage:     "fetch a remote's proofs and merge them into yours",
		ArgsUsage: "[REMOTE]",
		Description: `Fetches REMOTE's refs/notes/proof into refs/notes/remotes/REMOTE/proof and merges it into your
refs/notes/proof with cat_sort_uniq (a union of record lines: nothing of yours is lost).`,
		Action: func(c *cli.Context) error {
			if c.NArg() > 1 {
				return usageErr("fetch takes at most one remote")
			}
			repo, err := openRepo(c.Context)
			if err != nil {
				return err
			}
			if err := notes.Fetch(c.Context, repo, c.Args().First()); err != nil {
				return &exitError{code: exitUsage, err: err}
			}
			fmt.Fprintln(c.App.Writer, "proofs fetched and merged into refs/notes/proof")
			return nil
		},
	}
}
