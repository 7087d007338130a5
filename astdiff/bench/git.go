package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"github.com/git-proof/git-proof/astdiff"
)

// repo is a throwaway git repository driven by the git CLI.
type repo struct{ dir string }

func (r repo) git(ctx context.Context, stdin io.Reader, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = r.dir
	cmd.Stdin = stdin
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+r.dir, "LC_ALL=C",
		"GIT_AUTHOR_NAME=bench", "GIT_AUTHOR_EMAIL=bench@example.com", "GIT_AUTHOR_DATE=2026-01-01T00:00:00Z",
		"GIT_COMMITTER_NAME=bench", "GIT_COMMITTER_EMAIL=bench@example.com", "GIT_COMMITTER_DATE=2026-01-01T00:00:00Z")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 1 && len(args) > 0 && args[0] == "diff" {
			return out, nil
		}
		return out, fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, stderr.String())
	}
	return out, nil
}

// commitTree commits the files of dir as the repository's next commit.
func (r repo) commitTree(ctx context.Context, dir, msg string) (string, error) {
	if _, err := r.git(ctx, nil, "--work-tree="+dir, "add", "-A", "."); err != nil {
		return "", err
	}
	if _, err := r.git(ctx, nil, "--work-tree="+dir, "commit", "-q", "--allow-empty", "-m", msg); err != nil {
		return "", err
	}
	out, err := r.git(ctx, nil, "rev-parse", "HEAD")
	return strings.TrimSpace(string(out)), err
}

// readBlobs reads the old and new blob of every file through one
// `git cat-file --batch`: blobs[2i] and blobs[2i+1].
func readBlobs(ctx context.Context, r repo, base, head string, files []astdiff.FilePatch) ([][]byte, error) {
	var in bytes.Buffer
	for _, f := range files {
		for _, side := range []struct{ rev, path string }{{base, f.OldPath}, {head, f.NewPath}} {
			if side.path == "" {
				in.WriteString("missing-empty-side\n")
			} else {
				in.WriteString(side.rev + ":" + side.path + "\n")
			}
		}
	}
	out, err := r.git(ctx, &in, "cat-file", "--batch")
	if err != nil {
		return nil, err
	}
	br := bufio.NewReader(bytes.NewReader(out))
	var blobs [][]byte
	for range 2 * len(files) {
		hdr, err := br.ReadString('\n')
		if err != nil {
			return nil, fmt.Errorf("cat-file: %w", err)
		}
		f := strings.Fields(hdr)
		if len(f) == 2 && f[1] == "missing" {
			blobs = append(blobs, nil)
			continue
		}
		if len(f) != 3 {
			return nil, fmt.Errorf("cat-file: header %q", hdr)
		}
		n, err := strconv.Atoi(f[2])
		if err != nil {
			return nil, fmt.Errorf("cat-file: header %q", hdr)
		}
		b := make([]byte, n+1)
		if _, err := io.ReadFull(br, b); err != nil {
			return nil, fmt.Errorf("cat-file: %w", err)
		}
		blobs = append(blobs, b[:n])
	}
	return blobs, nil
}
