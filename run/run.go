package run

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/git-proof/git-proof/checks"
	"github.com/git-proof/git-proof/confidence"
	"github.com/git-proof/git-proof/config"
	"github.com/git-proof/git-proof/coverage"
	"github.com/git-proof/git-proof/gitx"
	"github.com/git-proof/git-proof/notes"
	"github.com/git-proof/git-proof/policy"
	"github.com/git-proof/git-proof/proofpack"
	"github.com/git-proof/git-proof/risk"
)

// Request is one `git proof run`.
type Request struct {
	Rev  string // the commit to prove; "" = HEAD
	Base string // its base; "" = first parent (empty tree for a root commit)
	// Tests are ad-hoc test commands, run in addition to the configured checks.
	Tests []string
	// Signer signs the record; nil records an unsigned record, which the
	// default policy sends to REVIEW and verify refuses.
	Signer proofpack.Signer
	Policy *policy.Engine
	// LoadPolicy, when Policy is nil, gives the engine; Run calls it in a
	// goroutine of its own while the checks run.
	LoadPolicy func() (*policy.Engine, error)
	Creator    proofpack.Identity
	Tool       proofpack.Tool
	// Progress receives one line per step; nil for none.
	Progress func(string)
	// Checks are ad-hoc named checks (`--check NAME=CMD`), exit-code or
	// go-test-json by their output, run in addition.
	Checks []NamedCheck
	// Env is the environment variables are taken from; nil = this
	// process's. Checks get a hermetic environment built from it.
	Env []string
	// Jobs bounds how many trees are checked at once; 0 = decide from the
	// first tree's CPU use, at most the number of CPUs (see scheduler).
	Jobs int
	// NoCache runs every check, even when a result for the same tree and
	// check is cached.
	NoCache bool
	// Fresh uses temporary worktrees, removed afterwards, instead of the
	// reusable ones under the git directory.
	Fresh bool
	// NetnsHelper is the binary that runs checks without network (see
	// checks.NetnsHelperArg); "" lets checks use the network.
	NetnsHelper string
	// Probe, when not nil, is the machine's probes started early for
	// this Env and NetnsHelper (StartProbe).
	Probe *Probe
	// Minimize also finds the smallest set of code hunks with which the
	// fixed tests pass (see the minimize package), checking at most
	// MaxRuns candidate trees (0: DefaultMaxRuns).
	Minimize bool
	MaxRuns  int
	// Contract, when not nil, is the spec the change was made against
	// (LoadContract): its criteria and holdouts run, its grade and scope
	// are recorded.
	Contract *LoadedContract
	// FullRepro runs every check on the whole repro tree, instead of only
	// on the packages whose test files changed where the runner can tell
	// (narrow.go).
	FullRepro bool
	// NoReview skips the reviewers the base commit's .proof/config.yaml
	// lists.
	NoReview bool
}

// NamedCheck is an ad-hoc check given on the command line.
type NamedCheck struct{ Name, Command string }

// Result is what a run recorded.
type Result struct {
	Predicate  *proofpack.Predicate
	Record     []byte // the two lines appended to the note
	NotesTip   string // the notes commit that holds the record
	Decision   string
	Commit     string
	NoteObject string
}

// Errors of a run that records nothing.
var (
	// ErrShallow: the base commit is not in this shallow clone; run
	// `git fetch --deepen=1` (or `--unshallow`) and try again.
	ErrShallow = errors.New("base commit unknown: the commit is at the boundary of a shallow clone (run git fetch --deepen=1)")
)

