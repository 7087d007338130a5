package run

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestEmptyDir: resetDir with no skeleton; whatever a check left at its HOME or TMPDIR, the next
// check gets an empty directory of mode 0700, and nothing outside it is
// touched (a symlink is removed, not followed).
func TestEmptyDir(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir, outside string)
	}{
		{"missing", func(t *testing.T, dir, outside string) {}},
		{"empty", func(t *testing.T, dir, outside string) { mkdir(t, dir, 0o700) }},
		{"files and directories", func(t *testing.T, dir, outside string) {
			mkdir(t, filepath.Join(dir, ".config", "go"), 0o755)
			write(t, filepath.Join(dir, ".config", "go", "env"), "x")
			write(t, filepath.Join(dir, "f"), "x")
		}},
		{"read-only directory inside (Go's module cache)", func(t *testing.T, dir, outside string) {
			mkdir(t, filepath.Join(dir, "mod", "pkg"), 0o755)
			write(t, filepath.Join(dir, "mod", "pkg", "f.go"), "x")
			chmod(t, filepath.Join(dir, "mod", "pkg"), 0o555)
			chmod(t, filepath.Join(dir, "mod"), 0o555)
		}},
		{"read-only itself", func(t *testing.T, dir, outside string) {
			mkdir(t, dir, 0o700)
			write(t, filepath.Join(dir, "f"), "x")
			chmod(t, dir, 0o500)
		}},
		{"open to others", func(t *testing.T, dir, outside string) { mkdir(t, dir, 0o777) }},
		{"symlink to a directory", func(t *testing.T, dir, outside string) {
			if err := os.Symlink(outside, dir); err != nil {
				t.Fatal(err)
			}
		}},
		{"a file", func(t *testing.T, dir, outside string) { write(t, dir, "x") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			dir, outside := filepath.Join(root, "home"), filepath.Join(root, "outside")
			mkdir(t, outside, 0o700)
			write(t, filepath.Join(outside, "keep"), "x")
			tt.setup(t, dir, outside)
			if err := resetDir(dir, nil); err != nil {
				t.Fatalf("resetDir: %v", err)
			}
			fi, err := os.Lstat(dir)
			if err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o700 {
				t.Fatalf("after resetDir: %v, %v; want a directory of mode 0700", fi.Mode(), err)
			}
			if names, _ := readDirNames(dir); len(names) != 0 {
				t.Errorf("left %q", names)
			}
			if _, err := os.Stat(filepath.Join(outside, "keep")); err != nil {
				t.Errorf("a file outside was touched: %v", err)
			}
		})
	}
}

