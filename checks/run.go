package checks

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/git-proof/git-proof/sarif"
)

// Spec is one check to run.
type Spec struct {
	Name    string // e.g. "unit" or "test-1"
	Command string // run as: sh -c <Command>, in RunOptions.Dir
	// Format is how the output is read: "go-test-json", "exit-code", or ""
	// for go-test-json when the output holds test2json events and
	// exit-code otherwise.
	Format  string
	Timeout time.Duration // 0 = none
	// Report is a glob, relative to the tree, of the report files the
	// command writes; "" reads the report from its output.
	Report string
	// Repeat is how many times RunRepeated runs the check (0 means 1).
	Repeat int
	// Coverage is a glob, relative to the tree, of the Go coverprofile or
	// LCOV files the command writes; they are kept in Outcome.Coverage.
	Coverage string
}

// RunOptions are the conditions a Spec runs in.
type RunOptions struct {
	Dir string // the tree to run in; must exist
	// Env is the command's full environment: nothing of this process's is
	// inherited, so a check sees only what the caller chose.
	Env []string
	// OutputLimit is how many bytes of output are kept in memory for
	// parsing; 0 means DefaultOutputLimit. The hash covers all output.
	OutputLimit int64
	// NetnsHelper, when set, runs the command without network: in a new
	// network namespace, through this binary (see NetnsHelperArg).
	NetnsHelper string
	// Progress, if not nil, receives each line of output (without its
	// newline, cut at maxProgressLine bytes) as it comes. It is called from
	// one goroutine at a time and never after Run returns.
	Progress func(line string)
}

// DefaultOutputLimit is the OutputLimit of a zero RunOptions.
const DefaultOutputLimit = 16 << 20

// Outcome is what one run of a Spec on one tree produced.
type Outcome struct {
	Format string // the format the output was read in: go-test-json or exit-code
	// ExitCode is the shell's exit status; 128+n when signal n killed it
	// (as shells report it), as when a timeout killed it.
	ExitCode int
	Duration time.Duration
	// CPU is the user and system time of the command and the processes it
	// waited for; the runner uses it to tell whether a check already keeps
	// the machine busy. RunRepeated sums it over the runs.
	CPU          time.Duration `json:",omitempty"`
	TimedOut     bool
	OutputSHA256 string // hex sha256 of all of stdout and stderr, as interleaved
	OutputBytes  int64
	Truncated    bool // output was over OutputLimit; only its start was parsed
	// Results are sorted by ID. For the exit-code format they are exactly
	// one, named after the check, that passes iff the exit status is 0.
	Results []Result
	// ParseError says why a report could not be read in full; such a
	// check has failed.
	ParseError string
	// Runs is how many times the check ran (RunRepeated), and Flaky the
	// results whose status differed between runs (sorted). A flaky
	// result's Status is fail.
	Runs  int
	Flaky []string
	// Findings are a SARIF check's findings, paths relative to the tree.
	Findings []sarif.Finding `json:",omitempty"`
	// Coverage is the coverage file the check wrote, when its spec names
	// one (see CoverageData).
	Coverage *CoverageData `json:",omitempty"`
}

const (
	// killGrace is how long a process group has between SIGTERM and
	// SIGKILL: enough for `go test` to pass the signal on and exit, short
	// enough that a stuck check does not hold the run.
	killGrace = 2 * time.Second
	// drainGrace is how long output is still read after the group is
	// killed. Only a process that left the group (setsid) can hold the
	// pipe open longer, and it is not waited for.
	drainGrace = 2 * time.Second
	// maxProgressLine bounds one line given to Progress.
	maxProgressLine = 64 << 10
)

