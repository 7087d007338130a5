package checks

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// shEnv is a minimal environment for shell commands.
var shEnv = []string{"PATH=/usr/local/bin:/usr/bin:/bin"}

// lines collects what Progress reports.
type lines struct {
	mu   sync.Mutex
	l    []string
	live int // processes in the group when its pgid was printed
	// counted, if set, is a file created once the group is counted, for
	// a command that must not exit before.
	counted string
}

// liveAtStart is how many processes the group had when its pgid was
// printed.
func (c *lines) liveAtStart() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.live
}

func (c *lines) add(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.l = append(c.l, s)
	// On the "pgid=N" line, note how many processes the group has, to show
	// that a later "the group is gone" is not vacuous.
	if v, ok := strings.CutPrefix(s, "pgid="); ok {
		if pgid, err := strconv.Atoi(v); err == nil {
			live, _ := liveInGroup(pgid)
			c.live = len(live)
		}
		if c.counted != "" {
			_ = os.WriteFile(c.counted, nil, 0o644)
		}
	}
}
func (c *lines) get() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.l)
}

// value returns the value of the first "key=value" line.
func (c *lines) value(t *testing.T, key string) int {
	t.Helper()
	for _, l := range c.get() {
		if v, ok := strings.CutPrefix(l, key+"="); ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				t.Fatalf("line %q: %v", l, err)
			}
			return n
		}
	}
	t.Fatalf("no %s= line in output %q", key, c.get())
	return 0
}

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func unixOnly(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("needs a POSIX sh and process groups")
	}
}

func TestRunExitCodes(t *testing.T) {
	unixOnly(t)
	tests := []struct {
		command string
		format  string
		code    int
		status  Status
	}{
		{"exit 0", "", 0, StatusPass},
		{"true", FormatExitCode, 0, StatusPass},
		{"false", "", 1, StatusFail},
		{"exit 3", FormatExitCode, 3, StatusFail},
		{"exit 255", "", 255, StatusFail},
		{"kill -TERM $$", "", 128 + 15, StatusFail},
		{"kill -KILL $$", "", 128 + 9, StatusFail},
		{"no-such-command-xyz", "", 127, StatusFail},
		// Output that looks like go test -json does not matter for exit-code.
		{`echo '{"Action":"fail","Package":"p","Test":"TestA"}'`, FormatExitCode, 0, StatusPass},
	}
	for _, tt := range tests {
		t.Run(tt.command, func(t *testing.T) {
			o, err := Run(context.Background(), Spec{Name: "chk", Command: tt.command, Format: tt.format}, RunOptions{Dir: t.TempDir(), Env: shEnv})
			if err != nil {
				t.Fatal(err)
			}
			want := []Result{{ID: "chk", Status: tt.status}}
			if o.ExitCode != tt.code || o.Format != FormatExitCode || !slices.Equal(o.Results, want) || o.ParseError != "" || o.TimedOut {
				t.Errorf("got exit %d format %q results %v parse error %q timed out %v; want exit %d, exit-code, %v",
					o.ExitCode, o.Format, o.Results, o.ParseError, o.TimedOut, tt.code, want)
			}
			if o.Duration <= 0 {
				t.Errorf("duration %v", o.Duration)
			}
		})
	}
}

func TestRunFormats(t *testing.T) {
	unixOnly(t)
	events := `printf '%s\n' '{"Action":"run","Package":"p","Test":"TestA"}' 'not json' '{"Action":"pass","Package":"p","Test":"TestA"}' '{"Action":"pass","Package":"p"}'`
	tests := []struct {
		name       string
		command    string
		format     string
		wantFormat string
		results    []Result
		parseError bool
	}{
		{"auto detects go-test-json", events, "", FormatGoTestJSON, []Result{{"p", StatusPass}, {"p.TestA", StatusPass}}, false},
		{"explicit go-test-json", events + "; exit 1", FormatGoTestJSON, FormatGoTestJSON, []Result{{"p", StatusPass}, {"p.TestA", StatusPass}}, false},
		{"auto falls back to exit-code", "echo hello; exit 2", "", FormatExitCode, []Result{{"chk", StatusFail}}, false},
		{"explicit go-test-json without events", "echo 'go: errors parsing go.mod' >&2; exit 1", FormatGoTestJSON, FormatGoTestJSON, nil, true},
		{"explicit go-test-json with no output", "exit 0", FormatGoTestJSON, FormatGoTestJSON, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := Run(context.Background(), Spec{Name: "chk", Command: tt.command, Format: tt.format}, RunOptions{Dir: t.TempDir(), Env: shEnv})
			if err != nil {
				t.Fatal(err)
			}
			if o.Format != tt.wantFormat || !slices.Equal(o.Results, tt.results) || (o.ParseError != "") != tt.parseError {
				t.Errorf("got format %q results %v parse error %q; want %q %v parse error %v", o.Format, o.Results, o.ParseError, tt.wantFormat, tt.results, tt.parseError)
			}
		})
	}
}

