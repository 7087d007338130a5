//go:build unix

package checks

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// setProcessGroup makes the command the leader of a new process group, so
// that it and everything it starts can be signalled at once.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// killGroup ends every process left in the command's group: SIGTERM, then,
// once the output pipe closed (its holders are gone) or killGrace passed,
// SIGKILL for the rest.
func killGroup(cmd *exec.Cmd, pipeClosed <-chan struct{}) {
	pgid := cmd.Process.Pid
	if err := syscall.Kill(-pgid, syscall.SIGTERM); errors.Is(err, syscall.ESRCH) {
		return // nothing left
	}
	t := time.NewTimer(killGrace)
	defer t.Stop()
	select {
	case <-pipeClosed:
	case <-t.C:
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL) // ESRCH: all gone already
}

// signalled reports the signal that killed the process, if one did.
func signalled(ps *os.ProcessState) (int, bool) {
	ws, ok := ps.Sys().(syscall.WaitStatus)
	if ok && ws.Signaled() {
		return int(ws.Signal()), true
	}
	return 0, false
}
