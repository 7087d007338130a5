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
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
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
	"github.com/open-policy-agent/opa/v1/ast"
	"golang.org/x/crypto/ssh"
)

func main() {
	var (
		cpu   = flag.String("cpuprofile", "", "write a CPU profile of the Verify calls to this file")
		mem   = flag.String("memprofile", "", "write an allocation profile to this file")
		runs  = flag.Int("runs", 1, "verify this many times (the profile covers all runs)")
		micro = flag.Int("micro", 0, "before the runs, time each step alone, on one core, over this many records")
	)
	flag.Parse()
	if err := run(context.Background(), flag.Args(), *cpu, *mem, *runs, *micro); err != nil {
		fmt.Fprintln(os.Stderr, "verifyprof:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, cpu, mem string, runs, micro int) error {
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
	if micro > 0 {
		if err := microBench(ctx, commits[:min(micro, len(commits))], nm, allowed, eng); err != nil {
			return err
		}
	}
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

// microBench times each step of verifying a record alone, one record after
// another on one goroutine, and prints µs and allocations per record.
func microBench(ctx context.Context, commits []*gitx.Commit, nm map[string]*notes.Note, allowed *sign.AllowedSigners, eng *policy.Engine) error {
	n := len(commits)
	type rec struct {
		note   []byte
		line   []byte
		env    *proofpack.Envelope
		st     *proofpack.Statement
		pub    ssh.PublicKey
		input  *policy.Input
		inJSON []byte
	}
	recs := make([]rec, n)
	for i, c := range commits {
		note := nm[c.ID]
		if note == nil {
			return fmt.Errorf("commit %s has no note", c.ID)
		}
		recs[i].note = note.Data
		for _, l := range bytes.Split(note.Data, []byte("\n")) {
			if len(l) > 0 && l[0] == '{' {
				recs[i].line = l
				break
			}
		}
	}
	step := func(name string, f func(r *rec) error) error {
		runtime.GC()
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		start := time.Now()
		for i := range recs {
			if err := f(&recs[i]); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
		d := time.Since(start)
		runtime.ReadMemStats(&m1)
		fmt.Printf("micro: %-46s %7.1f µs/record %8.1f KB/record %6d allocs/record\n", name,
			float64(d.Nanoseconds())/1e3/float64(n), float64(m1.TotalAlloc-m0.TotalAlloc)/1024/float64(n), (m1.Mallocs-m0.Mallocs)/uint64(n))
		return nil
	}
	var err error
	steps := []struct {
		name string
		f    func(r *rec) error
	}{
		{"proofpack.ParseNote (whole note)", func(r *rec) error { _, err := proofpack.ParseNote(r.note); return err }},
		{"  proofpack.ParseEnvelope (envelope line)", func(r *rec) (err error) { r.env, err = proofpack.ParseEnvelope(r.line); return err }},
		{"  proofpack.ParseStatement (payload)", func(r *rec) (err error) { r.st, err = proofpack.ParseStatement(r.env.Payload); return err }},
		{"    json.Unmarshal predicate alone", func(r *rec) error { var p proofpack.Predicate; return json.Unmarshal(r.st.Predicate, &p) }},
		{"sign.VerifySSHSIG (PAE, sha512, ed25519)", func(r *rec) (err error) {
			r.pub, err = sign.VerifySSHSIG(r.env.PAE(), r.env.Signature, sign.Namespace)
			return err
		}},
		{"  of which: ed25519 verify of 64 bytes", func(r *rec) error {
			ck := r.pub.(ssh.CryptoPublicKey).CryptoPublicKey().(ed25519.PublicKey)
			ed25519.Verify(ck, make([]byte, 64), make([]byte, 64))
			return nil
		}},
		{"AllowedSigners.Lookup", func(r *rec) error {
			at, _ := time.Parse(time.RFC3339, r.st.Parsed.CreatedAt)
			_, err := allowed.Lookup(r.pub, sign.Namespace, at)
			return err
		}},
		{"policy.Engine.Eval (whole)", func(r *rec) error {
			p := r.st.Parsed
			parents := []string{}
			if p.Base.Commit != "" {
				parents = []string{p.Base.Commit}
			}
			r.input = &policy.Input{
				Proofpack: r.st.Predicate,
				Signer:    policy.Signer{Signed: true, Verified: true, Trusted: true, Principal: "bench", KeyID: ssh.FingerprintSHA256(r.pub)},
				Commit:    policy.Commit{ID: p.Commit, Tree: p.Tree, Parents: parents},
				Context:   "verify",
			}
			res, err := eng.Eval(ctx, r.input)
			if err == nil && res.Decision != proofpack.AutoOK {
				err = fmt.Errorf("decision %s: %v", res.Decision, res.Reasons())
			}
			return err
		}},
		{"  of which: json.Marshal(input)", func(r *rec) (err error) { r.inJSON, err = json.Marshal(r.input); return err }},
		{"  of which: ast.ValueFromReader(input JSON)", func(r *rec) error { _, err := ast.ValueFromReader(bytes.NewReader(r.inJSON)); return err }},
	}
	fmt.Printf("micro: %d records, one goroutine\n", n)
	for _, s := range steps {
		if err = step(s.name, s.f); err != nil {
			return err
		}
	}
	return nil
}