func TestRunOutput(t *testing.T) {
	unixOnly(t)
	var seq strings.Builder
	for i := 1; i <= 100000; i++ {
		fmt.Fprintf(&seq, "%d\n", i)
	}
	var events strings.Builder
	for i := 0; i < 3000; i++ {
		fmt.Fprintf(&events, `{"Action":"pass","Package":"p","Test":"Test%d"}`+"\n", i)
	}
	script := filepath.Join(t.TempDir(), "events")
	if err := os.WriteFile(script, []byte(events.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		command   string
		limit     int64
		want      string // the whole output
		truncated bool
		parseErr  bool
	}{
		{"stdout and stderr interleaved", "echo out; echo err >&2; echo out2", 0, "out\nerr\nout2\n", false, false},
		{"no output", "true", 0, "", false, false},
		{"over the limit", "seq 1 100000", 64 << 10, seq.String(), true, false},
		{"exactly the limit", "printf 12345678", 8, "12345678", false, false},
		{"one byte over", "printf 123456789", 8, "123456789", true, false},
		{"go-test-json over the limit fails to parse", "cat " + script, 4096, events.String(), true, true},
		{"go-test-json under the limit", "cat " + script, 0, events.String(), false, false},
		{"stdin is empty", "cat; echo done", 0, "done\n", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := Run(context.Background(), Spec{Name: "chk", Command: tt.command}, RunOptions{Dir: t.TempDir(), Env: shEnv, OutputLimit: tt.limit})
			if err != nil {
				t.Fatal(err)
			}
			if o.OutputBytes != int64(len(tt.want)) || o.OutputSHA256 != sha(tt.want) || o.Truncated != tt.truncated || (o.ParseError != "") != tt.parseErr {
				t.Errorf("got %d bytes sha %s truncated %v parse error %q; want %d bytes sha %s truncated %v parse error %v",
					o.OutputBytes, o.OutputSHA256, o.Truncated, o.ParseError, len(tt.want), sha(tt.want), tt.truncated, tt.parseErr)
			}
		})
	}
}

func TestRunProgress(t *testing.T) {
	unixOnly(t)
	var got lines
	long := strings.Repeat("z", maxProgressLine+100)
	cmd := `printf 'a\nb\r\n\n'; printf 'c'; printf 'd\n'; printf '%s\n' ` + long + `; printf tail`
	if _, err := Run(context.Background(), Spec{Name: "chk", Command: cmd}, RunOptions{Dir: t.TempDir(), Env: shEnv, Progress: got.add}); err != nil {
		t.Fatal(err)
	}
	want := []string{"a", "b", "", "cd", long[:maxProgressLine], "tail"}
	if !slices.Equal(got.get(), want) {
		t.Errorf("progress lines (%d) differ from want (%d)", len(got.get()), len(want))
	}
}

func TestRunEnv(t *testing.T) {
	unixOnly(t)
	t.Setenv("CHECKS_TEST_LEAK", "leaked")
	tests := []struct {
		name string
		env  []string
	}{
		{"given", []string{"PATH=/usr/bin:/bin", "A=1", "B=two words", "EMPTY="}},
		{"nil inherits nothing", nil},
		{"empty", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			var got lines
			// Absolute path: with no PATH, sh could not find env.
			envBin := "/usr/bin/env"
			if _, err := os.Stat(envBin); err != nil {
				envBin = "/bin/env"
			}
			if _, err := Run(context.Background(), Spec{Name: "chk", Command: "exec " + envBin}, RunOptions{Dir: dir, Env: tt.env, Progress: got.add}); err != nil {
				t.Fatal(err)
			}
			var vars []string
			for _, l := range got.get() {
				// The shell sets these of its own.
				if k, _, _ := strings.Cut(l, "="); k == "PWD" || k == "OLDPWD" || k == "SHLVL" || k == "_" {
					continue
				}
				vars = append(vars, l)
			}
			want := slices.Clone(tt.env)
			slices.Sort(want)
			slices.Sort(vars)
			if !slices.Equal(vars, want) {
				t.Errorf("environment %q, want %q", vars, want)
			}
		})
	}
}

