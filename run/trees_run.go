package run

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/git-proof/git-proof/checks"
	"github.com/git-proof/git-proof/gitx"
	"github.com/git-proof/git-proof/internal/environ"
)

// treeJob is one tree to check. epoch is SOURCE_DATE_EPOCH for its
// checks: the time of the commit the tree's code comes from, so that a
// tree's cached results survive amending the commit on top of it; 0 means
// the runner's (the proven commit's).
type treeJob struct {
	label, tree string
	epoch       int64
	// specs, when not nil, replace the runner's specs on this tree, one
	// for one (repro's narrowed commands).
	specs []spec
	// resolve, when not nil, gives the job once its tree is known: run
	// calls it when the job's turn comes, so the trees before it need not
	// wait for it (repro's tree is built while head runs). running says
	// whether a tree before it is being checked in a worktree.
	resolve func(running bool) (treeJob, error)
	// narrowed: every spec runs only on a few packages (repro's narrowed
	// go test), so the job may start alongside the first tree (see run).
	narrowed bool
}

// specsOf is what runs on tj's tree.
func (tr *treeRunner) specsOf(tj treeJob) []spec {
	if tj.specs != nil {
		return tj.specs
	}
	return tr.specs
}

// treeOutcome is what the checks gave on one tree, and which came from
// the cache.
type treeOutcome struct {
	outs   []*checks.Outcome
	cached []bool
	// wall and cpu are the time the checks that ran took, and the CPU
	// time they used; both zero when every result came from the cache.
	wall, cpu time.Duration
}

// treeRunner runs every check on a set of trees.
type treeRunner struct {
	repo    *gitx.Repo
	anchor  string // a commit to anchor new worktrees at
	specs   []spec
	from    []string          // the caller's environment, variables are taken from it
	caches  map[string]string // the user's build caches
	machine *machine          // what the probes found
	epoch   int64             // SOURCE_DATE_EPOCH of trees that do not set their own
	// baseEpoch is the base commit's time (epoch when there is none):
	// SOURCE_DATE_EPOCH of base and repro.
	baseEpoch int64
	netns     string // the network-namespace helper; "" when checks keep the network
	// started, when not nil, is opened as the first check starts: the
	// run's other work waits for it (see Run).
	started *gate
	cache   *resultCache
	// stores are the results being written to the cache: a run's record
	// need not wait for them, its end does (flush). Shared by copies of
	// the runner (minimize's, the holdouts').
	stores *sync.WaitGroup
	fresh  bool   // temporary worktrees, removed afterwards, instead of the pool
	pool   string // the pool's directory
	// reserved is a worktree of the pool that Run took (and cleaned)
	// before the trees were known; the first tree checked out takes it.
	// Shared by copies of the runner.
	reserved *gitx.WorktreeReservation
	jobs     int  // trees checked at once at most
	auto     bool // jobs was not given: decide from the first tree's CPU use
	cpus     int
	progress func(string)
	// netReason says why checks keep the network when netns is "".
	netReason string
}

