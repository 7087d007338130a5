// Command hookprof runs the server-side gate of `git proof hook
// pre-receive` in process, so that the cost of a push's check can be split
// into its steps and profiled:
//
//	cd server.git                         # the bare repository, refs as before the push
//	hookprof -input stdin.txt -runs 5 -cpuprofile /tmp/cpu.out
//	go tool pprof -top -cum -nodecount 50 hookprof /tmp/cpu.out
//
// -input holds what git gave the hook on stdin ("<old> <new> <ref>" lines).
// The repository must hold the pushed objects and have its refs as they were
// before the push (bench/push/run.sh makes such a replay repository from a
// server the push landed in: it copies it and sets the refs back), so the
// gate sees what it saw in the push, except that the objects are in the
// object store rather than in the quarantine.
//
// hookprof builds the gate the way the CLI's hook does (hooks.LoadConfig,
// settings, the allowed signers file, the server's policy) and times each of
// those setup steps once; then it runs Gate.PreReceive -runs times (what the
// CPU profile covers) and, once more, the steps of the check one by one with
// the same git commands and verifier options the gate uses: listing the new
// commits, checking the notes update, and verify.Verify with its stage
// timings. It prints one line per step; bench/push/run.sh parses them.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/git-proof/git-proof/gitx"
	"github.com/git-proof/git-proof/hooks"
	"github.com/git-proof/git-proof/notes"
	"github.com/git-proof/git-proof/policy"
	"github.com/git-proof/git-proof/proofpack"
	"github.com/git-proof/git-proof/settings"
	"github.com/git-proof/git-proof/sign"
	"github.com/git-proof/git-proof/verify"
)

