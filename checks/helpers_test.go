package checks

import (
	"bytes"
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// writeTree writes files (slash paths relative to dir) under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// goEnv is an environment for running the go command on a generated module:
// pinned (UTC, -count=1, the local toolchain, no network), but with the
// user's build and module caches so builds stay warm.
func goEnv(t *testing.T) []string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	out, err := exec.Command(goBin, "env", "GOCACHE", "GOMODCACHE").Output()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	caches := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(caches) != 2 {
		t.Fatalf("go env printed %q", out)
	}
	return []string{
		"PATH=" + filepath.Dir(goBin) + string(os.PathListSeparator) + "/usr/local/bin:/usr/bin:/bin",
		"HOME=" + t.TempDir(),
		"GOENV=off",
		"GOCACHE=" + caches[0],
		"GOMODCACHE=" + caches[1],
		"TZ=UTC",
		"GOFLAGS=-count=1",
		"GOTOOLCHAIN=local",
		"GOPROXY=off",
		"GOSUMDB=off",
	}
}

const goMod = "module example.com/m\n\ngo 1.26\n"

// runGo runs command on files as a module, returning the outcome and the
// raw output lines as Progress saw them.
func runGo(t *testing.T, files map[string]string, command string) (*Outcome, []string) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the go command")
	}
	dir := t.TempDir()
	all := map[string]string{"go.mod": goMod}
	for k, v := range files {
		all[k] = v
	}
	writeTree(t, dir, all)
	var mu sync.Mutex
	var lines []string
	o, err := Run(context.Background(), Spec{Name: "unit", Command: command}, RunOptions{
		Dir: dir,
		Env: goEnv(t),
		Progress: func(l string) {
			mu.Lock()
			lines = append(lines, strings.ReplaceAll(l, dir, "$WORK"))
			mu.Unlock()
		},
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return o, lines
}

// formatResults renders results one per line, "status id", for golden
// files and diffs.
func formatResults(rs []Result) string {
	var b strings.Builder
	for _, r := range rs {
		b.WriteString(string(r.Status) + " " + r.ID + "\n")
	}
	return b.String()
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs:\n--- got\n%s--- want\n%s", p, got, want)
	}
}

// liveInGroup lists the processes of process group pgid that have not
// exited (zombies are dead: they only wait for a reaper), from /proc.
func liveInGroup(pgid int) ([]int, error) {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	var live []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue // exited meanwhile
		}
		// "pid (comm) state ppid pgrp ...": comm may hold spaces and ')'.
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(stat[i+1:]))
		if len(f) < 3 || f[0] == "Z" || f[0] == "X" {
			continue
		}
		if g, _ := strconv.Atoi(f[2]); g == pgid {
			live = append(live, pid)
		}
	}
	sort.Ints(live)
	return live, nil
}

// waitGroupGone fails the test if process group pgid still has live
// processes after a generous bound (a liveness bound, not a timing claim:
// SIGKILL is asynchronous).
func waitGroupGone(t *testing.T, pgid int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		live, err := liveInGroup(pgid)
		if err != nil {
			t.Skipf("cannot list processes: %v", err)
		}
		if len(live) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("process group %d still has live processes %v", pgid, live)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
