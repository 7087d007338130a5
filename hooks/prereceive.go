package hooks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"github.com/git-proof/git-proof/gitx"
	"github.com/git-proof/git-proof/notes"
	"github.com/git-proof/git-proof/policy"
	"github.com/git-proof/git-proof/proofpack"
	"github.com/git-proof/git-proof/sign"
	"github.com/git-proof/git-proof/verify"
)

// ErrRefused is returned when the gate refuses a push; the reasons were
// written to the hook's output.
var ErrRefused = errors.New("push refused by git-proof")

// Gate is what a hook decides with: the configuration and trust of the
// repository the hook runs in. Build it once per hook run.
type Gate struct {
	Repo           *gitx.Repo
	Config         *Config
	AllowedSigners *sign.AllowedSigners // nil: no one is trusted, every protected update is refused
	Policy         *policy.Engine
	// Context is the policy input's context: "pre-receive" or "pre-push".
	Context string
}

// Verdict is the gate's decision on one ref update.
type Verdict struct {
	Ref          string                 `json:"ref"`
	Old          string                 `json:"old"`
	New          string                 `json:"new"`
	OK           bool                   `json:"ok"`
	Reason       string                 `json:"reason,omitempty"`
	Commits      []*verify.CommitResult `json:"commits,omitempty"`
	Skipped      string                 `json:"skipped,omitempty"` // why the update was not gated
	Checked      int                    `json:"checked"`
	Rule         string                 `json:"rule,omitempty"`
	PolicySHA256 string                 `json:"policySha256,omitempty"`
}

// PreReceive decides a push on the receiving side. It reads all of in
// (git's pre-receive stdin), writes what it decided to out (git shows it
// to the pusher with a "remote:" prefix) and returns ErrRefused, or
// another error, when the push must be refused. Objects of the push are
// read through git, so the quarantine is honoured.
func (g *Gate) PreReceive(ctx context.Context, in io.Reader, out io.Writer) ([]*Verdict, error) {
	ups, err := ParsePreReceive(in, len(g.Repo.ZeroID()))
	if err != nil {
		fmt.Fprintf(out, "git-proof: refusing the push: %v\n", err)
		return nil, err
	}
	zero := g.Repo.ZeroID()
	notesTip, err := g.Repo.RefValue(ctx, notes.Ref)
	if err != nil {
		return nil, g.internal(out, fmt.Errorf("read %s: %w", notes.Ref, err))
	}
	var verdicts []*Verdict
	refused := false
	for _, u := range ups {
		if u.Ref != notes.Ref {
			continue
		}
		v := &Verdict{Ref: u.Ref, Old: u.Old, New: u.New, OK: true}
		if reason, err := g.checkNotesUpdate(ctx, u); err != nil {
			return nil, g.internal(out, err)
		} else if reason != "" {
			v.OK, v.Reason, refused = false, reason, true
		} else {
			notesTip = u.New
		}
		verdicts = append(verdicts, v)
	}
	for _, u := range ups {
		if u.Ref == notes.Ref {
			continue
		}
		v := &Verdict{Ref: u.Ref, Old: u.Old, New: u.New, OK: true}
		verdicts = append(verdicts, v)
		switch {
		case !g.Config.Protected(u.Ref):
			v.Skipped = "not protected"
			continue
		case u.New == zero:
			v.Skipped = "deletion"
			continue
		}
		v.Rule = g.Config.RequireFor(u.Ref)
		commits, err := g.newCommits(ctx, u, v.Rule)
		if err != nil {
			return nil, g.internal(out, fmt.Errorf("%s: list new commits: %w", u.Ref, err))
		}
		v.Checked = len(commits)
		if len(commits) == 0 {
			continue
		}
		results, err := g.verify(ctx, commits, u.Ref, v.Rule, notesTip)
		if err != nil {
			return nil, g.internal(out, fmt.Errorf("%s: verify: %w", u.Ref, err))
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
			v.Reason = fmt.Sprintf("%d of %d new commits lack a valid proof that passes this server's policy", len(v.Commits), len(commits))
		}
	}
	g.report(out, verdicts)
	if refused {
		return verdicts, ErrRefused
	}
	return verdicts, nil
}