func TestRunDir(t *testing.T) {
	unixOnly(t)
	dir := t.TempDir()
	sub := filepath.Join(dir, "sub dir ü")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	var got lines
	if _, err := Run(context.Background(), Spec{Name: "chk", Command: "pwd -P"}, RunOptions{Dir: sub, Env: shEnv, Progress: got.add}); err != nil {
		t.Fatal(err)
	}
	real, err := filepath.EvalSymlinks(sub)
	if err != nil {
		t.Fatal(err)
	}
	if l := got.get(); len(l) != 1 || l[0] != real {
		t.Errorf("ran in %q, want %q", l, real)
	}
	for _, tt := range []struct {
		name, dir string
		is        error
	}{
		{"missing", filepath.Join(dir, "nope"), fs.ErrNotExist},
		{"a file", file, nil},
		{"empty", "", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o, err := Run(context.Background(), Spec{Name: "chk", Command: "true"}, RunOptions{Dir: tt.dir, Env: shEnv})
			if err == nil || o != nil {
				t.Fatalf("Run = %v, %v; want an error", o, err)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("err = %v, want it to wrap %v", err, tt.is)
			}
		})
	}
}

func TestRunBadSpec(t *testing.T) {
	unixOnly(t)
	if _, err := Run(context.Background(), Spec{Name: "chk", Command: "true", Format: "xunit"}, RunOptions{Dir: t.TempDir()}); err == nil {
		t.Error("unknown format: no error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, Spec{Name: "chk", Command: "true"}, RunOptions{Dir: t.TempDir()}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: err = %v", err)
	}
}

// The kill tests start children that would live for 1000 s, and check that
// their whole process group is gone when Run returns.

func TestRunTimeout(t *testing.T) {
	unixOnly(t)
	t.Parallel()
	var got lines
	o, err := Run(context.Background(), Spec{
		Name:    "chk",
		Command: "sleep 1000 & sleep 1000 & echo pgid=$$; wait",
		Timeout: 2 * time.Second,
	}, RunOptions{Dir: t.TempDir(), Env: shEnv, Progress: got.add})
	if err != nil {
		t.Fatal(err)
	}
	pgid := got.value(t, "pgid")
	if n := got.liveAtStart(); n < 3 {
		t.Errorf("group had %d processes while running, want sh and 2 sleeps", n)
	}
	waitGroupGone(t, pgid)
	if !o.TimedOut || o.ExitCode != 128+int(syscall.SIGTERM) || !slices.Equal(o.Results, []Result{{"chk", StatusFail}}) {
		t.Errorf("got timed out %v exit %d results %v; want timed out, exit 143, fail", o.TimedOut, o.ExitCode, o.Results)
	}
}

func TestRunCancel(t *testing.T) {
	unixOnly(t)
	tests := []struct {
		name    string
		command string
		live    int // processes in the group while it runs
	}{
		{"children", "sleep 1000 & sleep 1000 & echo pgid=$$; echo ready; wait", 3},
		{"grandchildren", "sh -c 'sleep 1000 & sleep 1000 & : >inner; wait' & while [ ! -e inner ]; do sleep 0.01; done; echo pgid=$$; echo ready; wait", 4},
		// SIGTERM is ignored: only SIGKILL ends them.
		{"ignoring SIGTERM", "trap '' TERM; sleep 1000 & echo pgid=$$; echo ready; wait", 2},
		// A child that closed its output does not hold the pipe open.
		{"child without output", "sleep 1000 >/dev/null 2>&1 & echo pgid=$$; echo ready; wait", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var got lines
			progress := func(l string) {
				got.add(l)
				if l == "ready" {
					cancel()
				}
			}
			o, err := Run(ctx, Spec{Name: "chk", Command: tt.command}, RunOptions{Dir: t.TempDir(), Env: shEnv, Progress: progress})
			if !errors.Is(err, context.Canceled) {
				t.Errorf("err = %v, want context.Canceled", err)
			}
			if o == nil {
				t.Fatal("no outcome")
			}
			if n := got.liveAtStart(); n < tt.live {
				t.Errorf("group had %d processes while running, want %d", n, tt.live)
			}
			waitGroupGone(t, got.value(t, "pgid"))
			if o.ExitCode == 0 || o.Results[0].Status != StatusFail {
				t.Errorf("exit %d results %v", o.ExitCode, o.Results)
			}
		})
	}
}

