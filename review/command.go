package review

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/git-proof/git-proof/config"
)

// Presets of kind command.
const (
	PresetClaude = "claude"
	PresetCodex  = "codex"
	PresetGemini = "gemini"
)

// cliInstruction is the short instruction given to a CLI in argv; the
// prompt itself always goes to stdin (one argv string is limited to
// 128 KiB on Linux).
const cliInstruction = "Review the change described on stdin. Answer with the JSON object only."

// Output limits of a CLI reviewer.
const (
	MaxStdoutBytes = 16 << 20
	maxStderrBytes = 64 << 10
	// waitDelay is how long Wait waits for the output pipes after the
	// process group was killed.
	waitDelay = 2 * time.Second
)

// presetArgv is the argv of a preset; schemaFile is the answer schema's
// path.
func presetArgv(preset, model, schemaFile string) []string {
	var argv []string
	switch preset {
	case PresetClaude:
		argv = []string{"claude", "-p", cliInstruction, "--bare", "--output-format", "json", "--json-schema", AnswerSchema}
		if model != "" {
			argv = append(argv, "--model", model)
		}
		argv = append(argv, "--max-turns", "2", "--no-session-persistence", "--tools", "", "--strict-mcp-config")
	case PresetCodex:
		argv = []string{"codex", "exec", "--ephemeral", "--skip-git-repo-check", "--ignore-user-config", "--ignore-rules",
			"-s", "read-only", "--json", "--output-schema", schemaFile}
		if model != "" {
			argv = append(argv, "-m", model)
		}
		argv = append(argv, "-")
	case PresetGemini:
		argv = []string{"gemini", "-p", cliInstruction, "-o", "json"}
		if model != "" {
			argv = append(argv, "-m", model)
		}
	}
	return argv
}

// commandArgv is a reviewer's argv: its preset's, or its command with
// {model} and {schemaFile} filled in.
func commandArgv(r config.Reviewer, schemaFile string) []string {
	if r.Preset != "" {
		return presetArgv(r.Preset, r.Model, schemaFile)
	}
	argv := make([]string, len(r.Command))
	for i, a := range r.Command {
		a = strings.ReplaceAll(a, "{model}", r.Model)
		argv[i] = strings.ReplaceAll(a, "{schemaFile}", schemaFile)
	}
	return argv
}

// cliRun is what one run of a CLI left.
type cliRun struct {
	stdout, stderr []byte
	exitCode       int
	dir            string // its working directory (removed by now)
}