// Run proves one commit and appends the signed record to its note.
func Run(ctx context.Context, repo *gitx.Repo, req Request) (_ *Result, err error) {
	if req.Policy == nil && req.LoadPolicy == nil {
		return nil, errors.New("run: no policy engine")
	}
	// What the first check needs is on the critical path: the commit,
	// the machine's probes, a worktree. Everything else (compiling the
	// policy, the diff, its hunks, the repro tree, the note's current
	// state) waits behind started until a check has started: on two
	// CPUs, compiling the default policy (~22 ms of CPU) beside the
	// set-up made go env alone take 12 ms instead of 3. A check leaves
	// CPU idle that this work then uses. A policy that does not compile
	// stops the checks.
	started := newGate()
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	policyDone := make(chan struct{})
	var policyErr error
	eng := req.Policy
	if eng == nil {
		go func() {
			if started.wait(cctx) != nil {
				close(policyDone) // the run is over; its error is reported
				return
			}
			eng, policyErr = req.LoadPolicy()
			// Done before cancelling: an error the cancelling causes
			// must find the policy's.
			close(policyDone)
			if policyErr != nil {
				cancel()
			}
		}()
	} else {
		close(policyDone)
	}
	// An error is the policy's when it failed: its cancelling caused the
	// rest.
	defer func() {
		if err == nil {
			return
		}
		select {
		case <-policyDone:
			if policyErr != nil {
				err = policyErr
			}
		default:
		}
	}()
	progress := req.Progress
	if progress == nil {
		progress = func(string) {}
	}
	rev := req.Rev
	if rev == "" {
		rev = "HEAD"
	}
	// The probes of the machine are on the way to the first check; they
	// run while the change is read.
	probe := probeFor(cctx, req)
	defer probe.wait()
	// So is cleaning a worktree for the first tree checked out.
	reserved := reserveWorktree(cctx, repo, req)
	defer reserved.Release()
	head, base, baseTime, cfg, err := resolveChange(ctx, repo, rev, req.Base)
	if err != nil {
		return nil, err
	}
	specs, err := checkSpecs(cfg, req.Tests, req.Checks)
	if err != nil {
		return nil, err
	}
	globs := cfg.Tests
	if globs == nil {
		globs = checks.DefaultTestGlobs()
	}

	// The checks are the slow part: they start as soon as the trees are
	// known, and the diff, its hunks and the dependency delta are worked
	// out while they run.
	trees := prepareTrees(cctx, repo, base.Tree, head.Tree, globs, started)
	cr := startChecks(cctx, repo, req, probe, reserved, head, base, baseTime, specs, trees, started, progress)
	defer func() {
		// On an early return the checks are stopped and their worktrees
		// released before Run returns; on any return, the results they
		// are writing to the cache are written.
		cancel()
		if run, _ := cr.wait(); run != nil && run.tr != nil {
			run.tr.flush()
		}
		trees.wait()
	}()

	if err := started.wait(cctx); err != nil {
		if _, cerr := cr.wait(); cerr != nil {
			return nil, cerr
		}
		return nil, err
	}
	if w, ok := req.Signer.(warmer); ok {
		warm := start(func() (struct{}, error) { w.Warm(); return struct{}{}, nil })
		defer warm.wait()
	}
	tp, err := trees.wait()
	if err != nil {
		return nil, err
	}
	entries, stats, repro, nTests := tp.entries, tp.stats, tp.repro, tp.nTests
	diff := proofpack.Diff{SHA256: proofpack.DiffSHA256(entries), Files: len(entries)}
	byPath := make(map[string]gitx.DiffStat, len(stats))
	for _, s := range stats {
		diff.Additions += s.Additions
		diff.Deletions += s.Deletions
		if s.Binary {
			diff.Binary++
		}
		byPath[s.Path] = s
	}
	changed := make([]risk.ChangedPath, 0, len(entries))
	for _, e := range entries {
		st := byPath[e.Path]
		changed = append(changed, risk.ChangedPath{Path: e.Path, Status: e.Status, Additions: st.Additions, Deletions: st.Deletions, Binary: st.Binary})
	}

	patch := tp.patch
	hunks, hunkCounts, api, err := classifiedHunks(ctx, repo, patch, entries)
	if err != nil {
		return nil, err
	}

	p := &proofpack.Predicate{
		SchemaVersion: proofpack.SchemaVersion,
		CreatedAt:     proofpack.Now(),
		Tool:          req.Tool,
		Creator:       req.Creator,
		Commit:        head.ID,
		Tree:          head.Tree,
		Base:          base,
		Repro:         proofpack.Repro{Tree: repro, TestGlobs: globs, TestFiles: nTests},
		Diff:          diff,
		Contract:      proofpack.Contract{Status: "none"},
		Environment:   environment(ctx, repo),
		Hunks:         hunks,
		HunkCounts:    hunkCounts,
		API:           api,
	}

	// Reviewers come from the base commit's config, never from the change
	// under review: its author would otherwise choose where the prompt
	// and the API key go (url, command, apiKeyEnv).
	var reviews *reviewJob
	if base.Commit != "" && !req.NoReview {
		rcfg, err := readConfig(ctx, repo, base.Commit)
		if err != nil {
			return nil, fmt.Errorf("reviewers: %w", err)
		}
		if len(rcfg.Reviewers) > 0 {
			progress(fmt.Sprintf("asking %d reviewer(s)", len(rcfg.Reviewers)))
			if reviews, err = startReviews(ctx, repo, rcfg, req, base.Tree, head.Tree); err != nil {
				return nil, err
			}
		}
	}
	paths := make([]string, len(changed))
	for i, c := range changed {
		paths[i] = c.Path
	}
	depDelta, direct, err := dependencyDelta(ctx, repo, base.Tree, head.Tree, paths)
	if err != nil {
		return nil, err
	}
	p.Dependencies = depDelta

	// The note's current state is read while the checks run; writing it
	// is all that is left after them.
	store := notes.New(repo, notes.Ref, 0)
	snap := start(func() (*notes.Snapshot, error) { return store.Prepare(cctx, head.ID) })
	defer snap.wait()
	run, err := cr.wait()
	if err != nil {
		return nil, err
	}
	tr := run.tr
	if tr != nil {
		p.Environment.Network, p.Environment.Passed, p.Environment.SourceDateEpoch = tr.record()
	}
	if run.contract != nil {
		p.Contract = *run.contract
	}
	if len(specs) > 0 {
		outcomes, only := run.outcomes, run.only
		var changedLines coverage.ChangedLines
		for i, s := range specs {
			h, b, r := outcomes["head"], outcomes["base"], outcomes["repro"]
			ro := r.outs[i]
			if only[i] != nil {
				ro = checks.WithBase(b.outs[i], ro)
			}
			cmp := checks.Compare(b.outs[i], ro, h.outs[i])
			rr := treeResult(repro, r, i)
			if rr != nil && only[i] != nil {
				rr.Only = only[i]
			}
			c := proofpack.Check{
				Name: s.Name, Kind: s.kind, Command: s.Command, Format: h.outs[i].Format,
				Head: treeResult(head.Tree, h, i), Base: treeResult(base.Tree, b, i), Repro: rr,
				Fixed: cmp.Fixed, Regressed: cmp.Regressed, Added: cmp.Added, Removed: cmp.Removed,
				Skipped: cmp.Skipped, Flaky: cmp.Flaky,
			}
			if h.outs[i].Format == checks.FormatSARIF {
				c.Findings = newFindings(b.outs[i], h.outs[i])
			}
			if cd := h.outs[i].Coverage; cd != nil {
				if changedLines == nil {
					if changedLines, err = changedCode(patch, globs); err != nil {
						return nil, err
					}
				}
				c.Coverage = changeCoverage(cd, changedLines)
			}
			p.Checks = append(p.Checks, c)
		}
		if req.Minimize {
			if err := minimizeHunks(ctx, repo, tr, specs, outcomes, p, entries, patch, globs, repro, req.MaxRuns, progress); err != nil {
				return nil, err
			}
		}
	} else if req.Minimize {
		return nil, ErrNothingToMinimize
	}
	in := risk.Input{Paths: changed, Checks: p.Checks, Hunks: hunkSummary(hunkCounts),
		APIChanges: api.Added + api.Removed + api.Signature, APIBreaks: api.Removed + api.Signature}
	if direct != nil {
		// Indirect changes ride along with a lock-file bump; what the
		// project chose to depend on is what carries risk.
		in.Dependencies = &risk.DepSummary{Added: direct[0], Removed: direct[1], Changed: direct[2]}
	}
	p.Risk = risk.Score(in, riskConfig(cfg))
	if reviews != nil {
		progress("waiting for the reviewers")
		if p.Reviews, err = reviews.wait(ctx, repo.CommonDir()); err != nil {
			return nil, err
		}
	}
	conf := confidence.Compute(p)
	p.Confidence = &conf
	p.Normalize()

	<-policyDone
	if policyErr != nil {
		return nil, policyErr
	}
	if eng == nil {
		return nil, fmt.Errorf("policy: not loaded: %w", context.Cause(cctx))
	}
	dec, err := decide(ctx, eng, p, head, req.Signer != nil)
	if err != nil {
		return nil, err
	}
	p.Policy = proofpack.PolicyResult{SHA256: eng.Digest(), Decision: dec.Decision, Reasons: dec.Reasons()}
	p.Decision = dec.Decision

	payload, err := proofpack.NewStatementPayload(p)
	if err != nil {
		return nil, err
	}
	env, err := proofpack.SignPayload(ctx, payload, req.Signer)
	if err != nil {
		return nil, err
	}
	record, err := proofpack.EncodeRecord(p, env)
	if err != nil {
		return nil, err
	}
	progress("recording proof on " + notes.Ref)
	msg := fmt.Sprintf("git proof run: %s %s", p.Decision, head.ID)
	// A snapshot that could not be read is read again, and its error
	// reported, by AppendFrom.
	sn, _ := snap.wait()
	tip, err := store.AppendFrom(ctx, sn, head.ID, record, msg)
	if err != nil {
		return nil, fmt.Errorf("record proof: %w", err)
	}
	return &Result{Predicate: p, Record: record, NotesTip: tip, Decision: p.Decision, Commit: head.ID, NoteObject: head.ID}, nil
}

