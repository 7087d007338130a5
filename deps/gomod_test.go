package deps

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestGoModEdit edits a real module's go.mod with the go command
// (go mod edit needs no network) and checks the delta of each step.
func TestGoModEdit(t *testing.T) {
	gocmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go not installed")
	}
	t.Parallel()
	dir := t.TempDir()
	run := func(args ...string) []Dependency {
		t.Helper()
		cmd := exec.Command(gocmd, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOTOOLCHAIN=local", "GOFLAGS=")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %v: %v\n%s", args, err, out)
		}
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err != nil {
			t.Fatal(err)
		}
		got, errs := Parse(map[string][]byte{"go.mod": b})
		if len(errs) > 0 {
			t.Fatalf("Parse(go.mod after go %v): %v\n%s", args, errs, b)
		}
		return got
	}
	steps := []struct {
		args []string
		want string
	}{
		{[]string{"mod", "init", "example.com/m"}, ""},
		{[]string{"mod", "edit", "-require=github.com/google/uuid@v1.6.0", "-require=golang.org/x/sync@v0.6.0"},
			"added - -> go.mod:github.com/google/uuid@v1.6.0\nadded - -> go.mod:golang.org/x/sync@v0.6.0\n"},
		{[]string{"mod", "edit", "-replace=golang.org/x/sync=../sync"},
			"changed go.mod:golang.org/x/sync@v0.6.0 -> go.mod:golang.org/x/sync@v0.6.0=>../sync\n"},
		{[]string{"mod", "edit", "-replace=golang.org/x/sync@v0.6.0=golang.org/x/sync@v0.5.0", "-require=github.com/google/uuid@v1.5.0"},
			"changed go.mod:github.com/google/uuid@v1.6.0 -> go.mod:github.com/google/uuid@v1.5.0\n" +
				"changed go.mod:golang.org/x/sync@v0.6.0=>../sync -> go.mod:golang.org/x/sync@v0.6.0=>golang.org/x/sync@v0.5.0\n"},
		{[]string{"mod", "edit", "-dropreplace=golang.org/x/sync@v0.6.0", "-exclude=github.com/google/uuid@v1.4.0"},
			"changed go.mod:golang.org/x/sync@v0.6.0=>golang.org/x/sync@v0.5.0 -> go.mod:golang.org/x/sync@v0.6.0=>../sync\n"},
		{[]string{"mod", "edit", "-droprequire=github.com/google/uuid"},
			"removed go.mod:github.com/google/uuid@v1.5.0 -> -\n"},
	}
	var prev []Dependency
	for _, s := range steps {
		cur := run(s.args...)
		if got := summary(Diff(prev, cur)); got != s.want {
			t.Errorf("after go %v, Diff =\n%s; want\n%s", s.args, got, s.want)
		}
		prev = cur
	}
}

func TestGoModIndirect(t *testing.T) {
	t.Parallel()
	got := depLines(mustParse(t, map[string]string{"go.mod": "module m\n\ngo 1.22\n\nrequire (\n\ta.example/x v1.0.0 // indirect\n\tb.example/y v0.1.0\n)\n\nreplace a.example/x v0.9.0 => ./old\n"}))
	want := "go.mod golang a.example/x@v1.0.0 indirect\ngo.mod golang b.example/y@v0.1.0\n"
	if got != want {
		t.Errorf("Parse =\n%s; want\n%s (a replace of another version does not apply)", got, want)
	}
}
