package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/git-proof/git-proof/gitx"
	"github.com/git-proof/git-proof/policy"
	"github.com/git-proof/git-proof/proofpack"
	"github.com/git-proof/git-proof/report"
	"github.com/git-proof/git-proof/verify"
	"github.com/open-policy-agent/opa/v1/tester"
	"github.com/urfave/cli/v2"
)

// Media types of the policy subcommands' --json output.
const (
	policyEvalMediaType = "application/vnd.git-proof.policy-eval+json;version=0.1"
	policyShowMediaType = "application/vnd.git-proof.policy+json;version=0.1"
	policyTestMediaType = "application/vnd.git-proof.policy-test+json;version=0.1"
)

func policyCommand() *cli.Command {
	return &cli.Command{
		Name:  "policy",
		Usage: "evaluate, test and show the policy that decides proofs",
		Description: `The policy is Rego v1 under package proof: decision (AUTO_OK, REVIEW or BLOCK), deny and review.
Its sources, in order: the embedded default; the repository's .proof/policy/*.rego (in a clone only,
read from the working tree as checked out); the directory named by git config proof.policy (relative
to the git directory). All are loaded together, so .proof/policy and proof.policy add deny and review
reasons to the default's. git config proof.policyDefault=false leaves the default out; the remaining
modules must then define decision. A server (the pre-receive hook) never loads .proof/policy.
Policies cannot use http.send, net.* or opa.runtime. The policy's sha256 goes into every record.`,
		Subcommands:     []*cli.Command{policyEvalCommand(), policyTestCommand(), policyShowCommand()},
		HideHelpCommand: true,
	}
}

// policyArgs checks the argument count.
func policyArgs(c *cli.Context, max int, what string) error {
	if c.NArg() > max {
		return usageErr("policy %s takes %s", c.Command.Name, what)
	}
	return nil
}

func policyEvalCommand() *cli.Command {
	return &cli.Command{
		Name:      "eval",
		Usage:     "evaluate the policy on a commit's proof",
		ArgsUsage: "[REV]",
		Description: `Verifies REV's proof (default HEAD) with your allowed signers, then evaluates the effective
policy on the best record's predicate and prints the decision, the deny and review reasons and the
policy's sha256; --json adds the exact input evaluated. --policy DIR uses DIR's modules instead of
.proof/policy and proof.policy (the default is still included unless proof.policyDefault=false).
Exit 0 AUTO_OK; 1 REVIEW, BLOCK or no verifiable record; 2 usage, environment or policy error.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "policy", Usage: "evaluate the policy in `DIR` (with the default) instead of .proof/policy and proof.policy"},
			&cli.BoolFlag{Name: "server", Usage: "use the server's sources: the default and proof.policy, never .proof/policy"},
			&cli.StringFlag{Name: "context", Value: "verify", Usage: "the input's context: run, verify, pre-push or pre-receive"},
			&cli.StringFlag{Name: "ref", Usage: "the input's ref (the ref being updated), e.g. refs/heads/main"},
			&cli.BoolFlag{Name: "json", Usage: "print the decision, reasons, policy sha256 and input as JSON"},
		},
		Action: policyEval,
	}
}

func policyTestCommand() *cli.Command {
	return &cli.Command{
		Name:      "test",
		Usage:     "run a policy's *_test.rego tests, like opa test",
		ArgsUsage: "[DIR]",
		Description: `Compiles the default policy (unless proof.policyDefault=false) with DIR's modules and runs DIR's
*_test.rego rules named test_*, under the same restrictions as the policy (no http.send, net.* or
opa.runtime; builtin errors fail the test). DIR defaults to the repository's .proof/policy, else the
proof.policy directory, else the embedded default policy and its own tests.
Exit 0 all pass (or no tests); 1 a test fails; 2 a module does not compile, or usage error.`,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print the results as JSON"},
		},
		Action: policyTest,
	}
}

func policyShowCommand() *cli.Command {
	return &cli.Command{
		Name:  "show",
		Usage: "show the effective policy's sources, modules, data and sha256",
		Description: `Lists each source of the effective policy (name, directory, modules and tests with their sha256),
the data policies see as data.config, and the policy sha256 that records and hook verdicts carry.
Exit 0; 2 when a source cannot be read or the policy does not compile.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "policy", Usage: "show the policy in `DIR` (with the default) instead of .proof/policy and proof.policy"},
			&cli.BoolFlag{Name: "server", Usage: "show the server's sources: the default and proof.policy, never .proof/policy"},
			&cli.BoolFlag{Name: "json", Usage: "print as JSON"},
		},
		Action: policyShow,
	}
}

