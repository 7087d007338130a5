// Command verifyprof runs the verification `git proof verify` does, in
// process, with a CPU (and optionally heap) profile, so the cost per commit
// can be attributed to functions:
//
//	cd bench/out/fixture/repo
//	verifyprof -cpuprofile /tmp/cpu.out -runs 3 "$(git rev-list --max-parents=0 main)..main" ROOT
//	go tool pprof -top -nodecount 40 /tmp/cpu.out
//
// It builds the verifier the way the CLI does (the repository's allowed
// signers file, the embedded default policy) and prints the stage timings of
// each run.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/git-proof/git-proof/gitx"
	"github.com/git-proof/git-proof/notes"
	"github.com/git-proof/git-proof/policy"
	"github.com/git-proof/git-proof/proofpack"
	"github.com/git-proof/git-proof/settings"
	"github.com/git-proof/git-proof/sign"
	"github.com/git-proof/git-proof/verify"
)

func main() {
	var (
		cpu  = flag.String("cpuprofile", "", "write a CPU profile of the Verify calls to this file")
		mem  = flag.String("memprofile", "", "write an allocation profile to this file")
		runs = flag.Int("runs", 1, "verify this many times (the profile covers all runs)")
	)
	flag.Parse()
	if err := run(context.Background(), flag.Args(), *cpu, *mem, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "verifyprof:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, cpu, mem string, runs int) error {
	if len(args) == 0 {
		args = []string{"HEAD"}
	}
	// The setup the CLI does before Verify, timed step by step.
	t := time.Now()
	lap := func(what string) {
		fmt.Printf("setup: %-38s %7.1f ms\n", what, float64(time.Since(t).Microseconds())/1000)
		t = time.Now()
	}
	repo, err := gitx.Open(ctx, "", nil)
	if err != nil {
		return err
	}
	lap("open repository (git rev-parse)")
	st, err := settings.Load(ctx, repo)
	if err != nil {
		return err
	}
	if st.AllowedSignersFile == "" {
		return settings.ErrNoAllowedSigners
	}
	lap("settings (git config)")
	allowed, err := sign.LoadAllowedSigners(st.AllowedSignersFile)
	if err != nil {
		return err
	}
	lap("allowed signers file")
	eng, err := policy.New(ctx, policy.Default())
	if err != nil {
		return err
	}
	lap("policy compile (default policy)")
	v, err := verify.New(repo, verify.Options{AllowedSigners: allowed, Policy: eng})
	if err != nil {
		return err
	}
	commits, err := repo.ListCommits(ctx, args)
	if err != nil {
		return err
	}
	lap(fmt.Sprintf("list %d commits (git rev-list)", len(commits)))
	ids := make([]string, len(commits))
	for i, c := range commits {
		ids[i] = c.ID
	}
	nm, err := notes.New(repo, "", proofpack.MaxNoteBytes).ReadAll(ctx, "", ids)
	if err != nil {
		return err
	}
	lap(fmt.Sprintf("read %d notes alone (ls-tree + cat-file)", len(nm)))
	if cpu != "" {
		f, err := os.Create(cpu)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	for i := 0; i < runs; i++ {
		var ms0, ms1 runtime.MemStats
		runtime.ReadMemStats(&ms0)
		start := time.Now()
		results, tm, err := v.Verify(ctx, commits)
		if err != nil {
			return err
		}
		wall := time.Since(start)
		runtime.ReadMemStats(&ms1)
		failed := 0
		for _, r := range results {
			if !r.OK {
				failed++
			}
		}
		per := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(tm.Commits) }
		fmt.Printf("run %d: %d commits (%d failed) in %s = %.0f commits/s; µs/commit read %.1f signature %.1f diff %.1f policy %.1f; alloc %.0f MB, %d GCs\n",
			i+1, tm.Commits, failed, wall.Round(time.Millisecond), float64(tm.Commits)/wall.Seconds(),
			per(tm.Read), per(tm.Signature), per(tm.Diff), per(tm.Policy),
			float64(ms1.TotalAlloc-ms0.TotalAlloc)/1e6, ms1.NumGC-ms0.NumGC)
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
	return nil
}
