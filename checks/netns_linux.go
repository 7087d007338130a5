//go:build linux

package checks

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"

	"golang.org/x/sys/unix"
)

// NetnsHelperArg is the first argument with which a binary runs as the
// network-namespace helper: a program whose main calls NetnsExec when it
// sees it (git-proof does). The helper starts in a new network namespace,
// where only a loopback exists and is down; it brings loopback up (tests
// bind 127.0.0.1) and executes the check.
const NetnsHelperArg = "__git-proof-netns-exec"

// NetnsExec is the helper's body: bring loopback up, then exec args (the
// shell and the check). It returns only on failure, with exit status 125.
// In a binary built with cgo the same steps run in C as the binary loads,
// before Go's runtime starts (netns_cgo_linux.go), and main never sees
// the helper's command line; NetnsExec serves builds without cgo.
func NetnsExec(args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "git-proof: network namespace helper: nothing to run")
		return 125
	}
	if err := loopbackUp(); err != nil {
		fmt.Fprintf(os.Stderr, "git-proof: network namespace helper: bring up loopback: %v\n", err)
		return 125
	}
	path, err := exec.LookPath(args[0])
	if err != nil {
		fmt.Fprintf(os.Stderr, "git-proof: network namespace helper: %v\n", err)
		return 125
	}
	err = syscall.Exec(path, args, os.Environ())
	fmt.Fprintf(os.Stderr, "git-proof: network namespace helper: exec %s: %v\n", path, err)
	return 125
}

func loopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return err
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP | unix.IFF_RUNNING)
	return unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr)
}

// isolate makes cmd start through helper in a new network namespace (and,
// when not root, a user namespace that maps the user to itself, which is
// what lets an unprivileged process own a network namespace).
func isolate(cmd *exec.Cmd, helper string) {
	cmd.Args = append([]string{helper, NetnsHelperArg, cmd.Path}, cmd.Args[1:]...)
	cmd.Path = helper
	newNamespaces(cmd)
}

// newNamespaces makes cmd start in a new network namespace, and a user
// namespace when not root.
func newNamespaces(cmd *exec.Cmd) {
	attr := cmd.SysProcAttr
	if attr == nil {
		attr = &syscall.SysProcAttr{}
		cmd.SysProcAttr = attr
	}
	attr.Cloneflags |= syscall.CLONE_NEWNET
	if uid := os.Getuid(); uid != 0 {
		gid := os.Getgid()
		attr.Cloneflags |= syscall.CLONE_NEWUSER
		attr.UidMappings = []syscall.SysProcIDMap{{ContainerID: uid, HostID: uid, Size: 1}}
		attr.GidMappings = []syscall.SysProcIDMap{{ContainerID: gid, HostID: gid, Size: 1}}
		attr.GidMappingsEnableSetgroups = false
	}
}

// ProbeNetns reports whether checks can run without network here: helper
// must be an executable file, and `true` must start in the namespaces the
// checks get. The error says why not (a kernel without user namespaces, a
// container that forbids them). `true` starts directly, not through
// helper: the kernel's answer is the same, and a run waits for the probe
// before its first check, where starting a second git-proof cost ~7 ms.
// The helper's own step, bringing loopback up, is one ioctl the owner of a
// new namespace may always make; were it refused, the check would exit 125
// with the helper's message in its output.
func ProbeNetns(ctx context.Context, helper string) error {
	if helper == "" {
		return errors.New("no network-namespace helper")
	}
	if fi, err := os.Stat(helper); err != nil {
		return err
	} else if !fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0 {
		return fmt.Errorf("%s is not an executable file", helper)
	}
	t, err := exec.LookPath("true")
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, t)
	newNamespaces(cmd)
	cmd.Env = []string{}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%w%s", err, stderrNote(out))
	}
	return nil
}

func stderrNote(out []byte) string {
	if len(out) == 0 {
		return ""
	}
	if len(out) > 200 {
		out = out[:200]
	}
	return ": " + string(out)
}
