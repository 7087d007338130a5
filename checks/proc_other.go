//go:build !unix

package checks

import (
	"os"
	"os/exec"
)

// setProcessGroup does nothing where there are no POSIX process groups.
func setProcessGroup(*exec.Cmd) {}

// killGroup kills the shell itself: without process groups, what it started
// is out of reach.
func killGroup(cmd *exec.Cmd, _ <-chan struct{}) {
	_ = cmd.Process.Kill() // an error means it already exited
}

// signalled reports no signal: the platform has none to report.
func signalled(*os.ProcessState) (int, bool) { return 0, false }