func main() {
	var (
		input = flag.String("input", "", "file with the hook's stdin (\"<old> <new> <ref>\" lines); required")
		runs  = flag.Int("runs", 3, "run Gate.PreReceive this many times (the CPU profile covers them)")
		cpu   = flag.String("cpuprofile", "", "write a CPU profile of the PreReceive runs to this file")
		mem   = flag.String("memprofile", "", "write an allocation profile (all runs) to this file")
	)
	flag.Parse()
	if *input == "" || *runs < 1 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(context.Background(), *input, *runs, *cpu, *mem); err != nil {
		fmt.Fprintln(os.Stderr, "hookprof:", err)
		os.Exit(1)
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func run(ctx context.Context, inputFile string, runs int, cpu, mem string) error {
	stdin, err := os.ReadFile(inputFile)
	if err != nil {
		return err
	}
	// The setup the CLI's `hook pre-receive` does (runHook, newGate), step
	// by step.
	t := time.Now()
	total := time.Duration(0)
	lap := func(what string) {
		d := time.Since(t)
		total += d
		fmt.Printf("setup: %-40s %8.2f ms\n", what, ms(d))
		t = time.Now()
	}
	repo, err := gitx.Open(ctx, "", nil)
	if err != nil {
		return err
	}
	lap("open repository (git rev-parse)")
	cfg, err := hooks.LoadConfig(ctx, repo)
	if err != nil {
		return err
	}
	lap("hooks config (git config)")
	st, err := settings.Load(ctx, repo)
	if err != nil {
		return err
	}
	if st.AllowedSignersFile == "" {
		return settings.ErrNoAllowedSigners
	}
	lap("settings (git var, git config)")
	allowed, err := sign.LoadAllowedSigners(st.AllowedSignersFile)
	if err != nil {
		return err
	}
	lap("allowed signers file")
	lo, err := policy.ServerOptions(ctx, repo)
	if err != nil {
		return err
	}
	eff, err := policy.Load(ctx, lo)
	if err != nil {
		return err
	}
	lap("policy sources (git config)")
	eng, err := eff.Engine(ctx)
	if err != nil {
		return err
	}
	lap("policy compile")
	fmt.Printf("setup: %-40s %8.2f ms\n", "total", ms(total))
	gate := &hooks.Gate{Repo: repo, Config: cfg, AllowedSigners: allowed, Policy: eng, Context: "pre-receive"}

	if cpu != "" {
		f, err := os.Create(cpu)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
	}
	for i := 1; i <= runs; i++ {
		var out bytes.Buffer
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		start := time.Now()
		verdicts, err := gate.PreReceive(ctx, bytes.NewReader(stdin), &out)
		d := time.Since(start)
		runtime.ReadMemStats(&m1)
		if err != nil {
			return fmt.Errorf("PreReceive run %d: %w\n%s", i, err, out.String())
		}
		checked := 0
		for _, v := range verdicts {
			checked += v.Checked
		}
		fmt.Printf("prereceive: run %d: %8.2f ms, %d commits checked, alloc %.1f MB, %d GCs\n",
			i, ms(d), checked, float64(m1.TotalAlloc-m0.TotalAlloc)/1e6, m1.NumGC-m0.NumGC)
	}
	if cpu != "" {
		pprof.StopCPUProfile()
	}
	if mem != "" {
		f, err := os.Create(mem)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			return err
		}
	}
	return split(ctx, gate, stdin)
}

// split runs the steps of Gate.PreReceive one by one, with the git commands
// and verifier options the gate uses, and times each.
func split(ctx context.Context, g *hooks.Gate, stdin []byte) error {
	repo := g.Repo
	zero := repo.ZeroID()
	ups, err := hooks.ParsePreReceive(bytes.NewReader(stdin), len(zero))
	if err != nil {
		return err
	}
	t := time.Now()
	notesTip, err := repo.RefValue(ctx, notes.Ref)
	if err != nil {
		return err
	}
	fmt.Printf("step: %-44s %8.2f ms\n", "read refs/notes/proof (git rev-parse)", ms(time.Since(t)))
	for _, u := range ups {
		if u.Ref != notes.Ref || u.New == zero {
			continue
		}
		notesTip = u.New
		if u.Old == zero {
			continue
		}
		// checkNotesUpdate: fast-forward check, then both notes trees listed.
		t = time.Now()
		if _, err := repo.Run(ctx, "merge-base", "--is-ancestor", u.Old, u.New); err != nil {
			return fmt.Errorf("notes update is not a fast-forward: %w", err)
		}
		fmt.Printf("step: %-44s %8.2f ms\n", "notes fast-forward (git merge-base)", ms(time.Since(t)))
		t = time.Now()
		n := 0
		for _, tip := range []string{u.Old, u.New} {
			entries, err := repo.ListTree(ctx, tip, true)
			if err != nil {
				return err
			}
			n += len(entries)
		}
		fmt.Printf("step: %-44s %8.2f ms (%d entries)\n", "notes append-only (git ls-tree -r ×2)", ms(time.Since(t)), n)
	}
	for _, u := range ups {
		if u.Ref == notes.Ref || u.New == zero || !g.Config.Protected(u.Ref) {
			continue
		}
		rule := g.Config.RequireFor(u.Ref)
		// newCommits: the gate's rev-list. In a replay of a create there are
		// no protected tips to exclude unless the repository had them.
		t = time.Now()
		var in strings.Builder
		if u.Old != zero {
			in.WriteString("^" + u.Old + "\n")
		} else {
			out, err := repo.Run(ctx, "for-each-ref", "--format=%(refname) %(objectname) %(*objectname)")
			if err != nil {
				return err
			}
			for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
				if f := strings.Fields(line); len(f) >= 2 && g.Config.Protected(f[0]) {
					in.WriteString("^" + f[len(f)-1] + "\n")
				}
			}
		}
		if g.Config.Since != "" {
			in.WriteString("^" + g.Config.Since + "\n")
		}
		in.WriteString(u.New + "\n")
		out, err := repo.RunInput(ctx, strings.NewReader(in.String()), "rev-list", "--no-commit-header", "--format=%H %T %P", "--stdin")
		if err != nil {
			return err
		}
		var commits []*gitx.Commit
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if f := strings.Fields(line); len(f) >= 2 {
				commits = append(commits, &gitx.Commit{ID: f[0], Tree: f[1], Parents: f[2:]})
			}
		}
		fmt.Printf("step: %-44s %8.2f ms (%d commits)\n", "new commits (git rev-list)", ms(time.Since(t)), len(commits))
		if len(commits) == 0 {
			continue
		}
		t = time.Now()
		opts := verify.Options{
			AllowedSigners: g.AllowedSigners, Policy: g.Policy, NotesTip: notesTip,
			Context: g.Context, Ref: u.Ref, Rule: policy.Rule{Require: rule}, Approvers: g.Config.Approvers,
		}
		if notesTip != "" {
			store := notes.New(repo, notes.Ref, proofpack.MaxNoteBytes)
			opts.Transitions = notes.NewTransitionIndex(store, filepath.Join(repo.CommonDir(), "git-proof"))
		}
		v, err := verify.New(repo, opts)
		if err != nil {
			return err
		}
		results, tm, err := v.Verify(ctx, commits)
		if err != nil {
			return err
		}
		failed := 0
		for _, r := range results {
			if !r.OK {
				failed++
			}
		}
		if failed > 0 {
			return errors.New("the replayed verification failed: the replay repository is not what the push saw")
		}
		fmt.Printf("step: %-44s %8.2f ms\n", "verify (verify.Verify, wall)", ms(time.Since(t)))
		per := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(tm.Commits) }
		fmt.Printf("verify: commits %d read %.1f signature %.1f diff %.1f policy %.1f µs/commit (summed over %d workers), total %.2f ms\n",
			tm.Commits, per(tm.Read), per(tm.Signature), per(tm.Diff), per(tm.Policy), runtime.GOMAXPROCS(0), ms(tm.Total))
	}
	return nil
}