// run checks out each distinct tree once (a tree equal to another one,
// repro == base when the change adds no test, is run once) and runs every
// spec in it; up to jobs trees at a time. The first error cancels the
// others; worktrees are released or removed on every path.
func (tr *treeRunner) run(ctx context.Context, trees []treeJob) (map[string]*treeOutcome, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	byTree := map[string]*treeOutcome{}
	sched := newScheduler(tr.jobs, tr.auto, tr.cpus)
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	launched := 0         // trees started in a worktree
	firstRunning := false // the first tree is one of them
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if firstErr == nil {
			firstErr = err
			cancel()
			sched.wake()
		}
	}
	for k, tj := range trees {
		if tj.resolve != nil {
			var err error
			if tj, err = tj.resolve(launched > 0); err != nil {
				fail(err)
				break
			}
			trees[k] = tj
		}
		mu.Lock()
		_, seen := byTree[tj.tree]
		if !seen {
			byTree[tj.tree] = nil
		}
		mu.Unlock()
		if seen {
			tr.progress(fmt.Sprintf("[%s] same tree as already run, reusing results", tj.label))
			continue
		}
		lk := tr.lookup(tj)
		if lk.missing == 0 {
			mu.Lock()
			byTree[tj.tree] = lk.out
			mu.Unlock()
			continue
		}
		// A narrowed repro is one or a few packages' tests: it need not
		// wait for the first tree's verdict on the machine (-j) when
		// that tree is head and base came from the cache (so the build
		// cache holds base's packages). bench/run: 0.86 s → 0.69 s for a
		// new test with Go's caches warm.
		alongside := tj.narrowed && launched == 1 && firstRunning && sched.admitAlongside()
		if !alongside && sched.acquire(ctx) != nil {
			break
		}
		launched++
		firstRunning = firstRunning || k == 0
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := tr.runMissing(ctx, tj, lk)
			if err != nil {
				sched.release(0, 0)
				fail(err)
				return
			}
			wall, cpu := out.wall, out.cpu
			if alongside {
				wall, cpu = 0, 0 // the first tree decides for the rest
			}
			if msg := sched.release(wall, cpu); msg != "" {
				tr.progress(fmt.Sprintf("[%s] %s", tj.label, msg))
			}
			mu.Lock()
			defer mu.Unlock()
			byTree[tj.tree] = out
		}()
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	if firstErr != nil {
		return nil, firstErr
	}
	res := map[string]*treeOutcome{}
	for _, tj := range trees {
		res[tj.label] = byTree[tj.tree]
	}
	return res, nil
}

// lookup is a tree's results as far as the cache has them.
type lookup struct {
	out     *treeOutcome
	keys    []string
	missing int // specs not in the cache
}

func (tr *treeRunner) lookup(tj treeJob) *lookup {
	specs := tr.specsOf(tj)
	lk := &lookup{out: &treeOutcome{outs: make([]*checks.Outcome, len(specs)), cached: make([]bool, len(specs))}, keys: make([]string, len(specs))}
	for i, s := range specs {
		env, _ := tr.env(s, scratch{"/home", "/tmp"}, tj.epoch)
		lk.keys[i] = cacheKey(tj.tree, s, env, tr.network(s), tr.tools(environ.Get(env, "PATH")))
		if o, ok := tr.cache.get(lk.keys[i]); ok {
			lk.out.outs[i], lk.out.cached[i] = o, true
			tr.progress(fmt.Sprintf("[%s] %s: cached result (exit %d)", tj.label, s.Name, o.ExitCode))
			continue
		}
		lk.missing++
	}
	return lk
}

// runMissing runs, in a worktree, the specs lk did not find in the cache,
// and caches their results.
func (tr *treeRunner) runMissing(ctx context.Context, tj treeJob, lk *lookup) (*treeOutcome, error) {
	start := time.Now()
	specs := tr.specsOf(tj)
	out := lk.out
	var run []spec
	var at []int
	for i, s := range specs {
		if out.outs[i] == nil {
			run = append(run, s)
			at = append(at, i)
		}
	}
	outs, wall, cpu, err := tr.execute(ctx, tj, run, nil, start)
	out.wall, out.cpu = wall, cpu
	if err != nil {
		return nil, err
	}
	for k, i := range at {
		key, o := lk.keys[i], outs[k]
		tr.stores.Go(func() { tr.cache.put(key, o) })
		out.outs[i] = o
	}
	return out, nil
}

// flush waits for the results being written to the cache.
func (tr *treeRunner) flush() { tr.stores.Wait() }

// runSpecs runs specs on tj's tree, none from the cache nor into it;
// prepare, if not nil, may change the worktree before they run.
func (tr *treeRunner) runSpecs(ctx context.Context, tj treeJob, specs []spec, prepare func(dir string) error) ([]*checks.Outcome, error) {
	outs, _, _, err := tr.execute(ctx, tj, specs, prepare, time.Now())
	return outs, err
}

