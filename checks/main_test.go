package checks

import (
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
)

// TestMain lets the test binary serve as the network-namespace helper, as
// the git-proof binary does, and as a probe of the network it runs in.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == NetnsHelperArg {
		os.Exit(NetnsExec(os.Args[2:]))
	}
	// The Go helper, where the C one (netns_cgo_linux.go) would take
	// the marked command line first.
	if os.Getenv("CHECKS_TEST_GO_HELPER") == "1" {
		os.Exit(NetnsExec(os.Args[1:]))
	}
	if os.Getenv("CHECKS_TEST_NETPROBE") == "1" {
		os.Exit(netProbe())
	}
	os.Exit(m.Run())
}

// netProbe prints the interfaces it sees (name and whether up) and whether
// a TCP connection over 127.0.0.1 works.
func netProbe() int {
	ifs, err := net.Interfaces()
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	var names []string
	for _, i := range ifs {
		names = append(names, fmt.Sprintf("%s:%v", i.Name, i.Flags&net.FlagUp != 0))
	}
	fmt.Println("interfaces", strings.Join(names, ","))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("loopback listen:", err)
		return 0
	}
	defer ln.Close()
	go func() {
		if c, err := ln.Accept(); err == nil {
			c.Close()
		}
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		fmt.Println("loopback dial:", err)
		return 0
	}
	c.Close()
	fmt.Println("loopback ok")
	return 0
}
