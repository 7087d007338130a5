package run

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sort"

	"github.com/git-proof/git-proof/astdiff"
	"github.com/git-proof/git-proof/checks"
	"github.com/git-proof/git-proof/gitx"
	"github.com/git-proof/git-proof/minimize"
	"github.com/git-proof/git-proof/proofpack"
)

// DefaultMaxRuns bounds minimize's candidate checks when none is given.
const DefaultMaxRuns = 100

// ErrNothingToMinimize: minimize needs a fixed test as its oracle. Add a
// test that fails without the change and passes with it.
var ErrNothingToMinimize = errors.New("nothing to minimize: no test is fixed (the fixed tests are minimize's oracle)")

// unit is one piece of the change minimize can leave out: a hunk of a
// code file, or a whole change to a file without hunks (binary, mode).
type unit struct {
	path  string
	hunk  minimize.Hunk
	whole bool
}

// minimizer holds what a minimize run works from.
type minimizer struct {
	repo      *gitx.Repo
	tr        *treeRunner
	specs     []int             // indices of the checks that fixed a test: the oracle
	mustPass  []map[string]bool // per oracle check: the results that must pass
	units     []unit
	files     map[string]*fileChange // by path
	repro     []gitx.TreeEntry
	progress  func(string)
	blobCache map[string]string // content sha → blob id
}

// fileChange is one changed code file: its two versions and its units.
type fileChange struct {
	old, new         []byte
	oldMode, newMode string
	oldID, newID     string
	units            []int // indices into minimizer.units, in file order
}

// minimizeHunks runs delta debugging over the change's code hunks, with
// the fixed tests as the oracle, and marks p.Hunks necessary or not.
func minimizeHunks(ctx context.Context, repo *gitx.Repo, tr *treeRunner, specs []spec, outs map[string]*treeOutcome,
	p *proofpack.Predicate, entries []gitx.DiffEntry, patch []byte, globs []string, reproTree string, budget int, progress func(string)) error {
	m := &minimizer{repo: repo, progress: progress, files: map[string]*fileChange{}, blobCache: map[string]string{}}
	var oracle []string
	for i, c := range p.Checks {
		if len(c.Fixed) == 0 {
			continue
		}
		must := map[string]bool{}
		for _, r := range outs["head"].outs[i].Results {
			if r.Status == checks.StatusPass {
				must[r.ID] = true
			}
		}
		m.specs = append(m.specs, i)
		m.mustPass = append(m.mustPass, must)
		for _, id := range c.Fixed {
			oracle = append(oracle, c.Name+": "+id)
		}
	}
	if len(m.specs) == 0 {
		return ErrNothingToMinimize
	}
	if err := m.collectUnits(ctx, entries, patch, globs); err != nil {
		return err
	}
	var err error
	if m.repro, err = repo.ListTree(ctx, reproTree, true); err != nil && reproTree != repo.EmptyTree() {
		return fmt.Errorf("minimize: %w", err)
	}
	sub := *tr
	sub.specs = nil
	for _, i := range m.specs {
		sub.specs = append(sub.specs, specs[i])
	}
	m.tr = &sub
	if budget <= 0 {
		budget = DefaultMaxRuns
	}
	progress(fmt.Sprintf("[minimize] %d code hunks, oracle: %d test(s), at most %d runs", len(m.units), len(oracle), budget))
	res, err := minimize.DDMin(ctx, len(m.units), m.test, budget, false)
	if err != nil {
		return fmt.Errorf("minimize: %w", err)
	}
	keep := map[int]bool{}
	for _, k := range res.Keep {
		keep[k] = true
	}
	for i := range p.Hunks {
		h := &p.Hunks[i]
		for k, u := range m.units {
			if u.path == h.File && !u.whole && u.hunk.OldStart == h.OldStart && u.hunk.NewStart == h.NewStart &&
				u.hunk.OldLines == h.OldLines && u.hunk.NewLines == h.NewLines {
				need := keep[k]
				h.Necessary = &need
			}
		}
	}
	sort.Strings(oracle)
	if len(oracle) > proofpack.MaxNames {
		oracle = oracle[:proofpack.MaxNames]
	}
	p.Minimize = &proofpack.Minimize{Oracle: oracle, Hunks: len(m.units), Necessary: len(res.Keep), Runs: res.Runs, Budget: budget, Minimal: res.Minimal}
	progress(fmt.Sprintf("[minimize] %d of %d hunks needed, %d runs", len(res.Keep), len(m.units), res.Runs))
	return nil
}

