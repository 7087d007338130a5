package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "a", "b", "f")
	for _, content := range []string{"first", "second, longer", ""} {
		if err := Write(name, []byte(content)); err != nil {
			t.Fatal(err)
		}
		if b, err := os.ReadFile(name); err != nil || string(b) != content {
			t.Errorf("after Write(%q): %q, %v", content, b, err)
		}
	}
	// Only the file is left: no temporary files.
	if ents, _ := os.ReadDir(filepath.Dir(name)); len(ents) != 1 {
		t.Errorf("directory holds %d entries; want 1", len(ents))
	}
	// A directory in the way: an error, and the directory stays.
	blocked := filepath.Join(dir, "blocked")
	if err := os.MkdirAll(filepath.Join(blocked, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Write(blocked, []byte("x")); err == nil {
		t.Error("Write over a non-empty directory: no error")
	}
	if fi, err := os.Stat(blocked); err != nil || !fi.IsDir() {
		t.Errorf("the directory in the way: %v, %v", fi, err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 2 {
		t.Errorf("a failed Write left files: %d entries in %s", len(ents), dir)
	}
}