// execute checks tj's tree out and runs specs there, each with an empty
// HOME, the hermetic environment and, unless it asks for the network,
// in a network namespace of its own. wall and cpu are what the checks took.
func (tr *treeRunner) execute(ctx context.Context, tj treeJob, specs []spec, prepare func(dir string) error, start time.Time) (outs []*checks.Outcome, wall, cpu time.Duration, err error) {
	tr.progress(fmt.Sprintf("[%s] checking out tree %s", tj.label, tj.tree[:12]))
	dir, homeDir, done, err := tr.worktree(ctx, tj)
	if err != nil {
		return nil, 0, 0, err
	}
	defer done()
	if prepare != nil {
		if err := prepare(dir); err != nil {
			return nil, 0, 0, fmt.Errorf("[%s] %w", tj.label, err)
		}
	}
	for _, s := range specs {
		if err := ctx.Err(); err != nil {
			return nil, wall, cpu, err
		}
		t0 := time.Now()
		tr.progress(fmt.Sprintf("[%s] %s: %s", tj.label, s.Name, s.Command))
		home, err := homeDir()
		if err != nil {
			return nil, wall, cpu, fmt.Errorf("[%s] check %s: %w", tj.label, s.Name, err)
		}
		env, _ := tr.env(s, home, tj.epoch)
		opts := checks.RunOptions{Dir: dir, Env: env}
		if !s.Network {
			opts.NetnsHelper = tr.netns
		}
		tr.started.open()
		o, err := checks.RunRepeated(ctx, s.Spec, opts)
		wall += time.Since(t0)
		if o != nil {
			cpu += o.CPU
		}
		if err != nil {
			return nil, wall, cpu, fmt.Errorf("[%s] check %s: %w", tj.label, s.Name, err)
		}
		outs = append(outs, o)
		tr.progress(fmt.Sprintf("[%s] %s: exit %d in %s (total %s)", tj.label, s.Name, o.ExitCode, elapsed(t0), elapsed(start)))
	}
	return outs, wall, cpu, nil
}

// worktree checks tj's tree out: a pooled worktree, released when done,
// or with fresh a temporary one, removed when done. homeDir gives each
// check an empty HOME (with an empty tmp/ for TMPDIR). A pooled worktree's
// HOME is at the same path every time, emptied before each check: go test
// keys its cached results on the environment values a test read
// (t.TempDir reads TMPDIR), so a fresh random path would make every run
// miss Go's test cache in the packages that use one.
func (tr *treeRunner) worktree(ctx context.Context, tj treeJob) (dir string, homeDir func() (scratch, error), done func(), err error) {
	if tr.fresh {
		wt, err := tr.repo.AddWorktree(ctx, tr.anchor, tj.tree, tj.label)
		if err != nil {
			return "", nil, nil, err
		}
		base, err := os.MkdirTemp("", "git-proof-home-")
		if err != nil {
			_ = wt.Remove()
			return "", nil, nil, fmt.Errorf("[%s] %w", tj.label, err)
		}
		return wt.Dir, fixedHome(filepath.Join(base, "home"), ""), func() {
			_ = removeAll(base)
			if err := wt.Remove(); err != nil {
				tr.progress(fmt.Sprintf("[%s] remove worktree: %v", tj.label, err))
			}
		}, nil
	}
	var wt *gitx.PooledWorktree
	if tr.reserved != nil {
		wt, err = tr.reserved.Acquire(ctx, tr.anchor, tj.tree)
	}
	if tr.reserved == nil || errors.Is(err, gitx.ErrReservationUsed) {
		wt, err = tr.repo.AcquireWorktree(ctx, tr.pool, tr.anchor, tj.tree)
	}
	if err != nil {
		return "", nil, nil, err
	}
	home, tmp := wt.Dir+".home", tr.pooledTmp(wt.Dir)
	if tmp == "" {
		tmp = filepath.Join(home, "tmp")
	}
	return wt.Dir, fixedHome(home, tmp), func() {
		// What the check left goes. HOME's skeleton, under the git
		// directory, stays for the next check; the TMPDIR under the
		// system's temporary directory does not.
		_ = resetHome(home, tmp)
		if filepath.Dir(tmp) != home {
			_ = removeAll(tmp)
		}
		wt.Release()
	}, nil
}

// reserveWorktree takes a worktree of repo's pool for a run's first tree
// and starts cleaning it, while the run reads the change: the clean is
// then off the way to the first check. nil when the run uses --fresh
// worktrees or the pool has none free (the tree then acquires its own).
func reserveWorktree(ctx context.Context, repo *gitx.Repo, req Request) *gitx.WorktreeReservation {
	if req.Fresh {
		return nil
	}
	res, err := repo.ReserveWorktree(ctx, worktreePool(repo))
	if err != nil {
		return nil
	}
	return res
}