// warmer is a Signer with work to do before its first signature that
// need not wait for the payload (sign.SSHSigner).
type warmer interface{ Warm() }

// riskConfig is the risk package's defaults plus the project's sensitive
// globs (category custom).
func riskConfig(cfg *config.Config) risk.Config {
	rules := risk.DefaultSensitive()
	for _, g := range cfg.Sensitive {
		rules = append(rules, risk.Rule{Glob: g, Category: risk.CategoryCustom})
	}
	return risk.Config{Sensitive: rules}
}

type spec struct {
	checks.Spec
	kind    string
	Env     []string
	Network bool
}

func checkSpecs(cfg *config.Config, tests []string, named []NamedCheck) ([]spec, error) {
	var out []spec
	names := map[string]bool{}
	for _, c := range cfg.Checks {
		out = append(out, spec{
			Spec: checks.Spec{Name: c.Name, Command: c.Run, Format: c.Format, Timeout: c.Timeout, Report: c.Report, Repeat: c.Repeat, Coverage: c.Coverage},
			kind: c.Kind, Env: c.Env, Network: c.Network,
		})
		names[c.Name] = true
	}
	for _, c := range named {
		if !config.ValidName(c.Name) {
			return nil, fmt.Errorf("--check %q: the name must be 1-64 letters, digits, '.', '_' or '-' (--check NAME=CMD)", c.Name)
		}
		if names[c.Name] {
			return nil, fmt.Errorf("--check %s: a check of that name exists already (in .proof/config.yaml or another --check)", c.Name)
		}
		if strings.TrimSpace(c.Command) == "" {
			return nil, fmt.Errorf("--check %s: the command is empty (--check NAME=CMD)", c.Name)
		}
		names[c.Name] = true
		out = append(out, spec{Spec: checks.Spec{Name: c.Name, Command: c.Command}, kind: "test"})
	}
	for i, t := range tests {
		if strings.TrimSpace(t) == "" {
			return nil, fmt.Errorf("--test %d is empty: give a command such as --test 'go test -json ./...'", i+1)
		}
		name := "test"
		if i > 0 {
			name = fmt.Sprintf("test-%d", i+1)
		}
		for n := 2; names[name]; n++ {
			name = fmt.Sprintf("test-%d", i+n)
		}
		names[name] = true
		out = append(out, spec{Spec: checks.Spec{Name: name, Command: t}, kind: "test"})
	}
	return out, nil
}