// loadPolicy loads the effective policy of repo as the flags say, and
// compiles it.
func loadPolicy(ctx context.Context, repo *gitx.Repo, dir string, server bool, opts ...policy.Option) (*policy.Effective, *policy.Engine, error) {
	var lo policy.LoadOptions
	var err error
	if server {
		lo, err = policy.ServerOptions(ctx, repo)
	} else {
		lo, err = policy.ClientOptions(ctx, repo)
	}
	if err != nil {
		return nil, nil, &exitError{code: exitUsage, err: err}
	}
	lo.PolicyDir = dir
	eff, err := policy.Load(ctx, lo)
	if err != nil {
		return nil, nil, &exitError{code: exitUsage, err: err}
	}
	eng, err := eff.Engine(ctx, opts...)
	if err != nil {
		return nil, nil, &exitError{code: exitUsage, err: err}
	}
	return eff, eng, nil
}

// policyEvalJSON is the --json form of `git proof policy eval`.
type policyEvalJSON struct {
	MediaType string `json:"mediaType"`
	Commit    string `json:"commit"`
	// Decision is absent when no record could be verified (FailedStep and
	// Error say why) and the policy was not evaluated.
	Decision     string        `json:"decision,omitempty"`
	Deny         []string      `json:"deny"`
	Review       []string      `json:"review"`
	PolicySHA256 string        `json:"policySha256"`
	Sources      []string      `json:"sources"`
	FailedStep   verify.Step   `json:"failedStep,omitempty"`
	Error        string        `json:"error,omitempty"`
	Input        *policy.Input `json:"input"`
}

var policyContexts = []string{"run", "verify", "pre-push", "pre-receive"}

func policyEval(c *cli.Context) error {
	if err := policyArgs(c, 1, "at most one revision"); err != nil {
		return err
	}
	pctx := c.String("context")
	if !slices.Contains(policyContexts, pctx) {
		return usageErr("--context %q: want one of %s", pctx, strings.Join(policyContexts, ", "))
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
	// The verifier evaluates the policy; the observer keeps what it saw, so
	// the input shown is exactly the one evaluated (approvals included).
	var mu sync.Mutex
	inputs := map[*proofpack.Predicate]*policy.Input{}
	observe := policy.WithEvalObserver(func(in *policy.Input, _ *policy.Result) {
		if p, ok := in.Proofpack.(*proofpack.Predicate); ok {
			mu.Lock()
			inputs[p] = in
			mu.Unlock()
		}
	})
	eff, eng, err := loadPolicy(ctx, repo, c.String("policy"), c.Bool("server"), observe)
	if err != nil {
		return err
	}
	v, err := verifierWith(ctx, repo, eng, true, pctx, c.String("ref"))
	if err != nil {
		return err
	}
	results, _, err := v.Verify(ctx, []*gitx.Commit{commit})
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	out := &policyEvalJSON{MediaType: policyEvalMediaType, Commit: commit.ID, Deny: []string{}, Review: []string{},
		PolicySHA256: eff.Digest, Sources: sourceNames(eff)}
	cr := results[0]
	best := cr.BestRecord()
	if best != nil && best.Policy != nil {
		out.Input = inputs[best.Predicate]
	}
	if out.Input == nil {
		if best != nil && best.FailedStep == verify.StepPolicy {
			// Reached the policy, which failed to evaluate.
			return &exitError{code: exitUsage, err: fmt.Errorf("%w: %s", policy.ErrPolicy, best.Error)}
		}
		// Only a record whose signature, signer and binding hold is
		// evaluated: anything else is attacker-controlled.
		out.FailedStep, out.Error = cr.FailedStep, cr.Error
		if best != nil {
			out.FailedStep, out.Error = best.FailedStep, best.Error
		}
		if c.Bool("json") {
			if err := report.WriteJSON(c.App.Writer, out); err != nil {
				return err
			}
		} else {
			fmt.Fprintf(c.App.Writer, "%s: no verifiable record (%s): %s\n", commit.ID, out.FailedStep, proofpack.Sanitize(out.Error))
		}
		return errFailed
	}
	res := best.Policy
	out.Decision, out.Deny, out.Review = res.Decision, res.Deny, res.Review
	if c.Bool("json") {
		if err := report.WriteJSON(c.App.Writer, out); err != nil {
			return err
		}
	} else {
		writePolicyEval(c.App.Writer, report.Style{Color: color(asFile(c.App.Writer))}, out, best)
	}
	if res.Decision != proofpack.AutoOK {
		return errFailed
	}
	return nil
}

func writePolicyEval(w io.Writer, s report.Style, out *policyEvalJSON, rr *verify.RecordResult) {
	fmt.Fprintf(w, "commit %s\n", out.Commit)
	fmt.Fprintf(w, "policy sha256:%s (%s)\n", out.PolicySHA256, strings.Join(out.Sources, ", "))
	who := rr.Signer.Principal
	if who == "" {
		who = rr.Signer.KeyID
	}
	fmt.Fprintf(w, "input: record on line %d signed by %s, context %s", rr.Line, proofpack.Sanitize(who), out.Input.Context)
	if out.Input.Ref != "" {
		fmt.Fprintf(w, ", ref %s", proofpack.Sanitize(out.Input.Ref))
	}
	fmt.Fprintf(w, " (--json shows all of it)\n")
	fmt.Fprintf(w, "decision: %s\n", report.Decision(s, out.Decision))
	for _, r := range out.Deny {
		fmt.Fprintf(w, "  deny:   %s\n", proofpack.Sanitize(r))
	}
	for _, r := range out.Review {
		fmt.Fprintf(w, "  review: %s\n", proofpack.Sanitize(r))
	}
}

func sourceNames(eff *policy.Effective) []string {
	names := []string{}
	for _, s := range eff.Sources {
		names = append(names, s.Name)
	}
	return names
}

// policyShowJSON is the --json form of `git proof policy show`.
type policyShowJSON struct {
	MediaType    string             `json:"mediaType"`
	PolicySHA256 string             `json:"policySha256"`
	Sources      []policySourceJSON `json:"sources"`
	Data         map[string]any     `json:"data"`
}

type policySourceJSON struct {
	Name    string             `json:"name"`
	Dir     string             `json:"dir,omitempty"`
	Modules []policyModuleJSON `json:"modules"`
	Tests   []policyModuleJSON `json:"tests"`
}

type policyModuleJSON struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
}