// collectUnits lists the code (non-test) changes as units.
func (m *minimizer) collectUnits(ctx context.Context, entries []gitx.DiffEntry, patch []byte, globs []string) error {
	fps, err := astdiff.ParseDiff(patch)
	if err != nil {
		return fmt.Errorf("minimize: %w", err)
	}
	hunksOf := map[string][]astdiff.Hunk{}
	for _, f := range fps {
		hunksOf[pathOf(f)] = f.Hunks
	}
	zero := m.repo.ZeroID()
	var ids []string
	for _, e := range entries {
		if checks.IsTestFile(e.Path, globs) {
			continue // the tests stay: they are the oracle
		}
		fc := &fileChange{oldMode: e.OldMode, newMode: e.NewMode, oldID: e.OldID, newID: e.NewID}
		m.files[e.Path] = fc
		hs := hunksOf[e.Path]
		if len(hs) == 0 {
			fc.units = append(fc.units, len(m.units))
			m.units = append(m.units, unit{path: e.Path, whole: true})
			continue
		}
		for _, h := range hs {
			fc.units = append(fc.units, len(m.units))
			m.units = append(m.units, unit{path: e.Path, hunk: minimize.Hunk{OldStart: h.OldStart, OldLines: h.OldLines, NewStart: h.NewStart, NewLines: h.NewLines}})
		}
		for _, id := range []string{e.OldID, e.NewID} {
			if id != zero {
				ids = append(ids, id)
			}
		}
	}
	blobs := map[string][]byte{}
	err = m.repo.ReadObjects(ctx, ids, 64<<20, func(_ int, o *gitx.Object) error {
		if o.Missing || o.TooLarge {
			return fmt.Errorf("minimize: blob %s is missing or over 64 MiB", o.Name)
		}
		blobs[o.Name] = o.Data
		return nil
	})
	if err != nil {
		return err
	}
	for _, fc := range m.files {
		fc.old, fc.new = blobs[fc.oldID], blobs[fc.newID]
	}
	return nil
}

// test is the oracle: each candidate (units to apply) becomes a tree (the
// repro tree, base code with head's tests, plus those units), the oracle
// checks run on all of them at once (in parallel worktrees, results
// cached by tree), and a candidate passes when every result that passed
// at head passes, the fixed tests among them.
func (m *minimizer) test(ctx context.Context, cands [][]int) ([]bool, error) {
	jobs := make([]treeJob, len(cands))
	for i, c := range cands {
		tree, err := m.tree(ctx, c)
		if err != nil {
			return nil, err
		}
		jobs[i] = treeJob{label: fmt.Sprintf("candidate %d/%d", i+1, len(cands)), tree: tree}
	}
	m.progress(fmt.Sprintf("[minimize] checking %d candidate(s)", len(cands)))
	outs, err := m.tr.run(ctx, jobs)
	if err != nil {
		return nil, err
	}
	pass := make([]bool, len(cands))
	for i, j := range jobs {
		o := outs[j.label]
		pass[i] = true
		for k, must := range m.mustPass {
			got := map[string]checks.Status{}
			for _, r := range o.outs[k].Results {
				got[r.ID] = r.Status
			}
			for id := range must {
				if got[id] != checks.StatusPass {
					pass[i] = false
				}
			}
		}
	}
	return pass, nil
}

// tree writes the tree of a candidate.
func (m *minimizer) tree(ctx context.Context, cand []int) (string, error) {
	on := map[int]bool{}
	for _, k := range cand {
		on[k] = true
	}
	entries := map[string]gitx.IndexEntry{}
	for _, e := range m.repro {
		entries[e.Path] = gitx.IndexEntry{Mode: e.Mode, ID: e.ID, Path: e.Path}
	}
	zero := m.repo.ZeroID()
	for path, fc := range m.files {
		keep := make([]bool, len(fc.units))
		any, all := false, true
		for i, k := range fc.units {
			keep[i] = on[k]
			any = any || keep[i]
			all = all && keep[i]
		}
		var mode, id string
		switch {
		case m.units[fc.units[0]].whole && any:
			mode, id = fc.newMode, fc.newID
		case m.units[fc.units[0]].whole:
			mode, id = fc.oldMode, fc.oldID
		case all:
			mode, id = fc.newMode, fc.newID
		case !any:
			mode, id = fc.oldMode, fc.oldID
		default:
			var hs []minimize.Hunk
			for _, k := range fc.units {
				hs = append(hs, m.units[k].hunk)
			}
			content, err := minimize.Apply(fc.old, fc.new, hs, keep)
			if err != nil {
				return "", fmt.Errorf("minimize: %s: %w", path, err)
			}
			if id, err = m.blob(ctx, content); err != nil {
				return "", err
			}
			mode = fc.newMode
			if mode == "000000" {
				mode = fc.oldMode
			}
		}
		if id == zero || mode == "000000" {
			delete(entries, path)
		} else {
			entries[path] = gitx.IndexEntry{Mode: mode, ID: id, Path: path}
		}
	}
	if len(entries) == 0 {
		return m.repo.EmptyTree(), nil
	}
	list := make([]gitx.IndexEntry, 0, len(entries))
	for _, e := range entries {
		list = append(list, e)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Path < list[j].Path })
	return m.repo.WriteTree(ctx, list)
}

func (m *minimizer) blob(ctx context.Context, content []byte) (string, error) {
	sum := sha256.Sum256(content)
	key := string(sum[:])
	if id, ok := m.blobCache[key]; ok {
		return id, nil
	}
	id, err := m.repo.WriteObject(ctx, "blob", content)
	if err != nil {
		return "", fmt.Errorf("minimize: %w", err)
	}
	m.blobCache[key] = id
	return id, nil
}
