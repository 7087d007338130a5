package gitx

import (
	"compress/zlib"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestLooseStoreSettings: the settings under which git, not git-proof,
// writes new objects, and the compression level taken from git's.
func TestLooseStoreSettings(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		config    [][2]string
		inProcess bool
		level     int
	}{
		{nil, true, zlib.BestSpeed},
		{[][2]string{{"core.sharedRepository", "false"}}, true, zlib.BestSpeed},
		{[][2]string{{"core.sharedRepository", "umask"}}, true, zlib.BestSpeed},
		{[][2]string{{"core.sharedRepository", "group"}}, false, 0},
		{[][2]string{{"core.sharedRepository", "0660"}}, false, 0},
		{[][2]string{{"core.fsync", "loose-object"}}, false, 0},
		{[][2]string{{"core.fsyncObjectFiles", "true"}}, false, 0},
		{[][2]string{{"extensions.compatObjectFormat", "sha256"}}, false, 0},
		{[][2]string{{"core.compression", "9"}}, true, 9},
		{[][2]string{{"core.compression", "9"}, {"core.looseCompression", "0"}}, true, 0},
		{[][2]string{{"core.looseCompression", "-1"}}, true, -1},
	}
	for _, tc := range tests {
		dir := filepath.Join(t.TempDir(), "repo")
		env := append(os.Environ(), "GIT_CONFIG_GLOBAL="+os.DevNull, "GIT_CONFIG_NOSYSTEM=1")
		git := func(args ...string) {
			cmd := exec.Command("git", args...)
			cmd.Env = env
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("git %v: %v\n%s", args, err, out)
			}
		}
		git("init", "-q", dir)
		for _, kv := range tc.config {
			git("-C", dir, "config", kv[0], kv[1])
		}
		r, err := Open(ctx, dir, env)
		if err != nil {
			t.Fatal(err)
		}
		if want := filepath.Join(dir, ".git", "objects"); r.objectsDir != want {
			t.Errorf("objects directory %q; want %q", r.objectsDir, want)
		}
		ls := r.looseStore(ctx)
		if (ls != nil) != tc.inProcess {
			t.Errorf("%v: in process %v; want %v", tc.config, ls != nil, tc.inProcess)
			continue
		}
		if ls != nil && ls.level != tc.level {
			t.Errorf("%v: level %d; want %d", tc.config, ls.level, tc.level)
		}
	}
	// GIT_OBJECT_DIRECTORY is where git, and so git-proof, writes.
	dir := filepath.Join(t.TempDir(), "repo")
	alt := filepath.Join(t.TempDir(), "objects")
	cmd := exec.Command("git", "init", "-q", dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if err := os.MkdirAll(filepath.Join(alt, "pack"), 0o755); err != nil {
		t.Fatal(err)
	}
	r, err := Open(ctx, dir, append(os.Environ(), "GIT_OBJECT_DIRECTORY="+alt))
	if err != nil {
		t.Fatal(err)
	}
	if r.objectsDir != alt {
		t.Errorf("with GIT_OBJECT_DIRECTORY: objects directory %q; want %q", r.objectsDir, alt)
	}
}