// Run runs spec in opts.Dir and reads its output.
//
// The command runs as `sh -c` in a process group of its own, with stdin
// from /dev/null and stdout and stderr merged. When it times out, when ctx
// is cancelled, and when it exits leaving processes behind, the whole group
// gets SIGTERM and, after a short grace, SIGKILL, so the test binaries that
// `go test` starts die too.
//
// A failing or timed-out command is an Outcome, not an error. The error is
// for what keeps the command from running (no such Dir, no sh, an unknown
// Format), and for ctx being cancelled: then the command is killed and the
// partial Outcome comes with ctx's error.
func Run(ctx context.Context, spec Spec, opts RunOptions) (*Outcome, error) {
	switch spec.Format {
	case "", FormatGoTestJSON, FormatExitCode, FormatJUnit, FormatTAP, FormatSARIF:
	default:
		return nil, fmt.Errorf("check %s: unknown format %q", spec.Name, spec.Format)
	}
	if opts.Dir == "" {
		return nil, fmt.Errorf("check %s: no directory to run in", spec.Name)
	}
	if fi, err := os.Stat(opts.Dir); err != nil {
		return nil, fmt.Errorf("check %s: %w", spec.Name, err)
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("check %s: %s is not a directory", spec.Name, opts.Dir)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("check %s: %w", spec.Name, err)
	}
	sh, err := shellPath()
	if err != nil {
		return nil, fmt.Errorf("check %s: %w", spec.Name, err)
	}
	limit := opts.OutputLimit
	if limit <= 0 {
		limit = DefaultOutputLimit
	}

	pipe, err := newOutputPipe()
	if err != nil {
		return nil, fmt.Errorf("check %s: %w", spec.Name, err)
	}
	defer pipe.closeRead()
	env := opts.Env
	if env == nil {
		env = []string{} // nil would make exec inherit this process's environment
	}
	cmd := &exec.Cmd{
		Path:   sh,
		Args:   []string{"sh", "-c", spec.Command},
		Dir:    opts.Dir,
		Env:    env,
		Stdout: pipe.w, // one pipe for both keeps their order and lets the child
		Stderr: pipe.w, // hold it without a copying goroutine in exec
	}
	setProcessGroup(cmd)
	if opts.NetnsHelper != "" {
		isolate(cmd, opts.NetnsHelper)
	}
	start := time.Now()
	err = cmd.Start()
	pipe.closeWrite() // the child has its copy; EOF comes when every holder exits
	if err != nil {
		return nil, fmt.Errorf("check %s: start sh: %w", spec.Name, err)
	}

	out := &capture{hash: sha256.New(), limit: limit, progress: opts.Progress}
	// go test -json output is parsed as it arrives, so that the parse
	// (~3 ms for a 30-package module's cached run) is done when the
	// command is: what is parsed is the kept output, as read would.
	var stream *streamParse
	if spec.Report == "" && (spec.Format == "" || spec.Format == FormatGoTestJSON) {
		stream = startStreamParse()
		out.tee = stream.w
	}
	readDone := make(chan struct{})
	exited := make(chan struct{})   // closed once the shell has exited
	stopRead := make(chan struct{}) // closed to give up on the pipe's end
	go func() {
		defer close(readDone)
		pipe.copyTo(out, exited, stopRead)
		if stream != nil {
			stream.w.Close()
		}
	}()
	waitDone := make(chan error, 1)
	go func() {
		err := cmd.Wait()
		close(exited)
		waitDone <- err
	}()

	var timeout <-chan time.Time
	if spec.Timeout > 0 {
		t := time.NewTimer(spec.Timeout)
		defer t.Stop()
		timeout = t.C
	}
	var waitErr error
	var timedOut, cancelled bool
	var duration time.Duration
	select {
	case waitErr = <-waitDone:
		duration = time.Since(start)
	case <-timeout:
		timedOut = true
	case <-ctx.Done():
		cancelled = true
	}
	// Also after a clean exit: whatever the command left running in its
	// group (`server &`) would otherwise outlive the check and hold the
	// pipe open.
	killGroup(cmd, readDone)
	if timedOut || cancelled {
		waitErr = <-waitDone
		duration = time.Since(start)
	}
	select {
	case <-readDone:
	case <-time.After(drainGrace):
		// A process that left the group still holds the pipe: stop reading.
		close(stopRead)
		<-readDone
	}

	exitCode, err := exitStatus(cmd, waitErr)
	if err != nil {
		return nil, fmt.Errorf("check %s: wait: %w", spec.Name, err)
	}
	o := &Outcome{
		ExitCode:     exitCode,
		Duration:     duration,
		CPU:          cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(),
		TimedOut:     timedOut,
		OutputSHA256: hex.EncodeToString(out.hash.Sum(nil)),
		OutputBytes:  out.total,
		Truncated:    out.total > int64(len(out.kept)),
	}
	o.read(spec, out.kept, opts.Dir, stream)
	if spec.Coverage != "" {
		o.Coverage = readCoverage(opts.Dir, spec.Coverage)
	}
	if cancelled {
		return o, fmt.Errorf("check %s: %w", spec.Name, ctx.Err())
	}
	return o, nil
}

