package run

import (
	"os"
	"path/filepath"
	"testing"
)

// TestEmptyDir: whatever a check left at its HOME or TMPDIR, the next
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
			if err := emptyDir(dir); err != nil {
				t.Fatalf("emptyDir: %v", err)
			}
			fi, err := os.Lstat(dir)
			if err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o700 {
				t.Fatalf("after emptyDir: %v, %v; want a directory of mode 0700", fi.Mode(), err)
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