// resolveChange reads the commit to prove, its base (baseRev, or its first
// parent) with the base's commit time, and its .proof/config.yaml, all with
// one cat-file process: they are on the way to the first check.
func resolveChange(ctx context.Context, repo *gitx.Repo, rev, baseRev string) (head *gitx.Commit, base proofpack.Base, baseTime int64, cfg *config.Config, err error) {
	if rev == "" || strings.HasPrefix(rev, "-") {
		return nil, base, 0, nil, fmt.Errorf("%w: %q", gitx.ErrUnknownRevision, rev)
	}
	if strings.HasPrefix(baseRev, "-") {
		return nil, base, 0, nil, fmt.Errorf("base: %w: %q", gitx.ErrUnknownRevision, baseRev)
	}
	baseName := rev + "^{commit}^"
	if baseRev != "" {
		baseName = baseRev + "^{commit}"
	}
	objs := make([]*gitx.Object, 3)
	names := []string{rev + "^{commit}", baseName, rev + "^{commit}:" + config.Path}
	if err := repo.ReadObjects(ctx, names, config.MaxBytes+1, func(i int, o *gitx.Object) error {
		objs[i] = o
		return nil
	}); err != nil {
		return nil, base, 0, nil, err
	}
	commit := func(o *gitx.Object, rev string) (*gitx.Commit, error) {
		switch {
		case o.TooLarge: // a message over the limit: rare, read it alone
			return repo.CommitInfo(ctx, rev)
		case o.Missing || o.Type != "commit":
			return nil, fmt.Errorf("%w: %q is not a commit here", gitx.ErrUnknownRevision, rev)
		}
		return repo.CommitObject(o)
	}
	if head, err = commit(objs[0], rev); err != nil {
		return nil, base, 0, nil, err
	}
	var bc *gitx.Commit
	switch {
	case baseRev != "":
		if bc, err = commit(objs[1], baseRev); err != nil {
			return nil, base, 0, nil, fmt.Errorf("base: %w", err)
		}
	case head.Shallow:
		return nil, base, 0, nil, ErrShallow
	case len(head.Parents) == 0:
		base = proofpack.Base{Tree: repo.EmptyTree()}
	default:
		if bc, err = commit(objs[1], head.Parents[0]); err != nil || bc.ID != head.Parents[0] {
			return nil, base, 0, nil, fmt.Errorf("base %s: %w: commit not readable (a shallow or partial clone? run git fetch --deepen=1)", head.Parents[0], gitx.ErrObjectMissing)
		}
	}
	if bc != nil {
		base, baseTime = proofpack.Base{Commit: bc.ID, Tree: bc.Tree}, bc.Time
	}
	if cfg, err = configFrom(objs[2], head.ID); err != nil {
		return nil, base, 0, nil, err
	}
	return head, base, baseTime, cfg, nil
}

