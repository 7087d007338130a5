package sarif_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-proof/git-proof/sarif"
)

func TestFromGoVetSamples(t *testing.T) {
	t.Parallel()
	// Captured from go1.26.8 on a module at /tmp/vetprobe with a printf bug,
	// a self-assignment, a bad Sprintf, a bad t.Errorf and a package that
	// does not compile: plain, -json (absolute positions) and -c=1.
	for _, name := range []string{"govet.txt", "govet-json.txt", "govet-context.txt"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			fs, err := sarif.FromGoVet(bytes.NewReader(data), "", "/tmp/vetprobe")
			if err != nil {
				t.Fatalf("FromGoVet(%s) = %v", name, err)
			}
			golden(t, strings.TrimSuffix(name, ".txt")+".json", fs)
		})
	}
}

func TestFromGoVetText(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/govet.txt")
	if err != nil {
		t.Fatal(err)
	}
	fs, err := sarif.FromGoVet(bytes.NewReader(data), "vet", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 5 {
		t.Fatalf("got %d findings; want 5: %+v", len(fs), fs)
	}
	want := sarif.Finding{Tool: "vet", RuleID: "vet", Level: "error", Message: "fmt.Printf format %d has arg s of wrong type string", File: "main.go", StartLine: 7, EndLine: 7}
	got := fs[1]
	got.Fingerprint, got.ContentHash = "", ""
	if got != want {
		t.Errorf("finding = %+v; want %+v", got, want)
	}
	if tc := fs[2]; tc.RuleID != "typecheck" || tc.File != "bad/bad.go" || tc.Message != "undefined: undefinedThing" {
		t.Errorf("type error = %+v; want rule typecheck at bad/bad.go", tc)
	}
}

func TestFromGoVetForms(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, root        string
		rule, file, msg string
		line            int
	}{
		{"./a.go:3:4: m\n", "", "vet", "a.go", "m", 3},
		{"a.go:3: m\n", "", "vet", "a.go", "m", 3},
		{"/w/r/p/a.go:3:4: m\n", "/w/r", "vet", "p/a.go", "m", 3},
		{`C:\w\a.go:3:4: m` + "\n", "", "vet", `C:\w\a.go`, "m", 3},
		{"a.go:3:4: this value of err is never used (SA4006)\n", "", "SA4006", "a.go", "this value of err is never used", 3},
		{"a.go:3:4: Error return value is not checked (errcheck)\n", "", "errcheck", "a.go", "Error return value is not checked", 3},
		{"a.go:3:4: method Scan(x int) should have signature Scan(fmt.ScanState, rune) error\n", "", "vet", "a.go", "method Scan(x int) should have signature Scan(fmt.ScanState, rune) error", 3},
		{"a.go:3:4: first line\n\tsecond line\n", "", "vet", "a.go", "first line\nsecond line", 3},
		{"a.go:3:4: m\r\n", "", "vet", "a.go", "m", 3},
		{"# example.com/p\n# [example.com/p]\na.go:3:4: m\n", "", "vet", "a.go", "m", 3},
		{"go: downloading x v1\na.go:3:4: m\n", "", "vet", "a.go", "m", 3},
	} {
		fs, err := sarif.FromGoVet(strings.NewReader(tc.in), "", tc.root)
		if err != nil || len(fs) != 1 {
			t.Errorf("FromGoVet(%q) = %+v, %v; want one finding", tc.in, fs, err)
			continue
		}
		f := fs[0]
		if f.RuleID != tc.rule || f.File != tc.file || f.Message != tc.msg || f.StartLine != tc.line || f.Tool != "go vet" {
			t.Errorf("FromGoVet(%q) = %+v; want rule %q file %q line %d message %q", tc.in, f, tc.rule, tc.file, tc.line, tc.msg)
		}
	}
}

