//go:build !linux

package checks

import (
	"context"
	"errors"
	"os"
	"os/exec"
)

// NetnsHelperArg: see the Linux version; other systems have no network
// namespaces, and checks run with the network.
const NetnsHelperArg = "__git-proof-netns-exec"

// NetnsExec is unavailable here.
func NetnsExec(args []string) int {
	os.Stderr.WriteString("git-proof: network namespaces need Linux\n")
	return 125
}

func isolate(*exec.Cmd, string) {}

// ProbeNetns always fails here.
func ProbeNetns(context.Context, string) error {
	return errors.New("network namespaces need Linux")
}