// checkNotesUpdate enforces that proofs are append-only: refs/notes/proof
// is never deleted or rewound, and no record it holds is removed or
// changed. It returns a reason to refuse, or "".
func (g *Gate) checkNotesUpdate(ctx context.Context, u RefUpdate) (string, error) {
	zero := g.Repo.ZeroID()
	switch {
	case u.New == zero:
		return "deleting refs/notes/proof is not allowed: proofs are append-only", nil
	case u.Old == zero:
		return "", nil
	}
	if _, err := g.Repo.Run(ctx, "merge-base", "--is-ancestor", u.Old, u.New); err != nil {
		if gitx.ExitCode(err) == 1 {
			return "refs/notes/proof must fast-forward (proofs are append-only): run `git proof fetch` to merge the server's proofs, then `git proof push`", nil
		}
		return "", fmt.Errorf("refs/notes/proof: %w", err)
	}
	// A fast-forward can still drop or edit notes. Only the notes the
	// push touched can have changed: diff the two notes commits (cost grows
	// with the push, not with the notes on the server), then compare those
	// objects' whole notes, read as git reads them (all fanout paths), so
	// a note that git merely moved to another fanout is unchanged.
	touched, err := g.touchedNotes(ctx, u.Old, u.New)
	if err != nil {
		return "", err
	}
	if len(touched) == 0 {
		return "", nil
	}
	store := notes.New(g.Repo, notes.Ref, 0)
	before, err := store.Read(ctx, u.Old, touched)
	if err != nil {
		return "", err
	}
	after, err := store.Read(ctx, u.New, touched)
	if err != nil {
		return "", err
	}
	for _, obj := range touched {
		if before[obj] == nil {
			continue // a new note
		}
		if after[obj] == nil {
			return fmt.Sprintf("refs/notes/proof: the push removes the proof note of %s (proofs are append-only)", short(obj)), nil
		}
		if missing := missingRecord(before[obj], after[obj]); missing != "" {
			return fmt.Sprintf("refs/notes/proof: the push removes or changes a record in the note of %s (%s); proofs are append-only", short(obj), missing), nil
		}
	}
	return "", nil
}

// touchedNotes lists the objects whose note entries differ between two
// notes commits (deleted, changed or moved; a new note alone is not
// listed, it removes nothing), sorted.
func (g *Gate) touchedNotes(ctx context.Context, from, to string) ([]string, error) {
	out, err := g.Repo.Run(ctx, "diff-tree", "-r", "-z", "--no-renames", "--raw", "--no-abbrev", from, to)
	if err != nil {
		return nil, fmt.Errorf("notes changed by the push: %w", err)
	}
	seen := map[string]bool{}
	var objs []string
	for len(out) > 0 {
		i := bytes.IndexByte(out, 0)
		if i < 0 || out[0] != ':' {
			return nil, fmt.Errorf("notes changed by the push: bad diff-tree output")
		}
		f := strings.Fields(string(out[1:i]))
		out = out[i+1:]
		j := bytes.IndexByte(out, 0)
		if j < 0 || len(f) != 5 {
			return nil, fmt.Errorf("notes changed by the push: bad diff-tree record")
		}
		path := string(out[:j])
		out = out[j+1:]
		if f[4] == "A" {
			continue
		}
		obj := strings.ReplaceAll(path, "/", "")
		if g.Repo.IsObjectID(obj) && !seen[obj] {
			seen[obj] = true
			objs = append(objs, obj)
		}
	}
	sort.Strings(objs)
	return objs, nil
}

// missingRecord returns a description of the first record line of before
// that after no longer holds, or "".
func missingRecord(before, after *notes.Note) string {
	if before == nil {
		return ""
	}
	if after == nil {
		return "all of it"
	}
	have := map[string]bool{}
	for _, l := range bytes.Split(after.Data, []byte("\n")) {
		have[string(bytes.TrimRight(l, "\r \t"))] = true
	}
	for _, l := range bytes.Split(before.Data, []byte("\n")) {
		l = bytes.TrimRight(l, "\r \t")
		if len(l) > 0 && l[0] == '{' && !have[string(l)] {
			e, err := proofpack.ParseEnvelope(l)
			if err != nil {
				return "a damaged record"
			}
			return "record " + e.Digest[:8]
		}
	}
	return ""
}

// newCommits lists the commits an update of a protected ref brings that
// must be proven:
//   - for an update, every commit new reaches and old does not: whatever
//     other refs (hidden, unprotected, or protected by a weaker rule)
//     already reach is checked again under this ref's rule;
//   - for a create, every commit new reaches that no visible protected ref
//     with a rule at least as strict reaches.
//
// Commits that proof.since reaches are grandfathered in both cases. Never
// `--not --all`: that would trust commits parked on hidden or unprotected
// refs.
func (g *Gate) newCommits(ctx context.Context, u RefUpdate, rule string) ([]*gitx.Commit, error) {
	var exclude []string
	if u.Old != g.Repo.ZeroID() {
		exclude = append(exclude, u.Old)
	} else {
		tips, err := g.protectedTips(ctx, rule)
		if err != nil {
			return nil, err
		}
		exclude = append(exclude, tips...)
	}
	if g.Config.Since != "" {
		exclude = append(exclude, g.Config.Since)
	}
	var stdin bytes.Buffer
	for _, x := range exclude {
		stdin.WriteString("^" + x + "\n")
	}
	stdin.WriteString(u.New + "\n")
	out, err := g.Repo.RunInput(ctx, &stdin, "rev-list", "--no-commit-header", "--format=%H %T %P", "--stdin")
	if err != nil {
		return nil, err
	}
	var commits []*gitx.Commit
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		commits = append(commits, &gitx.Commit{ID: f[0], Tree: f[1], Parents: f[2:]})
	}
	return commits, nil
}

