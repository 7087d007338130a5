package run

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/git-proof/git-proof/checks"
	"github.com/git-proof/git-proof/contract"
	"github.com/git-proof/git-proof/gitx"
	"github.com/git-proof/git-proof/proofpack"
)

// ContractRequest names the contract of a run (`run --contract`).
type ContractRequest struct {
	// Path is the contract file: the redacted copy (holdouts replaced by
	// their commitment) or the author's copy with its holdouts.
	Path string
	// Holdouts is the holdouts file of a redacted copy; "" looks for
	// HoldoutsDir/<id>.yaml.
	Holdouts    string
	HoldoutsDir string
}

// LoadedContract is a contract ready to run: the redacted copy (what
// the implementer and reviewers see), the author's copy (with holdouts,
// when they are available here) and the commitment's salt.
type LoadedContract struct {
	Redacted *contract.Contract
	Full     *contract.Contract
	Salt     []byte
}

// LoadContract reads req's contract and its holdouts. Holdouts must not
// come from a file the repository under test tracks: the implementer
// would see them.
func LoadContract(ctx context.Context, repo *gitx.Repo, req ContractRequest) (*LoadedContract, error) {
	data, err := os.ReadFile(req.Path)
	if err != nil {
		return nil, fmt.Errorf("contract: %w", err)
	}
	c, err := contract.Parse(data, req.Path)
	if err != nil {
		return nil, err
	}
	if len(c.Holdouts) > 0 {
		if err := notTracked(ctx, repo, req.Path); err != nil {
			return nil, err
		}
		salt, err := contractSalt(c)
		if err != nil {
			return nil, err
		}
		red, err := contract.Redact(c, salt)
		if err != nil {
			return nil, err
		}
		return &LoadedContract{Redacted: red, Full: c, Salt: salt}, nil
	}
	lc := &LoadedContract{Redacted: c, Full: c}
	hpath := req.Holdouts
	if hpath == "" && req.HoldoutsDir != "" {
		p := filepath.Join(req.HoldoutsDir, c.ID+".yaml")
		if _, err := os.Stat(p); err == nil {
			hpath = p
		}
	}
	if hpath == "" {
		if c.HoldoutCommitment != nil && c.HoldoutCommitment.Count > 0 {
			return nil, fmt.Errorf("contract %s commits to %d holdout(s) that are not here: pass --holdouts PATH or set proof.holdoutsDir to the directory that holds %s.yaml", c.ID, c.HoldoutCommitment.Count, c.ID)
		}
		return lc, nil
	}
	if err := notTracked(ctx, repo, hpath); err != nil {
		return nil, err
	}
	hdata, err := os.ReadFile(hpath)
	if err != nil {
		return nil, fmt.Errorf("holdouts: %w", err)
	}
	hf, err := contract.ParseHoldouts(hdata, hpath)
	if err != nil {
		return nil, err
	}
	full, err := contract.Join(c, hf)
	if err != nil {
		return nil, err
	}
	salt, err := hex.DecodeString(hf.Salt)
	if err != nil {
		return nil, fmt.Errorf("holdouts %s: salt: %w", hpath, err)
	}
	lc.Full, lc.Salt = full, salt
	return lc, nil
}

// contractSalt is the author's copy's salt, or a fresh one: a run of the
// author's copy then commits to its holdouts with a salt of its own.
func contractSalt(c *contract.Contract) ([]byte, error) {
	if c.HoldoutSalt != "" {
		b, err := hex.DecodeString(c.HoldoutSalt)
		if err != nil {
			return nil, fmt.Errorf("contract %s: holdoutSalt: %w", c.ID, err)
		}
		return b, nil
	}
	return contract.NewSalt()
}

// notTracked refuses a holdouts source the repository under test tracks.
func notTracked(ctx context.Context, repo *gitx.Repo, path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	if resolved, err := filepath.EvalSymlinks(abs); err == nil {
		abs = resolved
	}
	top := repo.TopLevel()
	if top == "" {
		return nil
	}
	if t, err := filepath.EvalSymlinks(top); err == nil {
		top = t
	}
	rel, err := filepath.Rel(top, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return nil // outside the repository
	}
	out, err := repo.Run(ctx, "ls-files", "-z", "--", filepath.ToSlash(rel))
	if err != nil {
		return fmt.Errorf("holdouts: is %s tracked: %w", path, err)
	}
	if len(out) > 0 {
		return fmt.Errorf("%s holds holdouts and is tracked in this repository, so whoever makes the change can read them: keep it outside the repository (--holdouts PATH or proof.holdoutsDir) and commit the redacted copy (git proof contract redact)", path)
	}
	return nil
}

