package hooks

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/git-proof/git-proof/gitx"
	"github.com/git-proof/git-proof/notes"
)

// PrePush decides a push on the pushing side (git's pre-push hook, with
// the remote's name or URL and its URL as arguments). It checks, with the
// local trust and policy, every commit the push sends to a protected ref.
// `git push --no-verify` skips it: the server's pre-receive is the gate
// that counts; this one saves a round trip.
func (g *Gate) PrePush(ctx context.Context, remote string, in io.Reader, out io.Writer) ([]*Verdict, error) {
	ups, err := ParsePrePush(in, len(g.Repo.ZeroID()))
	if err != nil {
		fmt.Fprintf(out, "git-proof: refusing the push: %v\n", err)
		return nil, err
	}
	zero := g.Repo.ZeroID()
	remotes, err := g.Repo.Remotes(ctx)
	if err != nil {
		return nil, g.internal(out, err)
	}
	isRemote := false
	for _, r := range remotes {
		if r == remote {
			isRemote = true
		}
	}
	pushesNotes := false
	var verdicts []*Verdict
	refused := false
	for _, u := range ups {
		v := &Verdict{Ref: u.RemoteRef, Old: u.RemoteID, New: u.LocalID, OK: true}
		verdicts = append(verdicts, v)
		switch {
		case u.RemoteRef == notes.Ref:
			pushesNotes = true
			v.Skipped = "notes"
			continue
		case u.LocalRef == "(delete)" || u.LocalID == zero:
			v.Skipped = "deletion"
			continue
		case !g.Config.Protected(u.RemoteRef):
			v.Skipped = "not protected"
			continue
		}
		v.Rule = g.Config.RequireFor(u.RemoteRef)
		commits, err := g.outgoing(ctx, u, remote, isRemote)
		if err != nil {
			return nil, g.internal(out, fmt.Errorf("%s: list commits to push: %w", u.RemoteRef, err))
		}
		v.Checked = len(commits)
		if len(commits) == 0 {
			continue
		}
		results, err := g.verify(ctx, commits, u.RemoteRef, v.Rule, "")
		if err != nil {
			return nil, g.internal(out, fmt.Errorf("%s: verify: %w", u.RemoteRef, err))
		}
		v.PolicySHA256 = g.Policy.Digest()
		for _, r := range results {
			if !r.OK {
				v.OK = false
				v.Commits = append(v.Commits, r)
			}
		}
		if !v.OK {
			refused = true
			v.Reason = fmt.Sprintf("%d of %d commits to push lack a valid proof that passes your policy", len(v.Commits), len(commits))
		}
	}
	g.report(out, verdicts)
	checked := 0
	for _, v := range verdicts {
		checked += v.Checked
	}
	if !refused && checked > 0 && !pushesNotes {
		fmt.Fprintf(out, "git-proof: this push does not carry refs/notes/proof; a server that checks proofs needs them: use `git proof push`\n")
	}
	if refused {
		fmt.Fprintf(out, "git-proof: (git push --no-verify skips this check; a server with the git-proof hook still refuses)\n")
		return verdicts, ErrRefused
	}
	return verdicts, nil
}

// outgoing lists the commits a push update sends that the remote lacks:
// local ^remote when the remote's value is known here, else everything not
// on the remote's tracking refs (on any remote's, when pushing to a URL).
func (g *Gate) outgoing(ctx context.Context, u PushUpdate, remote string, isRemote bool) ([]*gitx.Commit, error) {
	var stdin bytes.Buffer
	stdin.WriteString(u.LocalID + "\n")
	args := []string{"rev-list", "--no-commit-header", "--format=%H %T %P", "--stdin"}
	known := false
	if u.RemoteID != g.Repo.ZeroID() {
		if _, err := g.Repo.Run(ctx, "cat-file", "-e", u.RemoteID+"^{commit}"); err == nil {
			known = true
			stdin.WriteString("^" + u.RemoteID + "\n")
		}
	}
	if !known {
		if isRemote {
			args = append(args, "--not", "--remotes="+remote)
		} else {
			args = append(args, "--not", "--remotes")
		}
	}
	if g.Config.Since != "" {
		stdin.WriteString("^" + g.Config.Since + "\n")
	}
	out, err := g.Repo.RunInput(ctx, &stdin, args...)
	if err != nil {
		return nil, err
	}
	var commits []*gitx.Commit
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 {
			commits = append(commits, &gitx.Commit{ID: f[0], Tree: f[1], Parents: f[2:]})
		}
	}
	return commits, nil
}