func TestFromGoVetMalformed(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, in string
		want     error
		where    string
	}{
		{"broken JSON", "{\n\t\"p\": {\n", sarif.ErrNotSARIF, "line 1"},
		{"JSON of the wrong shape", `{"p": 3}`, sarif.ErrNotSARIF, "want {package: {analyzer"},
		{"diagnostics of the wrong shape", `{"p": {"printf": 3}}`, sarif.ErrNotSARIF, "p.printf"},
		{"deep JSON", strings.Repeat(`{"a":`, 100) + "1" + strings.Repeat("}", 100), sarif.ErrLimit, "nested deeper"},
		{"JSON after text", "a.go:1:1: m\n{\"p\": [}", sarif.ErrNotSARIF, "line 2"},
		{"long line", "a.go:1:1: " + strings.Repeat("x", sarif.MaxLineBytes), sarif.ErrLimit, "line 1"},
		{"huge", strings.Repeat("x", sarif.MaxReportBytes+1), sarif.ErrLimit, "larger than"},
	} {
		_, err := sarif.FromGoVet(strings.NewReader(tc.in), "", "")
		if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.where) {
			t.Errorf("%s: FromGoVet = %v; want %v mentioning %q", tc.name, err, tc.want, tc.where)
		}
	}
	// Anything that is not a diagnostic is skipped, not an error.
	for _, in := range []string{"", "\x00\x01\xff", "hello\nworld\n", "12\tcontext line\n", ":3:4: no file\n"} {
		if fs, err := sarif.FromGoVet(strings.NewReader(in), "", ""); err != nil || len(fs) != 0 {
			t.Errorf("FromGoVet(%q) = %+v, %v; want no findings, no error", in, fs, err)
		}
	}
}

func TestFromGoVetTooMany(t *testing.T) {
	t.Parallel()
	in := strings.Repeat("a.go:1:1: m\n", sarif.MaxFindings+1)
	if _, err := sarif.FromGoVet(strings.NewReader(in), "", ""); !errors.Is(err, sarif.ErrLimit) {
		t.Errorf("FromGoVet(%d findings) = %v; want ErrLimit", sarif.MaxFindings+1, err)
	}
}

// goVet runs the real go vet on a module written to dir and returns its
// combined output (vet exits 1 when it finds something).
func goVet(t *testing.T, dir string, files map[string]string, args ...string) []byte {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go not in PATH")
	}
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("go", append([]string{"vet"}, append(args, "./...")...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("go vet: %v\n%s", err, out)
	}
	return out
}

const vetMod = "module example.com/vetdemo\n\ngo 1.22\n"

const vetBase = `package main

import "fmt"

func main() {
	name := "gopher"
	fmt.Printf("hello %d\n", name)
}
`

// The head moves the old bug down three lines and adds a second one.
const vetHead = `package main

import "fmt"

// greeting is new.
var greeting = "hi"

func main() {
	name := "gopher"
	fmt.Printf("hello %d\n", name)
	fmt.Println("%s", greeting)
}
`

func TestFromGoVetReal(t *testing.T) {
	t.Parallel()
	baseDir, headDir := t.TempDir(), t.TempDir()
	var base, head [2][]sarif.Finding // text, -json
	for i, args := range [][]string{nil, {"-json"}} {
		var err error
		out := goVet(t, baseDir, map[string]string{"go.mod": vetMod, "main.go": vetBase}, args...)
		if base[i], err = sarif.FromGoVet(bytes.NewReader(out), "go vet", baseDir); err != nil {
			t.Fatalf("FromGoVet(base %v) = %v\n%s", args, err, out)
		}
		out = goVet(t, headDir, map[string]string{"go.mod": vetMod, "main.go": vetHead}, args...)
		if head[i], err = sarif.FromGoVet(bytes.NewReader(out), "go vet", headDir); err != nil {
			t.Fatalf("FromGoVet(head %v) = %v\n%s", args, err, out)
		}
	}
	// Text output: rule "vet", paths relative to the module.
	if len(base[0]) != 1 || base[0][0].File != "main.go" || base[0][0].StartLine != 7 || base[0][0].RuleID != "vet" ||
		!strings.Contains(base[0][0].Message, "fmt.Printf format %d has arg name of wrong type string") {
		t.Fatalf("base findings = %+v; want the printf bug at main.go:7", base[0])
	}
	// -json output: the analyzer's name, absolute paths made relative.
	if len(base[1]) != 1 || base[1][0].File != "main.go" || base[1][0].StartLine != 7 || base[1][0].RuleID != "printf" {
		t.Fatalf("base -json findings = %+v; want printf at main.go:7", base[1])
	}
	for i, form := range []string{"text", "-json"} {
		n, f, u := sarif.Match(base[i], head[i])
		if len(n) != 1 || !strings.Contains(n[0].Message, "Println call has possible Printf formatting directive %s") || n[0].StartLine != 11 {
			t.Errorf("%s: new = %+v; want the Println bug at line 11", form, n)
		}
		if len(f) != 0 || len(u) != 1 || u[0].StartLine != 10 {
			t.Errorf("%s: fixed %+v, unchanged %+v; want the moved printf bug unchanged at line 10", form, f, u)
		}
	}
}