func moduleList(mods []policy.Module) []policyModuleJSON {
	out := []policyModuleJSON{}
	for _, m := range mods {
		out = append(out, policyModuleJSON{Name: m.Name, SHA256: m.SHA256()})
	}
	return out
}

func policyShow(c *cli.Context) error {
	if err := policyArgs(c, 0, "no arguments"); err != nil {
		return err
	}
	ctx := c.Context
	repo, err := openRepo(ctx)
	if err != nil {
		return err
	}
	// Compiling checks that what is shown is a policy that can be used.
	eff, eng, err := loadPolicy(ctx, repo, c.String("policy"), c.Bool("server"))
	if err != nil {
		return err
	}
	out := &policyShowJSON{MediaType: policyShowMediaType, PolicySHA256: eng.Digest(), Data: eng.Data()}
	for _, s := range eff.Sources {
		out.Sources = append(out.Sources, policySourceJSON{Name: s.Name, Dir: s.Dir, Modules: moduleList(s.Modules), Tests: moduleList(s.Tests)})
	}
	if c.Bool("json") {
		return report.WriteJSON(c.App.Writer, out)
	}
	w := c.App.Writer
	fmt.Fprintf(w, "policy sha256:%s\n", out.PolicySHA256)
	for _, s := range out.Sources {
		where := "embedded"
		if s.Dir != "" {
			where = s.Dir
		}
		fmt.Fprintf(w, "source %s (%s)\n", s.Name, proofpack.Sanitize(where))
		if len(s.Modules)+len(s.Tests) == 0 {
			fmt.Fprintf(w, "  (no .rego files)\n")
		}
		for _, m := range s.Modules {
			fmt.Fprintf(w, "  %s  sha256:%s\n", proofpack.Sanitize(m.Name), m.SHA256)
		}
		for _, m := range s.Tests {
			fmt.Fprintf(w, "  %s  sha256:%s (test; not in the policy sha256)\n", proofpack.Sanitize(m.Name), m.SHA256)
		}
	}
	if out.Data == nil {
		fmt.Fprintf(w, "data.config: none\n")
	} else {
		fmt.Fprintf(w, "data.config:\n")
		if err := report.WriteJSON(w, out.Data); err != nil {
			return err
		}
	}
	return nil
}

// policyTestJSON is the --json form of `git proof policy test`.
type policyTestJSON struct {
	MediaType    string           `json:"mediaType"`
	OK           bool             `json:"ok"`
	PolicySHA256 string           `json:"policySha256"`
	Sources      []string         `json:"sources"`
	Passed       int              `json:"passed"`
	Failed       int              `json:"failed"`
	Errored      int              `json:"errored"`
	Skipped      int              `json:"skipped"`
	Results      []testResultJSON `json:"results"`
}

