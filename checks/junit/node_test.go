package junit

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/git-proof/git-proof/checks/tap"
)

// runNode runs `node --test` with args on a copy of testdata/node-project
// in a temporary directory and returns its stdout and the directory. It
// skips the test when node is not installed.
func runNode(t *testing.T, args ...string) ([]byte, string) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join("testdata", "node-project", "calc.test.js"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "calc.test.js"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, append([]string{"--test"}, args...)...)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "NO_COLOR=1", "TZ=UTC"}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	// node exits 1: a test fails on purpose.
	var ee *exec.ExitError
	if err != nil && (!errors.As(err, &ee) || ee.ExitCode() != 1) {
		t.Fatalf("node --test %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return out, dir
}

// TestNodeJUnit drives node's own JUnit reporter, to stdout and to a file.
func TestNodeJUnit(t *testing.T) {
	t.Parallel()
	out, _ := runNode(t, "--test-reporter=junit", "calc.test.js")
	cs, err := Parse(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("Parse(node junit output) error %v\n%s", err, out)
	}
	want := slices.Clone(nodeJUnitWant)
	slices.SortFunc(want, func(a, b string) int {
		return strings.Compare(a[strings.IndexByte(a, ' ')+1:], b[strings.IndexByte(b, ' ')+1:])
	})
	if got := statuses(cs); !slices.Equal(got, want) {
		t.Errorf("Parse(node junit output) =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, c := range cs {
		if c.Duration <= 0 {
			t.Errorf("case %q has no duration", c.ID)
		}
		if c.Status == StatusFail && !strings.Contains(c.Message, "strictly equal") {
			t.Errorf("failing case %q has message %q", c.ID, c.Message)
		}
	}

	_, dir := runNode(t, "--test-reporter=junit", "--test-reporter-destination=report.xml", "calc.test.js")
	fromFile, err := ParseFiles([]string{filepath.Join(dir, "report.xml")})
	if err != nil {
		t.Fatalf("ParseFiles(node junit report) error %v", err)
	}
	if got := statuses(fromFile); !slices.Equal(got, want) {
		t.Errorf("ParseFiles(node junit report) =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestNodeJUnitAgreesWithTAP: the same node run read through its JUnit and
// its TAP reporter names every JUnit case alike, with the same status (TAP
// also has a case for each describe block and parent test).
func TestNodeJUnitAgreesWithTAP(t *testing.T) {
	t.Parallel()
	xmlOut, _ := runNode(t, "--test-reporter=junit", "calc.test.js")
	tapOut, _ := runNode(t, "--test-reporter=tap", "calc.test.js")
	jcs, err := Parse(bytes.NewReader(xmlOut))
	if err != nil {
		t.Fatal(err)
	}
	tcs, err := tap.Parse(bytes.NewReader(tapOut))
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]tap.Status{}
	for _, c := range tcs {
		byID[c.ID] = c.Status
	}
	for _, c := range jcs {
		if st, ok := byID[c.ID]; !ok || string(st) != string(c.Status) {
			t.Errorf("JUnit case %s %q: TAP has %q (found %v)", c.Status, c.ID, st, ok)
		}
	}
}