func readConfig(ctx context.Context, repo *gitx.Repo, commit string) (*config.Config, error) {
	obj, err := repo.ReadObject(ctx, commit+":"+config.Path, config.MaxBytes+1)
	if err != nil {
		return nil, err
	}
	return configFrom(obj, commit)
}

// configFrom parses the config file object o of commit; a missing file is
// the empty config.
func configFrom(o *gitx.Object, commit string) (*config.Config, error) {
	switch {
	case o == nil || o.Missing:
		return &config.Config{}, nil
	case o.Type != "blob":
		return nil, fmt.Errorf("%s in %s is a %s, not a file", config.Path, commit[:12], o.Type)
	case o.TooLarge:
		return nil, fmt.Errorf("%s in %s is over %d bytes", config.Path, commit[:12], config.MaxBytes)
	}
	return config.Parse(bytes.NewReader(o.Data), config.Path+" (at "+commit[:12]+")")
}

func decide(ctx context.Context, eng *policy.Engine, p *proofpack.Predicate, c *gitx.Commit, signed bool) (*policy.Result, error) {
	return eng.Eval(ctx, &policy.Input{
		Proofpack: p,
		Signer:    policy.Signer{Signed: signed},
		Commit:    policy.Commit{ID: c.ID, Tree: c.Tree, Parents: nonNil(c.Parents)},
		Context:   "run",
	})
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func treeResult(tree string, to *treeOutcome, i int) *proofpack.TreeResult {
	if to == nil || to.outs[i] == nil {
		return nil
	}
	o := to.outs[i]
	t := &proofpack.TreeResult{
		Tree: tree, ExitCode: o.ExitCode, DurationMS: o.Duration.Milliseconds(), TimedOut: o.TimedOut,
		OutputSHA256: o.OutputSHA256, OutputBytes: o.OutputBytes, ParseError: o.ParseError, Cached: to.cached[i],
	}
	if o.Runs > 1 {
		t.Runs = o.Runs
	}
	for _, r := range o.Results {
		switch r.Status {
		case checks.StatusPass:
			t.Passed++
		case checks.StatusFail:
			t.Failed++
			t.FailedTests = append(t.FailedTests, r.ID)
		case checks.StatusSkip:
			t.Skipped++
		}
	}
	t.Status = "fail"
	switch {
	case o.Format == checks.FormatSARIF && !o.TimedOut && o.ParseError == "":
		// A linter that reported its findings ran fine, whatever its exit
		// status (most exit non-zero when they find something); its new
		// findings are what counts.
		t.Status = "pass"
	case o.ExitCode == 0 && t.Failed == 0 && !o.TimedOut && o.ParseError == "":
		t.Status = "pass"
	case onlyFlaky(o) && !o.TimedOut && o.ParseError == "":
		// Every failure changed outcome between runs: not a failing
		// check, not a passing one (the flaky list says which).
		t.Status = "flaky"
	}
	return t
}

// onlyFlaky reports whether every failed result of o is a flaky one.
func onlyFlaky(o *checks.Outcome) bool {
	if len(o.Flaky) == 0 {
		return false
	}
	flaky := map[string]bool{}
	for _, id := range o.Flaky {
		flaky[id] = true
	}
	for _, r := range o.Results {
		if r.Status == checks.StatusFail && !flaky[r.ID] {
			return false
		}
	}
	return true
}

func environment(ctx context.Context, repo *gitx.Repo) proofpack.Environment {
	e := proofpack.Environment{OS: runtime.GOOS, Arch: runtime.GOARCH, GoVersion: runtime.Version()}
	if v, err := repo.Version(ctx); err == nil {
		e.GitVersion = v
	}
	return e
}

func elapsed(start time.Time) string {
	return time.Since(start).Round(time.Millisecond).String()
}

// checkRun is what the checks gave: the runner (nil when nothing ran),
// the contract's record, each tree's outcomes and repro's narrowing.
type checkRun struct {
	tr       *treeRunner
	contract *proofpack.Contract
	outcomes map[string]*treeOutcome
	only     [][]string
}

// startChecks sets up the tree runner and runs the contract's criteria and
// then every check on head, base and repro, in a goroutine of its own.
//
// Head runs first, then base, then repro (base's code: it reuses what base
// built in the same worktree). Head goes first because it is what the next
// run builds on: go test stores the link-keyed entry that lets it replay a
// package without relinking only when the test really runs, and a package
// whose test binary is the same at base and head runs at whichever tree
// comes first and is replayed, after a link, at the other. With base
// first, the head-side entry was never stored and every later run on top
// of head relinked those packages (bench/README.md, "run").
//
// started opens when the first check starts, or when none will (see Run).
func startChecks(ctx context.Context, repo *gitx.Repo, req Request, probe *pending[*machine], reserved *gitx.WorktreeReservation, head *gitx.Commit, base proofpack.Base, baseTime int64,
	specs []spec, trees *pending[*preparedTrees], started *gate, progress func(string)) *pending[*checkRun] {
	if len(specs) == 0 && req.Contract == nil {
		started.open()
		return done(&checkRun{})
	}
	return start(func() (*checkRun, error) {
		defer started.open()
		return runChecks(ctx, repo, req, probe, reserved, head, base, baseTime, specs, trees, started, progress)
	})
}

func runChecks(ctx context.Context, repo *gitx.Repo, req Request, probe *pending[*machine], reserved *gitx.WorktreeReservation, head *gitx.Commit, base proofpack.Base, baseTime int64,
	specs []spec, trees *pending[*preparedTrees], started *gate, progress func(string)) (*checkRun, error) {
	tr, err := newTreeRunner(ctx, repo, req, probe, head, baseTime, specs, progress)
	if err != nil {
		return nil, err
	}
	tr.started = started
	tr.reserved = reserved
	out := &checkRun{tr: tr}
	// Base and repro run with the base commit's time, so amending the fix
	// leaves their cached results valid.
	baseJob := treeJob{label: "base", tree: base.Tree, epoch: tr.baseEpoch}
	headJob := treeJob{label: "head", tree: head.Tree, epoch: tr.epoch}
	if req.Contract != nil {
		started.open() // the trees are needed now
		tp, err := trees.wait()
		if err != nil {
			return nil, err
		}
		pc, err := req.Contract.record()
		if err != nil {
			return nil, err
		}
		paths := make([]string, len(tp.entries))
		for i, e := range tp.entries {
			paths[i] = e.Path
		}
		reproJob := treeJob{label: "repro", tree: tp.repro, epoch: baseJob.epoch}
		if err := runContract(ctx, tr, req.Contract, reproJob, headJob, paths, &pc); err != nil {
			return nil, err
		}
		out.contract = &pc
	}
	if len(specs) == 0 {
		return out, nil
	}
	out.only = make([][]string, len(specs))
	// Head and base need only their commits' trees; repro's tree is built
	// while they run.
	reproJob := treeJob{label: "repro", resolve: func(running bool) (treeJob, error) {
		// The repro tree is built once a check has started (see Run),
		// which a tree being checked will do; without one, now.
		if !running {
			started.open()
		}
		tp, err := trees.wait()
		if err != nil {
			return treeJob{}, err
		}
		tj := treeJob{label: "repro", tree: tp.repro, epoch: baseJob.epoch}
		if !req.FullRepro && tp.repro != base.Tree {
			tj.specs, out.only = narrowRepro(specs, tp.scope)
			tj.narrowed = !slices.ContainsFunc(out.only, func(o []string) bool { return o == nil })
		}
		return tj, nil
	}}
	if out.outcomes, err = tr.run(ctx, []treeJob{headJob, baseJob, reproJob}); err != nil {
		tr.flush()
		return nil, err
	}
	return out, nil
}

// preparedTrees are the change's entries and its repro tree.
type preparedTrees struct {
	entries []gitx.DiffEntry
	stats   []gitx.DiffStat // line counts, from the same diff-tree
	// patch is the -U0 patch, also from it, read for the hunk classes and
	// the coverage of changed lines.
	patch  []byte
	repro  string
	nTests int
	scope  reproScope
}

// prepareTrees lists what changed between base and head and builds the
// repro tree, in a goroutine of its own, once after opens (see Run).
func prepareTrees(ctx context.Context, repo *gitx.Repo, baseTree, headTree string, globs []string, after *gate) *pending[*preparedTrees] {
	return start(func() (*preparedTrees, error) {
		if err := after.wait(ctx); err != nil {
			return nil, err
		}
		d, err := repo.DiffTrees(ctx, baseTree, headTree)
		if err != nil {
			return nil, err
		}
		repro, n, scope, err := reproTree(ctx, repo, baseTree, headTree, globs)
		if err != nil {
			return nil, err
		}
		for _, e := range d.Entries {
			if checks.IsTestFile(e.Path, globs) {
				scope.changed = append(scope.changed, e)
			}
		}
		return &preparedTrees{entries: d.Entries, stats: d.Stats, patch: d.Patch, repro: repro, nTests: n, scope: scope}, nil
	})
}

// pending is a result being worked out in a goroutine of its own; wait may
// be called more than once.
type pending[T any] struct {
	ch  chan struct{}
	val T
	err error
}

// start runs f in a goroutine.
func start[T any](f func() (T, error)) *pending[T] {
	p := &pending[T]{ch: make(chan struct{})}
	go func() {
		defer close(p.ch)
		p.val, p.err = f()
	}()
	return p
}

// done is a pending that already has v.
func done[T any](v T) *pending[T] {
	p := &pending[T]{ch: make(chan struct{}), val: v}
	close(p.ch)
	return p
}

func (p *pending[T]) wait() (T, error) {
	<-p.ch
	return p.val, p.err
}
