package gitx_test

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/git-proof/git-proof/internal/gittest"
)

// TestCommitTreeMatchesGit: CommitTree writes, without a git process, the
// very commit `git commit-tree` writes with the same environment and
// config (identity from the variables or from user.*/author.*/committer.*,
// git's raw dates and RFC 3339 ones, any message, up to two parents); it
// leaves to git what git would sign, re-encode, guess or clean up, and a
// tree that is not there (git's error).
func TestCommitTreeMatchesGit(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	r.Write(map[string]string{"a": "a\n"})
	c1 := r.Commit("one")
	r.Write(map[string]string{"b": "b\n"})
	c2 := r.Commit("two")
	tree := r.Git("rev-parse", "HEAD^{tree}")
	without := func(env []string, keys ...string) []string {
		var out []string
		for _, kv := range env {
			k, _, _ := strings.Cut(kv, "=")
			drop := false
			for _, d := range keys {
				drop = drop || k == d
			}
			if !drop {
				out = append(out, kv)
			}
		}
		return out
	}
	type tc struct {
		name      string
		env       []string // replaces r.Env; nil keeps it
		config    [][2]string
		msg       string
		parents   []string
		inProcess bool
	}
	cases := []tc{
		{"plain", nil, nil, "git proof run: AUTO_OK x", []string{c2}, true},
		{"root, message with newlines", nil, nil, "line 1\n\nline 3\n", nil, true},
		{"merge, unicode", nil, nil, "ünïcødé ✓", []string{c1, c2}, true},
		{"raw dates", append(without(r.Env, "GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE"), "GIT_AUTHOR_DATE=@1767323045 +0200", "GIT_COMMITTER_DATE=@1767323046 -0930"), nil, "m", []string{c1}, true},
		{"RFC 3339 with an offset", append(without(r.Env, "GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE"), "GIT_AUTHOR_DATE=2026-01-02T03:04:05+01:30", "GIT_COMMITTER_DATE=2026-01-02T03:04:05-08:00"), nil, "m", nil, true},
		{"identity from config", without(r.Env, "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"),
			[][2]string{{"user.name", "Uma User"}, {"user.email", "uma@example.com"}, {"committer.name", "Cora Committer"}}, "m", []string{c2}, true},
		{"EMAIL", append(without(r.Env, "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"), "EMAIL=env@example.com"), nil, "m", nil, true},
		{"commit.gpgSign off", nil, [][2]string{{"commit.gpgSign", "false"}}, "m", nil, true},
		{"a date git parses by itself", append(without(r.Env, "GIT_COMMITTER_DATE"), "GIT_COMMITTER_DATE=2026-01-02 03:04:05"), nil, "m", nil, false},
		{"a name git cleans up", append(without(r.Env, "GIT_AUTHOR_NAME"), "GIT_AUTHOR_NAME=Alice Example."), nil, "m", nil, false},
		{"an encoding", nil, [][2]string{{"i18n.commitEncoding", "ISO-8859-1"}}, "m", nil, false},
		{"a message that is not UTF-8", nil, nil, "caf\xe9", nil, false},
		{"a parent that is a tree", nil, nil, "m", []string{tree}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rr := gittest.New(t)
			// The same objects in a repository of the case's own (config).
			rr.Git("fetch", "-q", r.Dir, "main")
			for _, kv := range c.config {
				rr.Git("config", kv[0], kv[1])
			}
			if c.env != nil {
				rr.Env = c.env
			}
			repo, trace := openTraced(t, rr)
			got, gotErr := repo.CommitTree(ctx, tree, c.parents, c.msg)
			if n := gitCommands(t, trace)["commit-tree"]; (n == 0) != c.inProcess {
				t.Errorf("%d commit-tree processes; in process: want %v", n, c.inProcess)
			}
			args := []string{"commit-tree", tree}
			for _, p := range c.parents {
				args = append(args, "-p", p)
			}
			cmd := repo.Command(ctx, args...)
			cmd.Stdin = strings.NewReader(c.msg)
			out, wantErr := cmd.Output()
			want := strings.TrimSpace(string(out))
			if (gotErr != nil) != (wantErr != nil) || got != want {
				t.Errorf("CommitTree = %s, %v; git commit-tree %s, %v", got, gotErr, want, wantErr)
			}
		})
	}
	if _, err := r.Open().CommitTree(ctx, strings.Repeat("1", 40), nil, "m"); err == nil {
		t.Error("CommitTree of a missing tree: no error")
	}
}

// TestCommitTreeNow: without GIT_*_DATE the commit is dated now, in the
// zone git would use (this process's TZ, which git's environment shares).
func TestCommitTreeNow(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	r.Write(map[string]string{"a": "a\n"})
	r.Commit("one")
	tree := r.Git("rev-parse", "HEAD^{tree}")
	var env []string
	for _, kv := range r.Env {
		if k, _, _ := strings.Cut(kv, "="); k != "GIT_AUTHOR_DATE" && k != "GIT_COMMITTER_DATE" && k != "TZ" {
			env = append(env, kv)
		}
	}
	if tz, set := os.LookupEnv("TZ"); set {
		env = append(env, "TZ="+tz)
	}
	r.Env = env
	repo, trace := openTraced(t, r)
	before := time.Now().Unix()
	id, err := repo.CommitTree(ctx, tree, nil, "now")
	after := time.Now().Unix()
	if err != nil {
		t.Fatal(err)
	}
	if n := gitCommands(t, trace)["commit-tree"]; n != 0 {
		t.Errorf("%d commit-tree processes; want it in process", n)
	}
	_, off := time.Now().Zone()
	for _, line := range strings.Split(r.Git("cat-file", "-p", id), "\n") {
		if !strings.HasPrefix(line, "author ") && !strings.HasPrefix(line, "committer ") {
			continue
		}
		f := strings.Fields(line)
		ts, _ := strconv.ParseInt(f[len(f)-2], 10, 64)
		zone := f[len(f)-1]
		h, _ := strconv.Atoi(zone[1:3])
		m, _ := strconv.Atoi(zone[3:5])
		secs := h*3600 + m*60
		if zone[0] == '-' {
			secs = -secs
		}
		if ts < before || ts > after || secs != off {
			t.Errorf("%s: want a time in [%d, %d] in zone offset %d s", line, before, after, off)
		}
	}
}