type testResultJSON struct {
	File       string `json:"file,omitempty"`
	Row        int    `json:"row,omitempty"`
	Package    string `json:"package"`
	Name       string `json:"name"`
	Result     string `json:"result"` // pass, fail, error or skip
	Error      string `json:"error,omitempty"`
	Output     string `json:"output,omitempty"`
	DurationNS int64  `json:"durationNs"`
}

func policyTest(c *cli.Context) error {
	if err := policyArgs(c, 1, "at most one directory"); err != nil {
		return err
	}
	ctx := c.Context
	dir := c.Args().First()
	opts, err := policyTestOptions(ctx, dir)
	if err != nil {
		return err
	}
	eff, err := policy.Load(ctx, opts)
	if err != nil {
		if dir != "" && errors.Is(err, fs.ErrNotExist) {
			return usageErr("policy test %s: no such directory", dir)
		}
		return &exitError{code: exitUsage, err: err}
	}
	// The tests of the source under test: a directory's own, or the
	// default's when the default is all there is.
	var tests []policy.Module
	if n := len(eff.Sources); n > 0 {
		tests = eff.Sources[n-1].Tests
	}
	rep, err := policy.RunTests(ctx, eff.Modules, tests, policy.WithData(eff.Data))
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	if len(rep.Results) == 0 {
		fmt.Fprintf(c.App.ErrWriter, "git proof: no tests in %s (test files end in _test.rego; test rules start with test_)\n", strings.Join(sourceNames(eff), ", "))
	}
	if c.Bool("json") {
		out := &policyTestJSON{MediaType: policyTestMediaType, OK: rep.OK(), PolicySHA256: eff.Digest, Sources: sourceNames(eff),
			Passed: rep.Passed, Failed: rep.Failed, Errored: rep.Errored, Skipped: rep.Skipped, Results: []testResultJSON{}}
		for _, r := range rep.Results {
			out.Results = append(out.Results, testResult(r))
		}
		if err := report.WriteJSON(c.App.Writer, out); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(c.App.Writer, "testing %s (policy sha256:%s)\n", strings.Join(sourceNames(eff), " + "), eff.Digest)
		if err := rep.Report(tester.PrettyReporter{Output: c.App.Writer, Verbose: true}); err != nil {
			return err
		}
	}
	if !rep.OK() {
		return errFailed
	}
	return nil
}

// policyTestOptions picks what `policy test [DIR]` compiles: the default
// (unless proof.policyDefault=false) and DIR; without DIR, .proof/policy,
// else proof.policy's directory, else the embedded default alone. Outside a
// repository DIR is tested with the default.
func policyTestOptions(ctx context.Context, dir string) (policy.LoadOptions, error) {
	var cfg policy.LoadOptions
	repo, err := gitx.Open(ctx, "", nil)
	switch {
	case err == nil:
		if cfg, err = policy.ClientOptions(ctx, repo); err != nil {
			return cfg, &exitError{code: exitUsage, err: err}
		}
	case dir == "" || !errors.Is(err, gitx.ErrNotARepository):
		return cfg, &exitError{code: exitUsage, err: err}
	}
	opts := policy.LoadOptions{NoDefault: cfg.NoDefault, Data: cfg.Data}
	switch {
	case dir != "":
		// Name a directory that is one of the configured sources as such, so
		// file names in the report are those of show and eval.
		switch {
		case sameDir(dir, cfg.RepoPolicyDir):
			opts.RepoPolicyDir = cfg.RepoPolicyDir
		case sameDir(dir, cfg.AdminDir):
			opts.AdminDir = cfg.AdminDir
		default:
			opts.PolicyDir = dir
		}
	case isDir(cfg.RepoPolicyDir):
		opts.RepoPolicyDir = cfg.RepoPolicyDir
	case cfg.AdminDir != "":
		opts.AdminDir = cfg.AdminDir
	default:
		opts.NoDefault = false
	}
	return opts, nil
}

func isDir(p string) bool {
	if p == "" {
		return false
	}
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

func sameDir(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}

func testResult(r *tester.Result) testResultJSON {
	t := testResultJSON{Package: r.Package, Name: r.Name, Output: string(r.Output), DurationNS: int64(r.Duration)}
	if r.Location != nil {
		t.File, t.Row = filepath.ToSlash(r.Location.File), r.Location.Row
	}
	switch {
	case r.Skip:
		t.Result = "skip"
	case r.Error != nil:
		t.Result, t.Error = "error", r.Error.Error()
	case r.Fail:
		t.Result = "fail"
	default:
		t.Result = "pass"
	}
	return t
}