// runCommand runs a command reviewer: in an empty temporary directory that
// is also its HOME (removed afterwards), with only PATH, HOME and its API
// key in the environment, the prompt on stdin, in its own process group,
// which is killed at ctx's deadline and after the command exits (nothing it
// started outlives it).
func (o *runOptions) runCommand(ctx context.Context, r config.Reviewer, prompt []byte) (*answer, error) {
	root, err := os.MkdirTemp(o.tempDir, "git-proof-review-")
	if err != nil {
		return nil, &failError{class: ClassCrash, msg: "cannot make the reviewer's temporary directory; check TMPDIR", err: err}
	}
	defer os.RemoveAll(root)
	home := filepath.Join(root, "home")
	schemaFile := filepath.Join(root, "answer.schema.json")
	if err := os.Mkdir(home, 0o700); err != nil {
		return nil, &failError{class: ClassCrash, msg: "cannot make the reviewer's home directory", err: err}
	}
	if err := os.WriteFile(schemaFile, []byte(AnswerSchema), 0o600); err != nil {
		return nil, &failError{class: ClassCrash, msg: "cannot write the answer schema", err: err}
	}
	argv := commandArgv(r, schemaFile)
	pathEnv := o.getenv("PATH")
	bin, err := lookPath(argv[0], pathEnv)
	if err != nil {
		return nil, failf(ClassNotInstalled, "%s is not on PATH", clip(argv[0], 100))
	}
	env := []string{"PATH=" + pathEnv, "HOME=" + home}
	if r.APIKeyEnv != "" {
		if v := o.getenv(r.APIKeyEnv); v != "" {
			env = append(env, r.APIKeyEnv+"="+v)
		}
	}
	stdout := &limitedBuffer{limit: MaxStdoutBytes}
	stderr := &limitedBuffer{limit: maxStderrBytes}
	cmd := exec.CommandContext(ctx, bin, argv[1:]...)
	cmd.Args[0] = argv[0]
	cmd.Dir = home
	cmd.Env = env
	cmd.Stdin = bytes.NewReader(prompt)
	cmd.Stdout = stdout
	cmd.Stderr = stderr
	cmd.Cancel = func() error { return killGroup(cmd) }
	cmd.WaitDelay = waitDelay
	setProcessGroup(cmd)
	if err := cmd.Start(); err != nil {
		if ctx.Err() != nil {
			return nil, ctxFailure(ctx)
		}
		return nil, &failError{class: ClassCrash, msg: fmt.Sprintf("cannot start %s", clip(argv[0], 100)), err: err}
	}
	waitErr := cmd.Wait()
	_ = killGroup(cmd) // whatever it left running in its group
	if errors.Is(waitErr, exec.ErrWaitDelay) {
		waitErr = nil // it exited; something it started held the output open
	}
	if ctx.Err() != nil {
		return nil, ctxFailure(ctx)
	}
	var ee *exec.ExitError
	if waitErr != nil && !errors.As(waitErr, &ee) {
		return nil, &failError{class: ClassCrash, msg: fmt.Sprintf("%s failed", clip(argv[0], 100)), err: waitErr}
	}
	if stdout.dropped {
		return nil, failf(ClassMalformedOutput, "its output is over %d bytes", MaxStdoutBytes)
	}
	run := &cliRun{stdout: stdout.buf.Bytes(), stderr: stderr.buf.Bytes(), exitCode: cmd.ProcessState.ExitCode(), dir: home}
	var a *answer
	switch r.Preset {
	case PresetClaude:
		a, err = parseClaudeRun(run)
	case PresetCodex:
		a, err = parseCodexRun(run)
	case PresetGemini:
		a, err = parseGeminiRun(run)
	default:
		a, err = parsePlainRun(run)
	}
	if err != nil {
		return nil, err
	}
	a.raw = run.stdout
	a.attempts = 1
	return a, nil
}

// lookPath finds a program on the given PATH (not this process's).
func lookPath(name, pathEnv string) (string, error) {
	if name == "" {
		return "", errors.New("empty program name")
	}
	if strings.Contains(name, "/") {
		// Relative to git-proof's directory, not the sandbox it runs in.
		abs, err := filepath.Abs(name)
		if err == nil && isExecutable(abs) {
			return abs, nil
		}
		return "", fmt.Errorf("%s is not an executable file", name)
	}
	for _, dir := range filepath.SplitList(pathEnv) {
		if dir == "" || !filepath.IsAbs(dir) {
			continue // an empty or relative entry would name the sandbox
		}
		p := filepath.Join(dir, name)
		if isExecutable(p) {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found", name)
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// limitedBuffer keeps the first limit bytes written and notes the rest.
type limitedBuffer struct {
	buf     bytes.Buffer
	limit   int
	dropped bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.limit - b.buf.Len(); room < len(p) {
		b.dropped = true
		if room > 0 {
			b.buf.Write(p[:room])
		}
		return len(p), nil
	}
	return b.buf.Write(p)
}

// tail is the end of a CLI's stderr, for a message.
func tail(b []byte) string {
	s := strings.TrimSpace(string(b))
	if s == "" {
		return "(nothing on stderr)"
	}
	if len(s) > 300 {
		s = s[len(s)-300:]
		for len(s) > 0 && !utf8.RuneStart(s[0]) {
			s = s[1:]
		}
	}
	return clip(s, 300)
}
