package main

import (
	"fmt"

	"github.com/git-proof/git-proof/approve"
	"github.com/git-proof/git-proof/proofpack"
	"github.com/git-proof/git-proof/report"
	"github.com/git-proof/git-proof/settings"
	"github.com/git-proof/git-proof/sign"
	"github.com/urfave/cli/v2"
)

func approveCommand() *cli.Command {
	return &cli.Command{
		Name:      "approve",
		Usage:     "sign off a commit whose proof needs a person (REVIEW)",
		ArgsUsage: "REV",
		Description: `Verifies REV's proof with your trust and policy, then appends a signed approval of the same
tree transition to its note. A verifier counts the approval when your key is listed in its allowed
signers file with namespaces="git-proof-approve" (or your principal is in its proof.approvers), you
did not sign the proof yourself, and the ref's rule takes approvals. An approval never overrides BLOCK.
Exit 0 recorded; 1 nothing to approve (no valid proof, or BLOCK); 2 usage or environment error.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "reason", Usage: "why you approve (recorded and shown)"},
			&cli.BoolFlag{Name: "json", Usage: "print the approval as JSON"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usageErr("approve takes one revision: git proof approve REV")
			}
			ctx := c.Context
			repo, err := openRepo(ctx)
			if err != nil {
				return err
			}
			st, err := loadSettings(ctx, repo)
			if err != nil {
				return err
			}
			st.Identity(ctx, repo)
			signer, err := sshSigner(ctx, repo, st, sign.ApproveNamespace, settings.ErrNoSigningKey)
			if err != nil {
				return err
			}
			v, err := newVerifier(ctx, repo, true)
			if err != nil {
				return err
			}
			res, err := approve.Approve(ctx, repo, approve.Request{
				Rev: c.Args().First(), Reason: c.String("reason"), Signer: signer, Verifier: v,
				Approver: proofpack.Identity{Name: st.UserName, Email: st.UserEmail},
				Tool:     proofpack.Tool{Name: "git-proof", Version: version},
			})
			if err != nil {
				if errorsIs(err, approve.ErrNothingToApprove, approve.ErrBlocked) {
					fmt.Fprintf(c.App.ErrWriter, "git proof: %v\n", err)
					return errFailed
				}
				return &exitError{code: exitUsage, err: err}
			}
			if c.Bool("json") {
				return report.WriteJSON(c.App.Writer, map[string]any{"approval": res.Approval, "notesCommit": res.NotesTip, "decision": res.Decision})
			}
			fmt.Fprintf(c.App.Writer, "approved %s (its proof decides %s under your policy)\n", res.Approval.Commit, res.Decision)
			fmt.Fprintf(c.App.Writer, "%s\n", firstLine(res.Record))
			fmt.Fprintf(c.App.Writer, "publish it with: git proof push\n")
			return nil
		},
	}
}
