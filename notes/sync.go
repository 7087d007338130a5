package notes

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/git-proof/git-proof/gitx"
)

// RemoteRef is where a remote's proofs are fetched to; the local Ref is
// only ever updated by merging from it.
func RemoteRef(remote string) string { return "refs/notes/remotes/" + remote + "/proof" }

// Sync errors, each with what to do.
var (
	// ErrPushRejected: the remote refused the push (its hook, or a branch
	// that is not a fast-forward); git's message says why.
	ErrPushRejected = errors.New("push rejected")
	// ErrNotesRace: other pushers kept moving the remote's proofs; try
	// again.
	ErrNotesRace = errors.New("the remote's refs/notes/proof kept moving")
)

// PushOptions configure Push.
type PushOptions struct {
	Remote   string   // "" = the current branch's push remote, else origin
	Refspecs []string // nil = the current branch
	// Attempts bounds how often a push is retried after merging the
	// remote's proofs; 0 means 5.
	Attempts int
	// Stderr receives git's messages (the remote's hook output among them).
	Stderr io.Writer
}

// PushResult says what a push did.
type PushResult struct {
	Remote   string
	Refspecs []string
	Attempts int
	Merged   int // how often the remote's proofs were merged in
}

// Push pushes the refspecs and refs/notes/proof to the remote in one
// `git push --atomic`, so a server never takes a branch without its
// proofs. When only the notes ref was refused as not a fast-forward
// (someone pushed proofs meanwhile), it fetches the remote's proofs,
// merges them with cat_sort_uniq and tries again. It never forces the
// notes ref.
func Push(ctx context.Context, repo *gitx.Repo, opts PushOptions) (*PushResult, error) {
	var err error
	res := &PushResult{Remote: opts.Remote, Refspecs: opts.Refspecs}
	if res.Remote == "" {
		if res.Remote, err = pushRemote(ctx, repo); err != nil {
			return nil, err
		}
	}
	if len(res.Refspecs) == 0 {
		b, err := repo.Run(ctx, "symbolic-ref", "-q", "--short", "HEAD")
		if err != nil {
			return nil, errors.New("HEAD is detached: name what to push, e.g. git proof push origin HEAD:refs/heads/main")
		}
		res.Refspecs = []string{strings.TrimSpace(string(b))}
	}
	tip, err := repo.RefValue(ctx, Ref)
	if err != nil {
		return nil, err
	}
	if tip == "" {
		return nil, errors.New("there are no proofs to push (refs/notes/proof does not exist): run `git proof run` first")
	}
	attempts := opts.Attempts
	if attempts <= 0 {
		attempts = 5
	}
	stderr := opts.Stderr
	if stderr == nil {
		stderr = io.Discard
	}
	for res.Attempts < attempts {
		res.Attempts++
		args := append([]string{"push", "--atomic", "--porcelain", res.Remote}, res.Refspecs...)
		args = append(args, Ref+":"+Ref)
		cmd := repo.Command(ctx, args...)
		var stdout, errCopy bytes.Buffer
		cmd.Stdout = &stdout
		cmd.Stderr = io.MultiWriter(stderr, &errCopy)
		runErr := cmd.Run()
		if runErr == nil {
			return res, nil
		}
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		lines := porcelain(stdout.String())
		notesLine, otherRejected := "", []string{}
		for _, l := range lines {
			if l.flag != '!' {
				continue
			}
			if l.to == Ref {
				notesLine = l.summary
			} else if !strings.Contains(l.summary, "atomic") {
				otherRejected = append(otherRejected, l.to+" "+l.summary)
			}
		}
		// The remote's proofs moved on: before the push (the client sees
		// a non-fast-forward), or while it ran (the server's pre-receive
		// passed, then its ref lock found another pusher's proofs).
		notesBehind := strings.Contains(notesLine, "fetch first") || strings.Contains(notesLine, "non-fast-forward") ||
			(notesLine != "" && strings.Contains(errCopy.String(), "cannot lock ref '"+Ref+"'"))
		if !notesBehind || len(otherRejected) > 0 {
			why := strings.Join(otherRejected, "; ")
			if why == "" {
				why = strings.TrimSpace(stdout.String())
			}
			return res, fmt.Errorf("%w: %s", ErrPushRejected, why)
		}
		if err := Fetch(ctx, repo, res.Remote); err != nil {
			return res, err
		}
		res.Merged++
	}
	return res, fmt.Errorf("%w after %d attempts: run git proof push again", ErrNotesRace, res.Attempts)
}

type porcelainLine struct {
	flag     byte
	from, to string
	summary  string
}

// porcelain parses `git push --porcelain` output: "<flag>\t<from>:<to>\t<summary>".
func porcelain(out string) []porcelainLine {
	var res []porcelainLine
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		f := strings.SplitN(sc.Text(), "\t", 3)
		if len(f) < 3 || len(f[0]) != 1 {
			continue
		}
		from, to, _ := strings.Cut(f[1], ":")
		res = append(res, porcelainLine{flag: f[0][0], from: from, to: to, summary: f[2]})
	}
	return res
}

// Fetch brings the remote's proofs to RemoteRef(remote) and merges them
// into refs/notes/proof with cat_sort_uniq (a set union of record lines),
// never overwriting local proofs.
func Fetch(ctx context.Context, repo *gitx.Repo, remote string) error {
	if remote == "" {
		var err error
		if remote, err = pushRemote(ctx, repo); err != nil {
			return err
		}
	}
	if _, err := repo.Run(ctx, "fetch", "--quiet", "--no-tags", remote, "+"+Ref+":"+RemoteRef(remote)); err != nil {
		var ge *gitx.GitError
		if errors.As(err, &ge) && strings.Contains(ge.Stderr, "couldn't find remote ref") {
			return nil // the remote has no proofs yet
		}
		return fmt.Errorf("fetch proofs from %s: %w", remote, err)
	}
	theirs, err := repo.RefValue(ctx, RemoteRef(remote))
	if err != nil || theirs == "" {
		return err
	}
	ours, err := repo.RefValue(ctx, Ref)
	if err != nil {
		return err
	}
	if ours == "" {
		if err := repo.UpdateRef(ctx, Ref, theirs, "", "git proof fetch: proofs of "+remote); err != nil {
			return fmt.Errorf("take %s's proofs: %w", remote, err)
		}
		return nil
	}
	if _, err := repo.Run(ctx, "notes", "--ref="+Ref, "merge", "--quiet", "--strategy=cat_sort_uniq", RemoteRef(remote)); err != nil {
		return fmt.Errorf("merge %s's proofs: %w", remote, err)
	}
	return nil
}

// pushRemote is where a bare `git proof push` goes: the current branch's
// push remote, remote.pushDefault, the branch's remote, else origin.
func pushRemote(ctx context.Context, repo *gitx.Repo) (string, error) {
	if b, err := repo.Run(ctx, "symbolic-ref", "-q", "--short", "HEAD"); err == nil {
		branch := strings.TrimSpace(string(b))
		for _, k := range []string{"branch." + branch + ".pushRemote", "remote.pushDefault", "branch." + branch + ".remote"} {
			if v, ok, err := repo.ConfigGet(ctx, k); err != nil {
				return "", err
			} else if ok && v != "" && v != "." {
				return v, nil
			}
		}
	}
	remotes, err := repo.Remotes(ctx)
	if err != nil {
		return "", err
	}
	for _, r := range remotes {
		if r == "origin" {
			return r, nil
		}
	}
	if len(remotes) == 1 {
		return remotes[0], nil
	}
	return "", errors.New("no remote to use: name one, e.g. git proof push origin")
}