// contractRecord is the record's contract, before its checks ran.
func (lc *LoadedContract) record() (proofpack.Contract, error) {
	red, full := lc.Redacted, lc.Full
	sum, err := red.SHA256()
	if err != nil {
		return proofpack.Contract{}, err
	}
	fsum, err := full.FullSHA256()
	if err != nil {
		return proofpack.Contract{}, err
	}
	pc := proofpack.Contract{Status: "used", ID: red.ID, Kind: string(red.Kind), SHA256: sum, FullSHA256: fsum}
	if cm := red.HoldoutCommitment; cm != nil {
		pc.Commitment = &proofpack.HoldoutCommitment{Count: cm.Count, SHA256: cm.SHA256}
		if full.Disclosure.Holdouts != contract.DiscloseNever && len(lc.Salt) > 0 {
			pc.Salt = hex.EncodeToString(lc.Salt)
		}
	}
	return pc, nil
}

// criterionSpec is the check of a contract criterion as a check spec: its
// argv run exactly (quoted for sh, which only execs it), read by exit code.
func criterionSpec(kind, id string, c contract.Check) spec {
	return spec{Spec: checks.Spec{
		Name: kind + "-" + id, Command: "exec " + checks.QuoteArgv(c.Run),
		Format: checks.FormatExitCode, Timeout: c.Timeout(),
	}, kind: "contract"}
}

func criterionRun(o *checks.Outcome, want int) *proofpack.CriterionRun {
	return &proofpack.CriterionRun{
		ExitCode: o.ExitCode, Want: want, TimedOut: o.TimedOut,
		DurationMs: o.Duration.Milliseconds(), OutputSHA256: o.OutputSHA256,
	}
}

func holds(r *proofpack.CriterionRun) bool { return !r.TimedOut && r.ExitCode == r.Want }

// runCriteria runs the checks of the criteria that have one on tj's tree,
// each as criterionSpec makes it; the runs are keyed by criterion ID
// (unique within a contract).
func runCriteria(ctx context.Context, tr *treeRunner, tj treeJob, kind string, cs []contract.Criterion) (map[string]*proofpack.CriterionRun, error) {
	var specs []spec
	var with []contract.Criterion
	for _, c := range cs {
		if c.Check != nil {
			specs = append(specs, criterionSpec(kind, c.ID, *c.Check))
			with = append(with, c)
		}
	}
	if len(specs) == 0 {
		return nil, nil
	}
	outs, err := tr.runSpecs(ctx, tj, specs, nil)
	if err != nil {
		return nil, err
	}
	runs := make(map[string]*proofpack.CriterionRun, len(with))
	for i, c := range with {
		runs[c.ID] = criterionRun(outs[i], c.Check.Expect.Exit)
	}
	return runs, nil
}

// reproEvidence is what the repro checks did on the base tree, for Grade:
// a repro check shows the bug when it did not hold there.
func reproEvidence(base string, repro []contract.Criterion, onBase map[string]*proofpack.CriterionRun) *contract.ReproEvidence {
	ev := &contract.ReproEvidence{Base: base, Results: []contract.ReproResult{}}
	for _, c := range repro {
		if r := onBase[c.ID]; r != nil {
			ev.Results = append(ev.Results, contract.ReproResult{ID: c.ID, ExitCode: r.ExitCode, Failed: !holds(r)})
		}
	}
	return ev
}

// runContract runs the contract's repro criteria on base's code (the
// repro tree: base with head's test files, so that a repro test the fix
// adds runs against the unfixed code rather than failing for being
// absent) and on head, its acceptance criteria on head, and its holdouts
// on a throw-away copy of head with their files dropped in; it grades the
// contract with the repro results and places the change in its scope.
func runContract(ctx context.Context, tr *treeRunner, lc *LoadedContract, base, head treeJob, changed []string, pc *proofpack.Contract) error {
	full := lc.Full
	onBase, err := runCriteria(ctx, tr, base, "repro", full.Repro)
	if err != nil {
		return err
	}
	onHead, err := runCriteria(ctx, tr, head, "repro", full.Repro)
	if err != nil {
		return err
	}
	for _, c := range full.Repro {
		b, h := onBase[c.ID], onHead[c.ID]
		if b == nil {
			pc.Repro = append(pc.Repro, proofpack.Criterion{ID: c.ID, Status: "error", Error: "no check to run"})
			continue
		}
		st := "fail"
		if !holds(b) && holds(h) {
			st = "pass"
		}
		pc.Repro = append(pc.Repro, proofpack.Criterion{ID: c.ID, Status: st, Base: b, Head: h})
	}
	acc, err := runCriteria(ctx, tr, head, "acceptance", full.Acceptance)
	if err != nil {
		return err
	}
	for _, c := range full.Acceptance {
		h := acc[c.ID]
		if h == nil {
			continue // a sentence for people only; testability grades it
		}
		st := "fail"
		if holds(h) {
			st = "pass"
		}
		pc.Acceptance = append(pc.Acceptance, proofpack.Criterion{ID: c.ID, Status: st, Head: h})
	}
	evidence := reproEvidence(base.tree, full.Repro, onBase)
	if len(full.Holdouts) > 0 {
		hs, err := runHoldouts(ctx, tr, full.Holdouts, head)
		if err != nil {
			return err
		}
		pc.Holdouts = hs
	}
	g := contract.Grade(full, evidence)
	pg := &proofpack.ContractGrade{Grade: g.Grade, Score: g.Score, Max: g.Max}
	for _, d := range g.Dimensions {
		pg.Dimensions = append(pg.Dimensions, proofpack.GradeDimension{Name: d.Name, Points: d.Points, Max: d.Max, Reason: d.Reason})
	}
	pc.Grade = pg
	outside := full.Scope.Outside(changed)
	if outside == nil {
		outside = []string{}
	}
	pc.Scope = &proofpack.Scope{Files: len(changed), MaxFiles: full.Scope.MaxFiles, Outside: outside}
	return nil
}