// TestRunLeftovers: a command that exits leaving children behind does not
// leave them running, nor wait for them.
func TestRunLeftovers(t *testing.T) {
	unixOnly(t)
	t.Parallel()
	dir := t.TempDir()
	got := lines{counted: filepath.Join(dir, "counted")}
	o, err := Run(context.Background(), Spec{Name: "chk", Command: "sleep 1000 & sleep 1000 & echo pgid=$$; while [ ! -e counted ]; do sleep 0.01; done"},
		RunOptions{Dir: dir, Env: shEnv, Progress: got.add})
	if err != nil {
		t.Fatal(err)
	}
	if n := got.liveAtStart(); n < 2 {
		t.Errorf("group had %d processes while running, want at least the 2 sleeps", n)
	}
	waitGroupGone(t, got.value(t, "pgid"))
	if o.ExitCode != 0 || o.TimedOut || o.Results[0].Status != StatusPass {
		t.Errorf("exit %d timed out %v results %v", o.ExitCode, o.TimedOut, o.Results)
	}
}

// TestRunEscaped: a process that leaves the group (setsid) and keeps the
// output open does not keep Run from returning.
func TestRunEscaped(t *testing.T) {
	unixOnly(t)
	t.Parallel()
	if _, err := os.Stat("/usr/bin/setsid"); err != nil {
		t.Skip("no setsid")
	}
	var got lines
	o, err := Run(context.Background(), Spec{Name: "chk", Command: "/usr/bin/setsid sh -c 'echo escaped=$$; : >started; exec sleep 1000' & while [ ! -e started ]; do sleep 0.01; done; echo done"},
		RunOptions{Dir: t.TempDir(), Env: shEnv, Progress: got.add})
	if err != nil {
		t.Fatal(err)
	}
	if pid := got.value(t, "escaped"); pid > 0 {
		_ = syscall.Kill(pid, syscall.SIGKILL) // ours: it left Run's reach on purpose
	}
	if o.ExitCode != 0 || !slices.Contains(got.get(), "done") {
		t.Errorf("exit %d output %q", o.ExitCode, got.get())
	}
}

// TestQuoteArgv: sh passes every element through as one argument, exactly.
func TestQuoteArgv(t *testing.T) {
	argv := []string{"printf", `%s\n`, "it's", "$HOME", "a b", "`id`", "*", ""}
	out, err := exec.Command("sh", "-c", "exec "+QuoteArgv(argv)).Output()
	if err != nil {
		t.Fatal(err)
	}
	want := "it's\n$HOME\na b\n`id`\n*\n\n"
	if string(out) != want {
		t.Errorf("got %q; want %q", out, want)
	}
}

// TestRunParsesAsItReads: go test -json output is parsed while the check
// runs; the results must be those of parsing the kept output afterwards,
// whether it comes in one write or line by line, whole or cut at the limit.
func TestRunParsesAsItReads(t *testing.T) {
	unixOnly(t)
	for _, name := range []string{"module.jsonl", "bench.jsonl", "timeout.jsonl"} {
		path, err := filepath.Abs(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, limit := range []int64{0, int64(len(data)) / 2, 4096} {
			for _, command := range []string{"cat " + path, `while IFS= read -r l; do printf '%s\n' "$l"; done < ` + path} {
				kept := data
				if limit > 0 && limit < int64(len(data)) {
					kept = data[:limit]
				}
				want, wantErr := ParseGoTestJSON(bytes.NewReader(kept))
				o, err := Run(context.Background(), Spec{Name: "chk", Command: command, Format: FormatGoTestJSON}, RunOptions{Dir: t.TempDir(), Env: shEnv, OutputLimit: limit})
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(o.Results, want) {
					t.Errorf("%s, limit %d, %.20s…: results %v; parsing the kept output gives %v", name, limit, command, o.Results, want)
				}
				if wantErr != nil && o.ParseError == "" {
					t.Errorf("%s, limit %d: no parse error; want %v", name, limit, wantErr)
				}
			}
		}
	}
}