func worktreePool(repo *gitx.Repo) string {
	return filepath.Join(repo.CommonDir(), "git-proof", "worktrees")
}

// removeAll removes dir like os.RemoveAll, also where a check left
// directories without write permission (Go's module cache does that).
func removeAll(dir string) error {
	if os.RemoveAll(dir) == nil {
		return nil
	}
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			_ = os.Chmod(p, 0o700)
		}
		return nil
	})
	return os.RemoveAll(dir)
}

// fixedHome returns a function that resets home and tmp (home/tmp when
// "") to what a check starts with (resetScratch) and returns them.
func fixedHome(home, tmp string) func() (scratch, error) {
	if tmp == "" {
		tmp = filepath.Join(home, "tmp")
	}
	return func() (scratch, error) {
		if err := resetScratch(home, tmp); err != nil {
			return scratch{}, err
		}
		return scratch{home, tmp}, nil
	}
}

// resetScratch makes home hold exactly what a check's HOME starts with
// (resetHome), and tmp an empty directory.
func resetScratch(home, tmp string) error {
	if err := resetHome(home, tmp); err != nil {
		return fmt.Errorf("reset the check's HOME %s: %w (remove it by hand)", home, err)
	}
	if filepath.Dir(tmp) != home {
		if err := resetDir(tmp, nil); err != nil {
			return fmt.Errorf("empty the check's TMPDIR %s: %w (remove it by hand)", tmp, err)
		}
	}
	return nil
}

// resetHome makes home hold exactly homeSkeleton(), and tmp when it is in
// home. What is already as it should be is kept: on ext4, making the few
// directories and the file anew for every check and removing them after
// it was a visible share of a cached run's CPU (perf: inode allocation).
func resetHome(home, tmp string) error {
	skel := homeSkeleton()
	if filepath.Dir(tmp) == home {
		skel = append(skel, skelEntry{name: filepath.Base(tmp), dir: []skelEntry{}})
	}
	return resetDir(home, skel)
}

// skelEntry is a file (dir == nil) with its content, or a directory with
// its entries, of a scratch directory's skeleton. Directories have mode
// 0700, files 0600.
type skelEntry struct {
	name, content string
	dir           []skelEntry
}

// homeSkeleton is a check's HOME: empty but for Go's telemetry turned
// off, as `go telemetry off` would. In an empty HOME every go command sets
// telemetry up again and starts a background process to upload it (from a
// check that has no network), which cost ~40 ms and ~70 ms of CPU per go
// test here, beside the check (bench/README.md, run). Go has no
// environment variable for it; GOTELEMETRY is only reported.
func homeSkeleton() []skelEntry {
	return []skelEntry{{name: ".config", dir: []skelEntry{{name: "go", dir: []skelEntry{{name: "telemetry", dir: []skelEntry{{name: "mode", content: "off"}}}}}}}}
}

// resetDir makes dir a directory only its owner can reach that holds
// exactly skel: anything else in it is removed, anything missing or
// different is made again. Anything at dir that is not a directory (a
// symlink a check left) is removed, not followed.
func resetDir(dir string, skel []skelEntry) error {
	fi, err := os.Lstat(dir)
	switch {
	case err == nil && fi.IsDir():
		if fi.Mode().Perm() != 0o700 {
			if err := os.Chmod(dir, 0o700); err != nil {
				return err
			}
		}
	case err == nil || !errors.Is(err, fs.ErrNotExist):
		if err := removeAll(dir); err != nil {
			return err
		}
		fallthrough
	default:
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
	}
	names, err := readDirNames(dir)
	if err != nil {
		return err
	}
	for _, n := range names {
		if !slices.ContainsFunc(skel, func(e skelEntry) bool { return e.name == n }) {
			if err := removeAll(filepath.Join(dir, n)); err != nil {
				return err
			}
		}
	}
	for _, e := range skel {
		p := filepath.Join(dir, e.name)
		if e.dir != nil {
			if err := resetDir(p, e.dir); err != nil {
				return err
			}
			continue
		}
		if fileHolds(p, e.content) {
			continue
		}
		if err := removeAll(p); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(e.content), 0o600); err != nil {
			return err
		}
	}
	return nil
}

