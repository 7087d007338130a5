package astdiff

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/git-proof/git-proof/astdiff/syntax"
)

func TestLineDiff(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		want     []Hunk
	}{
		{"equal", "a\nb\n", "a\nb\n", nil},
		{"change", "a\nb\nc\n", "a\nx\nc\n", []Hunk{{2, 1, 2, 1}}},
		{"insert", "a\nc\n", "a\nb\nc\n", []Hunk{{1, 0, 2, 1}}},
		{"insert at top", "b\n", "a\nb\n", []Hunk{{0, 0, 1, 1}}},
		{"delete", "a\nb\nc\n", "a\nc\n", []Hunk{{2, 1, 1, 0}}},
		{"delete all", "a\nb\n", "", []Hunk{{1, 2, 0, 0}}},
		{"add file", "", "a\n", []Hunk{{0, 0, 1, 1}}},
		{"no final newline", "a\nb", "a\nb\n", []Hunk{{2, 1, 2, 1}}},
		{"two hunks", "a\nb\nc\nd\ne\n", "a\nB\nc\nd\nE\nf\n", []Hunk{{2, 1, 2, 1}, {5, 1, 5, 2}}},
	}
	for _, tt := range tests {
		got := LineDiff([]byte(tt.old), []byte(tt.new))
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("LineDiff(%s) = %v; want %v", tt.name, got, tt.want)
		}
		if err := checkHunks(splitLines([]byte(tt.old)), splitLines([]byte(tt.new)), got); err != nil {
			t.Errorf("LineDiff(%s) hunks fail the check: %v", tt.name, err)
		}
	}
}

// TestGitHunks feeds git's own hunks (`git diff --no-index -U0`, read by
// ParseDiff) for every golden pair: they must pass the consistency check,
// and no hunk may be line-level for a hunk mismatch.
func TestGitHunks(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("no git")
	}
	if !syntax.Available() {
		t.Skip("needs cgo")
	}
	az, _ := New()
	dir := t.TempDir()
	for _, file := range goldenFiles(t) {
		data, _ := os.ReadFile(file)
		ar := parseArchive(data)
		old, new := ar.sides()
		op, np := filepath.Join(dir, "old"), filepath.Join(dir, "new")
		if err := os.WriteFile(op, old, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(np, new, 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(git, "diff", "--no-index", "--no-color", "--no-ext-diff", "-U0", "old", "new")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
		out, _ := cmd.Output() // exit 1 means "differs"
		fps, err := ParseDiff(out)
		if err != nil || len(fps) != 1 {
			t.Fatalf("%s: ParseDiff(git diff) = %v, %v", file, fps, err)
		}
		if err := checkHunks(splitLines(old), splitLines(new), fps[0].Hunks); err != nil {
			t.Errorf("%s: git's hunks fail the check: %v", file, err)
		}
		r := az.File(t.Context(), FileRequest{Path: ar.directive("path"), Old: old, New: new, Hunks: fps[0].Hunks})
		if len(r.Hunks) != len(fps[0].Hunks) {
			t.Errorf("%s: %d results for %d hunks", file, len(r.Hunks), len(fps[0].Hunks))
		}
		for _, h := range r.Hunks {
			if h.Class == LineLevel && filepath.Base(file) != "unsupported.txtar" && !strings.HasPrefix(h.Reason, "parse error") {
				t.Errorf("%s: hunk %s line-level: %s", file, h.Hunk, h.Reason)
			}
		}
	}
}
