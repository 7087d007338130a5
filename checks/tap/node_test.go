package tap

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
)

// TestNodeTAP drives node's own TAP reporter on a copy of
// testdata/node-project: a passing, a failing, a skipped and a todo test, a
// describe block with a nested one, and a test with subtests.
func TestNodeTAP(t *testing.T) {
	t.Parallel()
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
	cmd := exec.CommandContext(ctx, node, "--test", "--test-reporter=tap", "calc.test.js")
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "NO_COLOR=1", "TZ=UTC"}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	// node exits 1: a test fails on purpose.
	var ee *exec.ExitError
	if err != nil && (!errors.As(err, &ee) || ee.ExitCode() != 1) {
		t.Fatalf("node --test: %v\n%s", err, stderr.Bytes())
	}

	cs, err := Parse(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("Parse(node tap output) error %v\n%s", err, out)
	}
	if got, want := statuses(cs), sorted(nodeTAPWant); !slices.Equal(got, want) {
		t.Errorf("Parse(node tap output) =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, c := range cs {
		if c.Duration <= 0 {
			t.Errorf("case %q has no duration", c.ID)
		}
	}
	msgs := map[string]string{}
	for _, c := range cs {
		msgs[c.ID] = c.Message
	}
	for id, want := range map[string]string{
		"fails on purpose":          "Expected values to be strictly equal",
		"math › division › by zero": "Infinity !== 0",
		"skipped one":               "not ready",
		"todo one":                  "TODO later",
	} {
		if !strings.Contains(msgs[id], want) {
			t.Errorf("case %q has message %q; want it to say %q", id, msgs[id], want)
		}
	}

	// Cut anywhere before its plan, the stream is incomplete: an error, and
	// the cases read so far.
	cut := out[:bytes.LastIndex(out, []byte("\n1..6"))]
	part, err := Parse(bytes.NewReader(cut))
	if !errors.Is(err, ErrNoPlan) || len(part) != len(cs) {
		t.Errorf("Parse(node output without its plan) = %d cases, %v; want %d, %v", len(part), err, len(cs), ErrNoPlan)
	}
}
