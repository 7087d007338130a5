package astdiff

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-proof/git-proof/astdiff/syntax"
)

var update = flag.Bool("update", false, "rewrite the want sections of testdata/*/*.txtar")

// archive is a txtar file: a comment, then named sections.
type archive struct {
	comment string
	names   []string
	files   map[string][]byte
}

// parseArchive reads the txtar format ("-- name --" lines start sections).
func parseArchive(data []byte) *archive {
	a := &archive{files: map[string][]byte{}}
	cur := ""
	var buf *bytes.Buffer
	var comment bytes.Buffer
	for _, line := range bytes.SplitAfter(data, []byte("\n")) {
		s := strings.TrimRight(string(line), "\n")
		if strings.HasPrefix(s, "-- ") && strings.HasSuffix(s, " --") && len(s) > 6 {
			if buf != nil {
				a.files[cur] = buf.Bytes()
			}
			cur = s[3 : len(s)-3]
			a.names = append(a.names, cur)
			buf = &bytes.Buffer{}
			continue
		}
		if buf == nil {
			comment.Write(line)
		} else {
			buf.Write(line)
		}
	}
	if buf != nil {
		a.files[cur] = buf.Bytes()
	}
	a.comment = comment.String()
	return a
}

func (a *archive) format() []byte {
	var b bytes.Buffer
	b.WriteString(a.comment)
	for _, n := range a.names {
		b.WriteString("-- " + n + " --\n")
		d := a.files[n]
		b.Write(d)
		if len(d) > 0 && d[len(d)-1] != '\n' {
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}

// directive returns the value of a "key: value" line of the comment.
func (a *archive) directive(key string) string {
	for _, line := range strings.Split(a.comment, "\n") {
		if v, ok := strings.CutPrefix(line, key+":"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// sides returns the old and new contents with the archive's directives
// applied: "crlf: old|new|both" turns LF into CRLF, "nonl: old|new|both"
// drops the final newline.
func (a *archive) sides() (old, new []byte) {
	old, new = a.files["old"], a.files["new"]
	apply := func(dir string, f func([]byte) []byte) {
		switch a.directive(dir) {
		case "old":
			old = f(old)
		case "new":
			new = f(new)
		case "both":
			old, new = f(old), f(new)
		}
	}
	apply("crlf", func(b []byte) []byte { return bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n")) })
	apply("nonl", func(b []byte) []byte { return bytes.TrimSuffix(b, []byte("\n")) })
	return old, new
}

func goldenFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("testdata/*/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	return files
}

// TestGolden labels each testdata pair and compares with its want section;
// go test -run TestGolden -update rewrites them.
func TestGolden(t *testing.T) {
	if !syntax.Available() {
		t.Skip("needs cgo; TestNoCgo covers this build")
	}
	az, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range goldenFiles(t) {
		t.Run(strings.TrimSuffix(strings.TrimPrefix(file, "testdata/"), ".txtar"), func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			ar := parseArchive(data)
			old, new := ar.sides()
			path := ar.directive("path")
			if path == "" {
				t.Fatalf("%s: no path: directive", file)
			}
			got := render(az.File(context.Background(), FileRequest{Path: path, Old: old, New: new}))
			if *update {
				if _, ok := ar.files["want"]; !ok {
					ar.names = append(ar.names, "want")
				}
				ar.files["want"] = []byte(got)
				if err := os.WriteFile(file, ar.format(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if want := string(ar.files["want"]); got != want {
				t.Errorf("File(%s) labels:\n%s\nwant:\n%s", path, got, want)
			}
		})
	}
}
