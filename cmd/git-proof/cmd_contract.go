package main

import (
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/git-proof/git-proof/contract"
	"github.com/git-proof/git-proof/proofpack"
	"github.com/git-proof/git-proof/report"
	"github.com/git-proof/git-proof/run"
	"github.com/git-proof/git-proof/settings"
	"github.com/urfave/cli/v2"
)

func contractCommand() *cli.Command {
	return &cli.Command{
		Name:  "contract",
		Usage: "grade and redact contracts (what correct means, with hidden holdouts)",
		Subcommands: []*cli.Command{
			{
				Name:      "check",
				Usage:     "grade a contract A–F; its repro checks must fail on the base tree",
				ArgsUsage: "FILE",
				Description: `Grades FILE over six dimensions (testability, reproduction, negative coverage, scope
boundedness, clarity, completeness) with the points and reason for each. The repro checks run in a
clean worktree of --base (default HEAD) and must fail there. The author's copy and the redacted copy
grade the same (holdouts count through the commitment).
Exit 0: the grade is at least --min-grade (default proof.contractMinGrade, else C); 1: below; 2: error.`,
				Flags: append([]cli.Flag{
					&cli.StringFlag{Name: "base", Usage: "run the repro checks on `REV` (default HEAD)"},
					&cli.StringFlag{Name: "min-grade", Usage: "exit 1 below `GRADE` (A–F)"},
					&cli.BoolFlag{Name: "json", Usage: "print the grade as JSON"},
				}, progressFlags()...),
				Action: contractCheckAction,
			},
			{
				Name:      "redact",
				Usage:     "write the engineer's copy: holdouts removed, a salted commitment in their place",
				ArgsUsage: "FILE",
				Description: `Reads the author's contract FILE and writes the redacted copy to -o OUT (default: standard
output): the holdouts removed and replaced by holdoutCommitment {count, sha256(salt ‖ JCS(holdouts))}.
The salt is FILE's holdoutSalt, else a new one; the holdouts and the salt go to --holdouts-out
(default: proof.holdoutsDir/<id>.yaml), which must stay outside the repository. Commit the redacted
copy (e.g. .proof/contracts/<id>.yaml); git proof run --contract checks the commitment.`,
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the redacted copy to `OUT`"},
					&cli.StringFlag{Name: "holdouts-out", Usage: "write the holdouts file to `PATH`"},
				},
				Action: contractRedactAction,
			},
		},
	}
}

func readContract(path string) (*contract.Contract, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &exitError{code: exitUsage, err: fmt.Errorf("contract: %w", err)}
	}
	c, err := contract.Parse(data, path)
	if err != nil {
		return nil, &exitError{code: exitUsage, err: err}
	}
	return c, nil
}

func contractCheckAction(c *cli.Context) error {
	if c.NArg() != 1 {
		return usageErr("contract check takes one FILE")
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
	min := c.String("min-grade")
	if min == "" {
		min = st.ContractMinGrade
	}
	if !contract.ValidGrade(min) {
		return usageErr("--min-grade %q: give one of A, B, C, D, F", min)
	}
	ct, err := readContract(c.Args().First())
	if err != nil {
		return err
	}
	helper, _ := os.Executable()
	progress := progressTo(c)
	rep, ev, err := run.CheckContract(ctx, repo, ct, run.CheckRequest{Base: c.String("base"), NetnsHelper: helper, Progress: progress})
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	below := rep.Below(min)
	if c.Bool("json") {
		if err := report.WriteJSON(c.App.Writer, map[string]any{"contract": ct.ID, "grade": rep, "repro": ev, "minGrade": strings.ToUpper(min), "below": below}); err != nil {
			return err
		}
	} else {
		w := c.App.Writer
		fmt.Fprintf(w, "contract %s: grade %s (%d/%d)\n", proofpack.Sanitize(ct.ID), rep.Grade, rep.Score, rep.Max)
		for _, d := range rep.Dimensions {
			fmt.Fprintf(w, "  %-20s %3d/%-3d %s\n", d.Name, d.Points, d.Max, proofpack.Sanitize(d.Reason))
		}
		for _, r := range ev.Results {
			state := "fails on the base tree, as it must"
			if !r.Failed {
				state = "PASSES on the base tree: it does not reproduce the bug"
			}
			fmt.Fprintf(w, "  repro %s: exit %d, %s\n", proofpack.Sanitize(r.ID), r.ExitCode, state)
		}
	}
	if below {
		fmt.Fprintf(c.App.ErrWriter, "git proof: contract grade %s is below %s\n", rep.Grade, strings.ToUpper(min))
		return errFailed
	}
	return nil
}

func contractRedactAction(c *cli.Context) error {
	if c.NArg() != 1 {
		return usageErr("contract redact takes one FILE")
	}
	ctx := c.Context
	full, err := readContract(c.Args().First())
	if err != nil {
		return err
	}
	if len(full.Holdouts) == 0 {
		return usageErr("%s has no holdouts: it needs no redaction (commit it as it is)", c.Args().First())
	}
	hout := c.String("holdouts-out")
	if hout == "" {
		if repo, err := openRepo(ctx); err == nil {
			if st, err := settings.Load(ctx, repo); err == nil && st.HoldoutsDir != "" {
				hout = filepath.Join(st.HoldoutsDir, full.ID+".yaml")
			}
		}
	}
	var salt []byte
	if full.HoldoutSalt != "" {
		if salt, err = hex.DecodeString(full.HoldoutSalt); err != nil {
			return usageErr("%s: holdoutSalt: %v", c.Args().First(), err)
		}
	} else {
		if hout == "" {
			return usageErr("%s has no holdoutSalt, so the new salt must be kept: pass --holdouts-out PATH (outside the repository) or set proof.holdoutsDir", c.Args().First())
		}
		if salt, err = contract.NewSalt(); err != nil {
			return err
		}
	}
	red, err := contract.Redact(full, salt)
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	out, err := contract.Marshal(red)
	if err != nil {
		return err
	}
	if hout != "" {
		hf, err := contract.NewHoldoutsFile(full, salt)
		if err != nil {
			return err
		}
		hb, err := contract.MarshalHoldouts(hf)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(hout), 0o700); err != nil {
			return &exitError{code: exitUsage, err: err}
		}
		if err := os.WriteFile(hout, hb, 0o600); err != nil {
			return &exitError{code: exitUsage, err: err}
		}
		fmt.Fprintf(c.App.ErrWriter, "git proof: wrote %d holdout(s) and the salt to %s: keep it outside the repository\n", len(full.Holdouts), hout)
	}
	if o := c.String("output"); o != "" {
		if err := os.WriteFile(o, out, 0o644); err != nil {
			return &exitError{code: exitUsage, err: err}
		}
		fmt.Fprintf(c.App.ErrWriter, "git proof: wrote the redacted copy to %s\n", o)
		return nil
	}
	_, err = c.App.Writer.Write(out)
	return err
}
