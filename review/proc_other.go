//go:build !unix

package review

import "os/exec"

// setProcessGroup does nothing where there are no POSIX process groups.
func setProcessGroup(*exec.Cmd) {}

// killGroup kills the process itself: without process groups, what it
// started is out of reach.
func killGroup(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	_ = cmd.Process.Kill() // an error means it already exited
	return nil
}
