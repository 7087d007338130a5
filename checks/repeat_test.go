package checks

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestRunRepeated: a test whose outcome changes between runs is flaky and
// counts as failed; steady ones keep their status.
func TestRunRepeated(t *testing.T) {
	unixOnly(t)
	dir := t.TempDir()
	// Test_flaky fails on the first run only (a counter file), Test_ok
	// always passes, Test_bad always fails.
	cmd := `n=$(cat count 2>/dev/null || echo 0); echo $((n+1)) > count
printf '{"Action":"pass","Package":"p","Test":"Test_ok"}\n{"Action":"fail","Package":"p","Test":"Test_bad"}\n'
if [ "$n" = 0 ]; then a=fail; else a=pass; fi
printf '{"Action":"%s","Package":"p","Test":"Test_flaky"}\n' $a`
	o, err := RunRepeated(context.Background(), Spec{Name: "c", Command: cmd, Format: FormatGoTestJSON, Repeat: 3}, RunOptions{Dir: dir, Env: shEnv})
	if err != nil {
		t.Fatal(err)
	}
	if o.Runs != 3 || !slices.Equal(o.Flaky, []string{"p.Test_flaky"}) {
		t.Fatalf("RunRepeated: runs %d flaky %v; want 3 and [p.Test_flaky]", o.Runs, o.Flaky)
	}
	if got := formatResults(o.Results); got != "fail p.Test_bad\nfail p.Test_flaky\npass p.Test_ok\n" {
		t.Errorf("results:\n%s", got)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "count")); strings.TrimSpace(string(b)) != "3" {
		t.Errorf("ran %s times; want 3", b)
	}
	// Repeat 0 or 1 runs once and reports no flaky test.
	o, err = RunRepeated(context.Background(), Spec{Name: "c", Command: "true"}, RunOptions{Dir: t.TempDir(), Env: shEnv})
	if err != nil || o.Runs != 1 || o.Flaky != nil {
		t.Errorf("one run: %+v, %v", o, err)
	}
}

// TestRunReportFiles: a check that writes its report to files is read from
// them, sorted by name; no file is a parse error (a failed check).
func TestRunReportFiles(t *testing.T) {
	unixOnly(t)
	cmd := `mkdir -p out/sub && printf '{"Action":"pass","Package":"p","Test":"TestA"}\n' > out/a.json && printf '{"Action":"fail","Package":"p","Test":"TestB"}\n' > out/sub/b.json; echo "not json on stdout"`
	o, err := Run(context.Background(), Spec{Name: "c", Command: cmd, Format: FormatGoTestJSON, Report: "out/**/*.json"}, RunOptions{Dir: t.TempDir(), Env: shEnv})
	if err != nil {
		t.Fatal(err)
	}
	if got := formatResults(o.Results); o.ParseError != "" || got != "pass p.TestA\nfail p.TestB\n" && got != "fail p.TestB\npass p.TestA\n" {
		t.Errorf("results from report files: %q (parse error %q)", got, o.ParseError)
	}
	o, err = Run(context.Background(), Spec{Name: "c", Command: "true", Format: FormatGoTestJSON, Report: "out/*.json"}, RunOptions{Dir: t.TempDir(), Env: shEnv})
	if err != nil || !strings.Contains(o.ParseError, "matched no files") {
		t.Errorf("no report: %+v, %v", o, err)
	}
	// A report glob cannot leave the tree: doublestar over the tree's
	// file system has no "..".
	o, err = Run(context.Background(), Spec{Name: "c", Command: "true", Format: FormatGoTestJSON, Report: "../*.json"}, RunOptions{Dir: t.TempDir(), Env: shEnv})
	if err != nil || o.ParseError == "" {
		t.Errorf("report outside the tree: %+v, %v", o, err)
	}
}
