package run

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/git-proof/git-proof/config"
	"github.com/git-proof/git-proof/contract"
	"github.com/git-proof/git-proof/gitx"
	"github.com/git-proof/git-proof/internal/environ"
	"github.com/git-proof/git-proof/proofpack"
	"github.com/git-proof/git-proof/review"
	"github.com/git-proof/git-proof/sarif"
)

// reviewJob is the model reviews of a run, running beside the checks:
// they need only the diff and the redacted contract.
type reviewJob struct {
	done chan struct{}
	rep  *review.Report
	err  error
}

// startReviews asks the configured reviewers to review the change, in the
// background. Every reviewer gets the same input: the redacted contract
// (never the holdouts) and the diff.
func startReviews(ctx context.Context, repo *gitx.Repo, cfg *config.Config, req Request, baseTree, headTree string) (*reviewJob, error) {
	// With context lines: reviewers read the change, and their quoted
	// evidence may come from around it.
	patch, err := repo.Run(ctx, "diff-tree", "-p", "--no-color", "--no-ext-diff", "--no-textconv", "--no-renames",
		"--src-prefix=a/", "--dst-prefix=b/", baseTree, headTree)
	if err != nil {
		return nil, fmt.Errorf("diff for the reviewers: %w", err)
	}
	in := review.Input{Diff: patch}
	if lc := req.Contract; lc != nil {
		canon, err := contract.Canonical(lc.Redacted)
		if err != nil {
			return nil, fmt.Errorf("contract for the reviewers: %w", err)
		}
		in.Contract, in.ContractID = canon, lc.Redacted.ID
	}
	env := req.Env
	if env == nil {
		env = os.Environ()
	}
	getenv := func(k string) string { return environ.Get(env, k) }
	opts := review.Options{
		CacheDir:     filepath.Join(repo.CommonDir(), "git-proof", "cache", "reviews"),
		Exclude:      cfg.Review.Exclude,
		MaxDiffBytes: cfg.Review.MaxDiffBytes,
		Getenv:       getenv,
	}
	if req.NoCache {
		opts.CacheDir = ""
	}
	j := &reviewJob{done: make(chan struct{})}
	go func() {
		defer close(j.done)
		j.rep, j.err = review.Run(ctx, cfg.Reviewers, in, opts)
	}()
	return j, nil
}

// wait returns the reviews for the record, and keeps their SARIF log
// under the git directory by its digest.
func (j *reviewJob) wait(ctx context.Context, commonDir string) (*proofpack.Reviews, error) {
	select {
	case <-j.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if j.err != nil {
		return nil, fmt.Errorf("reviews: %w", j.err)
	}
	rep := j.rep
	out := &proofpack.Reviews{PromptSHA256: rep.PromptSHA256, FindingsSHA256: rep.SARIFSHA256, Reviewers: []proofpack.Reviewer{}}
	if len(rep.SecretScan.Hits) > 0 {
		out.Secret = rep.SecretScan.Hits[0].String()
	}
	var top map[string][]proofpack.ReviewFinding
	if len(rep.SARIF) > 0 {
		if err := keepSARIF(commonDir, rep.SARIFSHA256, rep.SARIF); err != nil {
			return nil, err
		}
		top = topFindings(rep.SARIF)
	}
	for _, r := range rep.Reviewers {
		pr := proofpack.Reviewer{
			Name: r.Name, Vendor: r.Vendor, Kind: r.Kind, Model: r.ModelRequested, ModelUsed: r.Model,
			Status: r.Status, Verdict: r.Verdict, Dropped: r.Dropped,
			Response: r.ResponseSHA256, Schema: r.SchemaSHA256, Findings: r.FindingsSHA256,
			DurationMs: r.DurationMs, Attempts: r.Attempts, Cached: r.Cached, Top: top[r.Name],
		}
		if r.Status == "ok" {
			pr.Counts = map[string]int{"critical": r.Counts.Critical, "major": r.Counts.Major, "minor": r.Counts.Minor, "info": r.Counts.Info}
		}
		if f := r.Failure; f != nil {
			pr.Failure = &proofpack.ReviewFailure{Class: f.Class, Transient: f.Transient, Message: f.Message}
		}
		out.Reviewers = append(out.Reviewers, pr)
	}
	return out, nil
}

// keepSARIF writes the reviews' SARIF log to
// <git dir>/git-proof/reviews/<sha256>.sarif, where show finds it.
func keepSARIF(commonDir, digest string, log []byte) error {
	dir := filepath.Join(commonDir, "git-proof", "reviews")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("keep review findings: %w", err)
	}
	p := filepath.Join(dir, digest+".sarif")
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, log, 0o644); err != nil {
		return fmt.Errorf("keep review findings: %w", err)
	}
	return os.Rename(tmp, p)
}

var severityRank = map[string]int{"critical": 0, "major": 1, "minor": 2, "info": 3}

// topFindings are each reviewer's most severe kept findings, at most
// proofpack.MaxReviewFindings, from the SARIF log (whose messages start
// with the severity, as review writes them).
func topFindings(log []byte) map[string][]proofpack.ReviewFinding {
	fs, err := sarif.Parse(bytes.NewReader(log), "")
	if err != nil {
		return nil
	}
	out := map[string][]proofpack.ReviewFinding{}
	for _, f := range fs {
		sev, msg, ok := strings.Cut(f.Message, ": ")
		if _, known := severityRank[sev]; !ok || !known {
			sev, msg = f.Level, f.Message
		}
		out[f.Tool] = append(out[f.Tool], proofpack.ReviewFinding{
			File: f.File, Line: f.StartLine, Severity: sev,
			Category: strings.TrimPrefix(f.RuleID, review.RuleIDPrefix), Message: msg,
		})
	}
	for k, l := range out {
		sort.SliceStable(l, func(i, j int) bool { return severityRank[l[i].Severity] < severityRank[l[j].Severity] })
		if len(l) > proofpack.MaxReviewFindings {
			l = l[:proofpack.MaxReviewFindings]
		}
		out[k] = l
	}
	return out
}