// fileHolds reports whether p is a regular file of mode 0600 holding
// exactly content.
func fileHolds(p, content string) bool {
	fi, err := os.Lstat(p)
	if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o600 || fi.Size() != int64(len(content)) {
		return false
	}
	b, err := os.ReadFile(p)
	return err == nil && string(b) == content
}

func readDirNames(dir string) ([]string, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.Readdirnames(-1)
}

// scratch is a check's HOME and TMPDIR.
type scratch struct{ home, tmp string }

// pooledTmp is the TMPDIR of the pooled worktree at wt: a directory of
// its own under the system's temporary directory (os.TempDir), at the same
// path every run (see worktree), or "" for HOME/tmp when that directory
// cannot be used safely. Scratch space goes where the user's own runs put
// it: /tmp is often a tmpfs, and go test writes and runs every test binary
// there; bench/run measured go test 0.06–0.1 s slower on a cached run
// with it under .git on this machine's disk.
func (tr *treeRunner) pooledTmp(wt string) string {
	root, err := userTempRoot()
	if err != nil {
		return ""
	}
	sum := sha256.Sum256([]byte(wt))
	return filepath.Join(root, hex.EncodeToString(sum[:8])+"-"+filepath.Base(wt))
}

// userTempRoot is os.TempDir()/git-proof-UID, made mode 0700 when missing;
// an error when it is not a directory of this user's that only they can
// reach (a shared /tmp lets anyone create the name first).
func userTempRoot() (string, error) {
	root := filepath.Join(os.TempDir(), fmt.Sprintf("git-proof-%d", os.Getuid()))
	if err := os.Mkdir(root, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return "", err
	}
	fi, err := os.Lstat(root)
	if err != nil {
		return "", err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !fi.IsDir() || !ok || int(st.Uid) != os.Getuid() || fi.Mode().Perm()&0o077 != 0 {
		return "", fmt.Errorf("%s is not a private directory of this user", root)
	}
	return root, nil
}

// env is the environment of spec s with sc as HOME and TMPDIR and epoch
// (0: the runner's) as SOURCE_DATE_EPOCH.
func (tr *treeRunner) env(s spec, sc scratch, epoch int64) ([]string, []string) {
	if epoch == 0 {
		epoch = tr.epoch
	}
	return checks.HermeticEnv(checks.EnvOptions{From: tr.from, Pass: s.Env, Home: sc.home, TmpDir: sc.tmp, SourceDateEpoch: epoch, Caches: tr.caches})
}

func (tr *treeRunner) network(s spec) string {
	if tr.netns != "" && !s.Network {
		return "off"
	}
	return "on"
}

// tools is toolFingerprint(path), from the probe when it fingerprinted
// the same PATH.
func (tr *treeRunner) tools(path string) string {
	if m := tr.machine; m != nil && m.path == path {
		return m.tools
	}
	return toolFingerprint(path)
}

// machine is what the checks need to know of this machine: the go
// command's caches, whether network namespaces work here and the tools
// on the checks' PATH.
type machine struct {
	goenv  func(string) string
	netErr error // nil: checks can run without network
	// path is the checks' PATH and tools its toolFingerprint.
	path, tools string
}

// Probe is the probes of the machine under way: the go command's caches,
// a network namespace, the tools on PATH. They are on the way to the
// first check, so a caller that can start them before it opens the
// repository (the CLI does, with StartProbe) gives them the ~5 ms that
// takes; Run starts its own otherwise.
type Probe struct {
	env    []string
	helper string
	p      *pending[*machine]
}

// StartProbe starts the probes for a Request with this Env and
// NetnsHelper; pass it as the Request's Probe. A Probe started for
// another environment or helper is not used. Run waits for it; a caller
// that does not call Run should Wait.
func StartProbe(ctx context.Context, env []string, helper string) *Probe {
	return &Probe{env: env, helper: helper, p: probeMachine(ctx, checkEnviron(Request{Env: env}), helper)}
}

// Wait waits for the probes to finish.
func (pr *Probe) Wait() { _, _ = pr.p.wait() }

// probeFor returns req's Probe when it was started for req, else starts one.
func probeFor(ctx context.Context, req Request) *pending[*machine] {
	if pr := req.Probe; pr != nil && pr.helper == req.NetnsHelper && slices.Equal(pr.env, req.Env) && (pr.env == nil) == (req.Env == nil) {
		return pr.p
	}
	return probeMachine(ctx, checkEnviron(req), req.NetnsHelper)
}

// probeMachine asks the go command (if any) for its caches, tries a
// network namespace through helper ("" for none) and fingerprints the
// tools on PATH, side by side, in a goroutine of its own.
func probeMachine(ctx context.Context, from []string, helper string) *pending[*machine] {
	return start(func() (*machine, error) {
		m := &machine{netErr: errors.New("no network-namespace helper")}
		var wg sync.WaitGroup
		wg.Go(func() { m.goenv = goEnv(ctx, from) })
		if helper != "" {
			wg.Go(func() { m.netErr = checks.ProbeNetns(ctx, helper) })
		}
		env, _ := checks.HermeticEnv(checks.EnvOptions{From: from})
		m.path = environ.Get(env, "PATH")
		m.tools = toolFingerprint(m.path)
		wg.Wait()
		return m, ctx.Err()
	})
}

// checkEnviron is the environment the checks' variables are taken from.
func checkEnviron(req Request) []string {
	from := req.Env
	if from == nil {
		from = os.Environ()
	}
	return gitx.WithoutRepoEnv(from)
}

// newTreeRunner sets up what every check of a run shares: the environment
// variables come from, the user's caches, the default SOURCE_DATE_EPOCH (the
// proven commit's time; see treeJob) and base's (baseTime, 0 for none), the
// result cache, the worktree pool, and network isolation when the kernel
// allows it (probe, started with probeMachine).
func newTreeRunner(ctx context.Context, repo *gitx.Repo, req Request, probe *pending[*machine], head *gitx.Commit, baseTime int64, specs []spec, progress func(string)) (*treeRunner, error) {
	tr := &treeRunner{
		repo: repo, anchor: head.ID, specs: specs, from: checkEnviron(req), progress: progress,
		cache: &resultCache{dir: filepath.Join(repo.CommonDir(), "git-proof", "cache", "checks")},
		pool:  worktreePool(repo),
		fresh: req.Fresh, jobs: req.Jobs, cpus: runtime.NumCPU(),
		stores: &sync.WaitGroup{},
	}
	if req.NoCache {
		tr.cache.dir = ""
	}
	if tr.jobs <= 0 {
		tr.jobs, tr.auto = tr.cpus, true
	}
	tr.epoch = head.Time
	tr.baseEpoch = tr.epoch
	if baseTime != 0 {
		tr.baseEpoch = baseTime
	}
	m, err := probe.wait()
	if err != nil {
		return nil, err
	}
	tr.caches = checks.UserCaches(tr.from, m.goenv)
	tr.machine = m
	if m.netErr != nil {
		tr.netReason = "network namespaces are not available here: " + m.netErr.Error()
		if req.NetnsHelper == "" {
			tr.netReason = "no network-namespace helper"
		}
	} else {
		tr.netns = req.NetnsHelper
	}
	return tr, ctx.Err()
}

// record is what the record says of the checks' environment.
func (tr *treeRunner) record() (network string, passed []string, epoch int64) {
	seen := map[string]bool{}
	for _, s := range tr.specs {
		_, p := tr.env(s, scratch{"/home", "/tmp"}, 0)
		for _, k := range p {
			if !seen[k] {
				seen[k] = true
				passed = append(passed, k)
			}
		}
	}
	sort.Strings(passed)
	network = "off"
	var on []string
	for _, s := range tr.specs {
		if s.Network {
			on = append(on, s.Name)
		}
	}
	switch {
	case tr.netns == "":
		network = "on: " + tr.netReason
	case len(on) > 0:
		network = "off, except for " + strings.Join(on, ", ") + " (network: true)"
	}
	return network, passed, tr.epoch
}