// protectedTips lists the commits at the tips of the protected refs whose
// rule is at least as strict as rule and that the pusher can see (not
// hidden by receive.hideRefs or transfer.hideRefs).
func (g *Gate) protectedTips(ctx context.Context, rule string) ([]string, error) {
	out, err := g.Repo.Run(ctx, "for-each-ref", "--format=%(refname) %(objectname) %(*objectname)")
	if err != nil {
		return nil, err
	}
	hidden, err := g.hiddenPrefixes(ctx)
	if err != nil {
		return nil, err
	}
	var tips []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || !g.Config.Protected(f[0]) || isHidden(f[0], hidden) {
			continue
		}
		if strictness(g.Config.RequireFor(f[0])) < strictness(rule) {
			continue
		}
		tip := f[1]
		if len(f) == 3 {
			tip = f[2] // an annotated tag: the object it points at
		}
		tips = append(tips, tip)
	}
	return tips, nil
}

func strictness(rule string) int {
	if rule == RequireAutoOK {
		return 2
	}
	return 1
}

// hiddenPrefixes returns receive.hideRefs and transfer.hideRefs values, in
// order (git applies the last that matches; '!' negates).
func (g *Gate) hiddenPrefixes(ctx context.Context) ([]string, error) {
	var all []string
	for _, k := range []string{"transfer.hideRefs", "receive.hideRefs"} {
		v, err := g.Repo.ConfigGetAll(ctx, k)
		if err != nil {
			return nil, err
		}
		all = append(all, v...)
	}
	return all, nil
}

// isHidden applies git's hideRefs rules (ref_is_hidden): the last matching
// prefix decides; '!' unhides; '^' matches the full name.
func isHidden(ref string, rules []string) bool {
	for i := len(rules) - 1; i >= 0; i-- {
		r := rules[i]
		neg := strings.HasPrefix(r, "!")
		r = strings.TrimPrefix(r, "!")
		r = strings.TrimPrefix(r, "^")
		r = strings.TrimSuffix(r, "/")
		if ref == r || strings.HasPrefix(ref, r+"/") {
			return !neg
		}
	}
	return false
}

func (g *Gate) verify(ctx context.Context, commits []*gitx.Commit, ref, rule, notesTip string) ([]*verify.CommitResult, error) {
	opts := verify.Options{
		AllowedSigners: g.AllowedSigners, Policy: g.Policy, NotesTip: notesTip,
		Context: g.Context, Ref: ref, Rule: policy.Rule{Require: rule}, Approvers: g.Config.Approvers,
	}
	if notesTip != "" {
		store := notes.New(g.Repo, notes.Ref, proofpack.MaxNoteBytes)
		opts.Transitions = notes.NewTransitionIndex(store, filepath.Join(g.Repo.CommonDir(), "git-proof"))
	}
	v, err := verify.New(g.Repo, opts)
	if err != nil {
		return nil, err
	}
	results, _, err := v.Verify(ctx, commits)
	return results, err
}

// internal reports an error of the gate itself: the push is refused (fail
// closed) and the message says what to do.
func (g *Gate) internal(out io.Writer, err error) error {
	fmt.Fprintf(out, "git-proof: refusing the push: the gate could not check it: %v\n", err)
	fmt.Fprintf(out, "git-proof: this is a server-side error, not a problem with your commits; tell the repository's admin (git-proof fails closed)\n")
	return fmt.Errorf("gate: %w", err)
}

// report writes the verdicts for the pusher.
func (g *Gate) report(out io.Writer, verdicts []*Verdict) {
	checked := 0
	for _, v := range verdicts {
		checked += v.Checked
		if v.OK {
			continue
		}
		fmt.Fprintf(out, "git-proof: refused %s: %s\n", v.Ref, v.Reason)
		for _, c := range v.Commits {
			fmt.Fprintf(out, "  %s  %s: %s\n", short(c.Commit), c.FailedStep, proofpack.Sanitize(c.Error))
			if rr := c.BestRecord(); rr != nil && rr.Policy != nil {
				for _, reason := range rr.Policy.Reasons() {
					fmt.Fprintf(out, "      - %s\n", proofpack.Sanitize(reason))
				}
			}
			fmt.Fprintf(out, "      fix: %s\n", fixFor(c, v.Rule))
		}
	}
	if checked > 0 {
		fmt.Fprintf(out, "git-proof: %d new commit(s) checked with policy %s\n", checked, short(g.Policy.Digest()))
	}
}

// fixFor is the command that fixes a refused commit.
func fixFor(c *verify.CommitResult, rule string) string {
	id := short(c.Commit)
	switch c.FailedStep {
	case verify.StepSigner:
		return "sign with a key the server trusts (its proof.allowedSignersFile), then: git proof run " + id + " && git proof push"
	case verify.StepPolicy:
		if rr := c.BestRecord(); rr != nil && rr.Policy != nil && rr.Policy.Decision == proofpack.Review && rule == RequireApproval {
			return "a trusted reviewer runs: git proof approve " + id + " && git proof push"
		}
		return "change the commit so that the policy passes, then: git proof run && git proof push"
	}
	return "git proof run " + id + " && git proof push"
}