// read fills in the format, results, findings and parse error from the
// report: the files spec.Report names in dir, else the kept output, which
// stream, when not nil, has parsed as go test -json already.
func (o *Outcome) read(spec Spec, kept []byte, dir string, stream *streamParse) {
	format := spec.Format
	o.Format = format
	reports := [][]byte{kept}
	if spec.Report != "" {
		rs, err := readReports(dir, spec.Report)
		if err != nil {
			o.ParseError = err.Error()
			return
		}
		reports = rs
	} else if o.Truncated && format != FormatExitCode {
		defer func() {
			if o.ParseError == "" && o.Format != FormatExitCode {
				// The results after the cut are unknown; the report cannot
				// vouch for them, so it fails rather than pass on a part.
				o.ParseError = fmt.Sprintf("output is %d bytes, over the %d-byte limit: only the start was read", o.OutputBytes, len(kept))
			}
		}()
	}
	var results []Result
	var err error
	switch format {
	case FormatExitCode:
	case "", FormatGoTestJSON:
		if stream != nil {
			results, err = stream.wait()
		} else {
			results, err = ParseGoTestJSON(bytes.NewReader(bytes.Join(reports, []byte("\n"))))
		}
	case FormatJUnit, FormatTAP:
		results, err = parseReports(format, reports)
	case FormatSARIF:
		// A linter's findings are what it reports; its exit status (most
		// exit non-zero when they find anything) is not a test result.
		o.Findings, err = parseFindings(reports, dir, spec.Name)
		if err != nil {
			o.ParseError = err.Error()
		}
		o.Results = []Result{}
		return
	default:
		err = fmt.Errorf("unknown format %q", format)
	}
	if format == "" {
		format = FormatExitCode
		if err == nil {
			format = FormatGoTestJSON
		}
	}
	o.Format = format
	if format == FormatExitCode {
		st := StatusFail
		if o.ExitCode == 0 && !o.TimedOut {
			st = StatusPass
		}
		o.Results = []Result{{ID: spec.Name, Status: st}}
		return
	}
	if err != nil {
		o.ParseError = err.Error()
	}
	o.Results = results
}

// exitStatus is the shell's exit code from Wait's error: an exit status is
// not an error here, anything else is.
func exitStatus(cmd *exec.Cmd, waitErr error) (int, error) {
	var ee *exec.ExitError
	if waitErr != nil && !errors.As(waitErr, &ee) {
		return 0, waitErr
	}
	if cmd.ProcessState == nil {
		return 0, errors.New("no process state")
	}
	if sig, ok := signalled(cmd.ProcessState); ok {
		return 128 + sig, nil
	}
	return cmd.ProcessState.ExitCode(), nil
}

// shellPath finds sh: /bin/sh, which POSIX systems have, else on PATH.
func shellPath() (string, error) {
	if fi, err := os.Stat("/bin/sh"); err == nil && !fi.IsDir() {
		return "/bin/sh", nil
	}
	p, err := exec.LookPath("sh")
	if err != nil {
		return "", fmt.Errorf("find sh: %w", err)
	}
	return p, nil
}

// capture consumes a command's output: it hashes all of it, keeps the
// first limit bytes, and hands complete lines to progress.
type capture struct {
	hash     hash.Hash
	limit    int64
	progress func(string)
	tee      io.WriteCloser // gets the kept bytes as they come; nil for none
	total    int64
	kept     []byte
	line     []byte // the line being assembled for progress
	lineCut  bool   // the line passed maxProgressLine; the rest is dropped
}

// flushLine hands progress the last line when the output did not end
// with a newline.
func (c *capture) flushLine() {
	if c.progress != nil && (len(c.line) > 0 || c.lineCut) {
		c.progress(string(c.line))
	}
}

func (c *capture) write(p []byte) {
	c.hash.Write(p)
	c.total += int64(len(p))
	if room := c.limit - int64(len(c.kept)); room > 0 {
		k := p[:min(int64(len(p)), room)]
		c.kept = append(c.kept, k...)
		if c.tee != nil && writeAll(c.tee, k) != nil {
			c.tee = nil
		}
	}
	if c.progress == nil {
		return
	}
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		part := p
		if i >= 0 {
			part = p[:i]
		}
		if room := maxProgressLine - len(c.line); room > 0 && !c.lineCut {
			if len(part) > room {
				part, c.lineCut = part[:room], true
			}
			c.line = append(c.line, part...)
		}
		if i < 0 {
			return
		}
		c.progress(string(bytes.TrimSuffix(c.line, []byte("\r"))))
		c.line, c.lineCut = c.line[:0], false
		p = p[i+1:]
	}
}

func writeAll(w io.Writer, p []byte) error {
	_, err := w.Write(p)
	return err
}

// streamParse parses go test -json output written to w, in a goroutine
// of its own; wait returns what ParseGoTestJSON returned once w is closed.
type streamParse struct {
	w       *io.PipeWriter
	done    chan struct{}
	results []Result
	err     error
}

func startStreamParse() *streamParse {
	r, w := io.Pipe()
	s := &streamParse{w: w, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		s.results, s.err = ParseGoTestJSON(r)
		r.Close() // a write after a failed read fails instead of waiting
	}()
	return s
}

func (s *streamParse) wait() ([]Result, error) {
	<-s.done
	return s.results, s.err
}

// QuoteArgv quotes argv for `sh -c` so that sh passes every element
// through exactly, as one argument, with no expansion of any kind.
func QuoteArgv(argv []string) string {
	q := make([]string, len(argv))
	for i, a := range argv {
		q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join(q, " ")
}
