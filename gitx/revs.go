package gitx

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Commit is what git-proof needs to know of a commit to bind a proof to it.
type Commit struct {
	ID      string
	Tree    string
	Parents []string
	// Time is the committer time (Unix seconds).
	Time int64
	// Shallow is true when the commit sits on a shallow clone's boundary: git
	// shows it without parents although it has some, so its base is unknown.
	Shallow bool
}

// FirstParent is the base of the commit's change, "" for a root commit.
func (c *Commit) FirstParent() string {
	if len(c.Parents) == 0 {
		return ""
	}
	return c.Parents[0]
}

// ResolveCommit turns a revision into a full commit id.
func (r *Repo) ResolveCommit(ctx context.Context, rev string) (string, error) {
	if rev == "" || strings.HasPrefix(rev, "-") {
		return "", fmt.Errorf("%w: %q", ErrUnknownRevision, rev)
	}
	out, err := r.Run(ctx, "rev-parse", "--verify", "--quiet", "--end-of-options", rev+"^{commit}")
	if err != nil {
		if ExitCode(err) == 1 {
			return "", fmt.Errorf("%w: %q is not a commit here", ErrUnknownRevision, rev)
		}
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// ResolveTree returns the tree id of a revision.
func (r *Repo) ResolveTree(ctx context.Context, rev string) (string, error) {
	out, err := r.Run(ctx, "rev-parse", "--verify", "--quiet", "--end-of-options", rev+"^{tree}")
	if err != nil {
		if ExitCode(err) == 1 {
			return "", fmt.Errorf("%w: no tree for %q", ErrObjectMissing, rev)
		}
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// ListCommits lists commits with their trees and parents. Each arg is a
// revision or a range understood by git rev-list; a plain revision names one
// commit (it is not walked). Order: as given, ranges newest first.
func (r *Repo) ListCommits(ctx context.Context, args []string) ([]*Commit, error) {
	shallow, err := r.shallowSet()
	if err != nil {
		return nil, err
	}
	var out []*Commit
	seen := map[string]bool{}
	for _, a := range args {
		if a == "" || strings.HasPrefix(a, "-") {
			return nil, fmt.Errorf("%w: %q", ErrUnknownRevision, a)
		}
		walk := strings.Contains(a, "..") || strings.HasPrefix(a, "^")
		cargs := []string{"rev-list", "--no-commit-header", "--format=%H %T %ct %P"}
		if !walk {
			id, err := r.ResolveCommit(ctx, a)
			if err != nil {
				return nil, err
			}
			cargs = append(cargs, "--no-walk", id)
		} else {
			cargs = append(cargs, "--end-of-options", a)
		}
		raw, err := r.Run(ctx, cargs...)
		if err != nil {
			if ge, ok := err.(*GitError); ok && (strings.Contains(ge.Stderr, "unknown revision") || strings.Contains(ge.Stderr, "bad revision")) {
				return nil, fmt.Errorf("%w: %q", ErrUnknownRevision, a)
			}
			return nil, fmt.Errorf("list commits %q: %w", a, err)
		}
		sc := bufio.NewScanner(bytes.NewReader(raw))
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) < 3 {
				return nil, fmt.Errorf("list commits: unexpected line %q", sc.Text())
			}
			t, err := strconv.ParseInt(f[2], 10, 64)
			if err != nil {
				return nil, fmt.Errorf("list commits: unexpected line %q", sc.Text())
			}
			if seen[f[0]] {
				continue
			}
			seen[f[0]] = true
			out = append(out, &Commit{ID: f[0], Tree: f[1], Time: t, Parents: f[3:], Shallow: shallow[f[0]]})
		}
	}
	return out, nil
}

// CommitInfo reads one commit.
func (r *Repo) CommitInfo(ctx context.Context, rev string) (*Commit, error) {
	cs, err := r.ListCommits(ctx, []string{rev})
	if err != nil {
		return nil, err
	}
	if len(cs) != 1 {
		return nil, fmt.Errorf("%w: %q", ErrUnknownRevision, rev)
	}
	return cs[0], nil
}

// CommitObject turns a commit ReadObjects read into a Commit, shown as
// ListCommits shows it: a commit on a shallow clone's boundary has no
// parents (git grafts them away). It saves a rev-list where the caller
// reads other objects in the same cat-file process.
func (r *Repo) CommitObject(o *Object) (*Commit, error) {
	if o == nil || o.Missing || o.Type != "commit" || o.Data == nil {
		return nil, fmt.Errorf("%w: %q is not a commit that was read", ErrUnknownRevision, nameOf(o))
	}
	c, err := ParseCommit(o.ID, o.Data)
	if err != nil {
		return nil, err
	}
	shallow, err := r.shallowSet()
	if err != nil {
		return nil, err
	}
	if shallow[c.ID] {
		c.Parents, c.Shallow = nil, true
	}
	return c, nil
}

func nameOf(o *Object) string {
	if o == nil {
		return ""
	}
	return o.Name
}

// ParseCommit reads the tree, parents and committer time from a raw commit
// object (the header, up to the first empty line).
func ParseCommit(id string, data []byte) (*Commit, error) {
	c := &Commit{ID: id}
	committer := false
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if len(line) == 0 {
			break
		}
		key, val, _ := strings.Cut(string(line), " ")
		switch key {
		case "tree":
			c.Tree = val
		case "parent":
			c.Parents = append(c.Parents, val)
		case "committer":
			// "Name <email> 1700000000 +0000": the time is the
			// second field from the end.
			f := strings.Fields(val[strings.LastIndexByte(val, '>')+1:])
			if len(f) != 2 {
				return nil, fmt.Errorf("commit %s: unreadable committer line %q", id, line)
			}
			t, err := strconv.ParseInt(f[0], 10, 64)
			if err != nil {
				return nil, fmt.Errorf("commit %s: unreadable committer time in %q", id, line)
			}
			c.Time, committer = t, true
		}
	}
	if c.Tree == "" || !committer {
		return nil, fmt.Errorf("commit %s: no tree or committer line", id)
	}
	return c, nil
}

// IsShallow reports whether the repository is a shallow clone.
func (r *Repo) shallowSet() (map[string]bool, error) {
	b, err := os.ReadFile(filepath.Join(r.commonDir, "shallow"))
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read shallow file: %w", err)
	}
	set := map[string]bool{}
	for _, l := range strings.Fields(string(b)) {
		set[l] = true
	}
	return set, nil
}

// TreesOf returns the tree of each commit id given (one git process).
func (r *Repo) TreesOf(ctx context.Context, ids []string) (map[string]string, error) {
	res := make(map[string]string, len(ids))
	if len(ids) == 0 {
		return res, nil
	}
	var in bytes.Buffer
	for _, id := range ids {
		in.WriteString(id + "^{tree}\n")
	}
	out, err := r.RunInput(ctx, &in, "cat-file", "--batch-check=%(objectname) %(objecttype)")
	if err != nil {
		return nil, err
	}
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(lines) != len(ids) {
		return nil, fmt.Errorf("trees of commits: got %d answers for %d commits", len(lines), len(ids))
	}
	for i, l := range lines {
		f := strings.Fields(l)
		if len(f) != 2 || f[1] != "tree" {
			return nil, fmt.Errorf("%w: commit %s (%s)", ErrObjectMissing, ids[i], l)
		}
		res[ids[i]] = f[0]
	}
	return res, nil
}