// runHoldouts runs each holdout in its own temporary worktree of head's
// tree, removed afterwards, with the holdout's files written there (never
// into the user's checkout), without network where the kernel allows it,
// and within the holdout's timeout. Results are never cached.
func runHoldouts(ctx context.Context, tr *treeRunner, hs []contract.Holdout, head treeJob) (*proofpack.Holdouts, error) {
	out := &proofpack.Holdouts{Total: len(hs), Results: []proofpack.Criterion{}, Network: "off"}
	if tr.netns == "" {
		out.Network = "on: " + tr.netReason
	}
	ht := *tr
	ht.fresh = true
	ht.cache = &resultCache{}
	for _, h := range hs {
		var files []string
		for _, f := range h.Files {
			files = append(files, f.Path)
		}
		write := func(dir string) error {
			for _, f := range h.Files {
				p := filepath.Join(dir, filepath.FromSlash(f.Path))
				if !strings.HasPrefix(p, dir+string(filepath.Separator)) {
					return fmt.Errorf("holdout %s: file %s is outside the tree", h.ID, f.Path)
				}
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					return err
				}
				if err := os.WriteFile(p, []byte(f.Content), 0o644); err != nil {
					return err
				}
			}
			return nil
		}
		job := treeJob{label: "holdout " + h.ID, tree: head.tree, epoch: head.epoch}
		outs, err := ht.runSpecs(ctx, job, []spec{criterionSpec("holdout", h.ID, h.Check)}, write)
		if err != nil {
			if ctx.Err() != nil {
				return nil, err
			}
			out.Errors++
			out.Results = append(out.Results, proofpack.Criterion{ID: h.ID, Status: "error", Files: files, Error: err.Error()})
			continue
		}
		r := criterionRun(outs[0], h.Check.Expect.Exit)
		st := "fail"
		if holds(r) {
			st = "pass"
			out.Passed++
		} else {
			out.Failed++
		}
		out.Results = append(out.Results, proofpack.Criterion{ID: h.ID, Status: st, Head: r, Files: files})
	}
	return out, nil
}

// CheckRequest is one `git proof contract check`.
type CheckRequest struct {
	// Base is the revision the change will start from (default HEAD): the
	// repro checks must fail on its tree.
	Base        string
	Env         []string
	NetnsHelper string
	Progress    func(string)
}

// CheckContract grades c, running its repro checks on the base tree in a
// clean worktree (results are never cached: the grade must see them fail
// now). A contract without repro checks is graded without running
// anything.
func CheckContract(ctx context.Context, repo *gitx.Repo, c *contract.Contract, req CheckRequest) (contract.Report, *contract.ReproEvidence, error) {
	rev := req.Base
	if rev == "" {
		rev = "HEAD"
	}
	commit, err := repo.CommitInfo(ctx, rev)
	if err != nil {
		return contract.Report{}, nil, err
	}
	var runs map[string]*proofpack.CriterionRun
	if slices.ContainsFunc(c.Repro, func(r contract.Criterion) bool { return r.Check != nil }) {
		progress := req.Progress
		if progress == nil {
			progress = func(string) {}
		}
		treq := Request{Env: req.Env, NetnsHelper: req.NetnsHelper, NoCache: true}
		tr, err := newTreeRunner(ctx, repo, treq, probeMachine(ctx, checkEnviron(treq), treq.NetnsHelper), commit, 0, nil, progress)
		if err != nil {
			return contract.Report{}, nil, err
		}
		if runs, err = runCriteria(ctx, tr, treeJob{label: "base", tree: commit.Tree}, "repro", c.Repro); err != nil {
			return contract.Report{}, nil, err
		}
	}
	ev := reproEvidence(commit.ID, c.Repro, runs)
	return contract.Grade(c, ev), ev, nil
}
