package gitx

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/git-proof/git-proof/internal/atomicfile"
)

// Version is what `git version` says, without its "git version " prefix.
// The answer is kept in the repository's git-proof folder for the git
// binary that gave it (its path, size and modification time): a
// run records it, and asking git costs a process each time.
func (r *Repo) Version(ctx context.Context) (string, error) {
	key := gitBinaryKey()
	file := ""
	if r.commonDir != "" && key != "" {
		file = filepath.Join(r.commonDir, "git-proof", "git-version")
		if b, err := os.ReadFile(file); err == nil {
			if k, v, ok := strings.Cut(string(b), "\n"); ok && k == key && v != "" && !strings.ContainsRune(v, '\n') {
				return v, nil
			}
		}
	}
	out, err := r.Run(ctx, "version")
	if err != nil {
		return "", fmt.Errorf("git version: %w", err)
	}
	v := strings.TrimPrefix(strings.TrimSpace(string(out)), "git version ")
	if file != "" && v != "" && !strings.ContainsRune(v, '\n') {
		// Best effort: a failed write only means asking again next time.
		_ = atomicfile.Write(file, []byte(key+"\n"+v))
	}
	return v, nil
}

// gitBinaryKey identifies the git that Command runs (found on this
// process's PATH, as os/exec finds it); "" when it cannot be told.
func gitBinaryKey() string {
	p, err := exec.LookPath("git")
	if err != nil {
		return ""
	}
	if abs, err := filepath.Abs(p); err == nil {
		p = abs
	}
	fi, err := os.Stat(p)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("%q %d %d", p, fi.Size(), fi.ModTime().UnixNano())
}