// TestResetScratch: whatever a check did to its HOME and TMPDIR, the next
// check gets exactly the skeleton (Go's telemetry off, an empty tmp), and
// what was already right is kept, not made again.
func TestResetScratch(t *testing.T) {
	const want = `.config d700
.config/go d700
.config/go/telemetry d700
.config/go/telemetry/mode f600 off
tmp d700
`
	tests := []struct {
		name  string
		setup func(t *testing.T, home string)
		// kept: the mode file was left as it was, not made again.
		kept bool
	}{
		{"missing", func(t *testing.T, home string) { os.RemoveAll(home) }, false},
		{"as it should be", func(t *testing.T, home string) {}, true},
		{"files beside it", func(t *testing.T, home string) {
			write(t, filepath.Join(home, "f"), "x")
			write(t, filepath.Join(home, "tmp", "t"), "x")
			write(t, filepath.Join(home, ".config", "go", "env"), "GOFLAGS=-mod=mod")
			mkdir(t, filepath.Join(home, ".config", "go", "telemetry", "local"), 0o700)
			mkdir(t, filepath.Join(home, ".cache", "x"), 0o555)
		}, true},
		{"telemetry on", func(t *testing.T, home string) {
			write(t, filepath.Join(home, ".config", "go", "telemetry", "mode"), "on")
		}, false},
		{"mode with a newline", func(t *testing.T, home string) {
			write(t, filepath.Join(home, ".config", "go", "telemetry", "mode"), "of\n")
		}, false},
		{"mode open to others", func(t *testing.T, home string) {
			chmod(t, filepath.Join(home, ".config", "go", "telemetry", "mode"), 0o644)
		}, false},
		{"mode a symlink", func(t *testing.T, home string) {
			p := filepath.Join(home, ".config", "go", "telemetry", "mode")
			os.Remove(p)
			write(t, filepath.Join(home, "off"), "off")
			if err := os.Symlink(filepath.Join(home, "off"), p); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"mode a directory", func(t *testing.T, home string) {
			p := filepath.Join(home, ".config", "go", "telemetry", "mode")
			os.Remove(p)
			mkdir(t, p, 0o700)
		}, false},
		{".config a file", func(t *testing.T, home string) {
			os.RemoveAll(filepath.Join(home, ".config"))
			write(t, filepath.Join(home, ".config"), "x")
		}, false},
		{"read-only directories", func(t *testing.T, home string) {
			chmod(t, filepath.Join(home, ".config", "go"), 0o500)
			chmod(t, home, 0o500)
		}, true},
		{"tmp a symlink", func(t *testing.T, home string) {
			os.RemoveAll(filepath.Join(home, "tmp"))
			if err := os.Symlink("/", filepath.Join(home, "tmp")); err != nil {
				t.Fatal(err)
			}
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := filepath.Join(t.TempDir(), "home")
			tmp := filepath.Join(home, "tmp")
			if err := resetScratch(home, tmp); err != nil {
				t.Fatal(err)
			}
			// Inode numbers are reused at once (tmpfs): an old
			// modification time tells the file kept.
			mode, old := filepath.Join(home, ".config", "go", "telemetry", "mode"), time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
			if err := os.Chtimes(mode, old, old); err != nil {
				t.Fatal(err)
			}
			tt.setup(t, home)
			if err := resetScratch(home, tmp); err != nil {
				t.Fatalf("resetScratch: %v", err)
			}
			if got := listTree(t, home); got != want {
				t.Errorf("HOME after resetScratch:\n%s\nwant\n%s", got, want)
			}
			fi, err := os.Lstat(mode)
			if kept := err == nil && fi.ModTime().Equal(old); kept != tt.kept {
				t.Errorf("mode file kept: %v; want %v", kept, tt.kept)
			}
		})
	}
}

// TestResetScratchTmpElsewhere: a TMPDIR outside HOME is emptied, and
// HOME holds no tmp.
func TestResetScratchTmpElsewhere(t *testing.T) {
	root := t.TempDir()
	home, tmp := filepath.Join(root, "home"), filepath.Join(root, "tmp")
	mkdir(t, filepath.Join(home, "tmp"), 0o700)
	mkdir(t, tmp, 0o755)
	write(t, filepath.Join(tmp, "left"), "x")
	if err := resetScratch(home, tmp); err != nil {
		t.Fatal(err)
	}
	if got := listTree(t, home); strings.Contains(got, "tmp") || !strings.Contains(got, "mode f600 off") {
		t.Errorf("HOME:\n%s", got)
	}
	if got := listTree(t, tmp); got != "" {
		t.Errorf("TMPDIR not emptied:\n%s", got)
	}
}

// listTree lists what is under dir, one line per entry: path, type and
// mode, a file's content.
func listTree(t *testing.T, dir string) string {
	t.Helper()
	var lines []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		switch {
		case fi.IsDir():
			lines = append(lines, fmt.Sprintf("%s d%o", rel, fi.Mode().Perm()))
		case fi.Mode().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			lines = append(lines, fmt.Sprintf("%s f%o %s", rel, fi.Mode().Perm(), b))
		default:
			lines = append(lines, fmt.Sprintf("%s %v", rel, fi.Mode()))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(lines)
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "\n") + "\n"
}

func mkdir(t *testing.T, dir string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	chmod(t, dir, mode)
}

func chmod(t *testing.T, p string, mode os.FileMode) {
	t.Helper()
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	// t.TempDir's cleanup must be able to remove it.
	t.Cleanup(func() { _ = os.Chmod(p, 0o700) })
}

func write(t *testing.T, p, s string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}
