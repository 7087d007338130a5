// Command git-proof is the git plugin: with it on PATH, `git proof …` runs
// checks on a commit, records a signed proof in refs/notes/proof, and shows
// and verifies proofs. This package only wires flags to library calls.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/git-proof/git-proof/checks"
	"github.com/urfave/cli/v2"
)

// Exit codes, decided here only.
const (
	exitOK     = 0 // success: recorded AUTO_OK, all verified
	exitFailed = 1 // a proof failed, or the decision is REVIEW/BLOCK
	exitUsage  = 2 // usage or environment error; nothing recorded
)

// exitError carries an exit code up to main.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}
func (e *exitError) Unwrap() error { return e.err }

// failed is a proof failure reported on stdout already: exit 1, no message.
var errFailed = &exitError{code: exitFailed}

func usageErr(format string, a ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, a...)}
}

func main() {
	// The network-namespace helper: started by the checks runner in a new
	// namespace, it brings loopback up and executes the check.
	if len(os.Args) > 1 && os.Args[1] == checks.NetnsHelperArg {
		os.Exit(checks.NetnsExec(os.Args[2:]))
	}
	// A run's live heap is a few MiB, and Go's default goal (4 MiB at
	// least, then twice the live heap) collected 4-5 times during one,
	// ~20 ms of CPU beside the checks; at 400 it is once. GOGC, when set,
	// decides.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := runMain(ctx, os.Args, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func runMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	// What a command leaves running beside it (a repository's kept
	// cat-file, gitx.Open) ends with it.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	app := newApp(stdout, stderr)
	err := app.RunContext(ctx, reorderArgs(app, args))
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil && ee.err.Error() != "" {
			fmt.Fprintf(stderr, "git proof: %v\n", ee.err)
		}
		return ee.code
	}
	if ctx.Err() != nil {
		fmt.Fprintf(stderr, "git proof: interrupted; nothing was recorded\n")
		return exitUsage
	}
	fmt.Fprintf(stderr, "git proof: %v\n", err)
	return exitUsage
}

func newApp(stdout, stderr io.Writer) *cli.App {
	return &cli.App{
		Name:                      "git-proof",
		HelpName:                  "git proof",
		Usage:                     "record, show and verify signed proofs that commits were checked",
		Version:                   version,
		Writer:                    stdout,
		ErrWriter:                 stderr,
		HideHelpCommand:           true,
		DisableSliceFlagSeparator: true,
		Suggest:                   true,
		ExitErrHandler:            func(*cli.Context, error) {},
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return &exitError{code: exitUsage, err: err}
		},
		Description: `Exit codes: 0 ok; 1 a proof failed or the decision is not AUTO_OK; 2 usage or environment error.
Settings live in git config (proof.signingKey, proof.allowedSignersFile) and in the committed .proof/config.yaml.`,
		Commands: []*cli.Command{
			initCommand(),
			runCommand(),
			showCommand(),
			verifyCommand(),
			minimizeCommand(),
			contractCommand(),
			policyCommand(),
			approveCommand(),
			pushCommand(),
			fetchCommand(),
			hooksCommand(),
			hookCommand(),
			manCommand(),
		},
	}
}

// errorsIs reports whether err matches any of targets.
func errorsIs(err error, targets ...error) bool {
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}

// firstLine is the first line of b.
func firstLine(b []byte) string {
	s := string(b)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
