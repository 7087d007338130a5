package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/git-proof/git-proof/proofpack"
	"github.com/git-proof/git-proof/verify"
)

// Style controls terminal colour.
type Style struct{ Color bool }

func (s Style) paint(code, text string) string {
	if !s.Color {
		return text
	}
	return "\x1b[" + code + "m" + text + "\x1b[0m"
}

func (s Style) decision(d string) string {
	switch d {
	case proofpack.AutoOK:
		return s.paint("32", d)
	case proofpack.Review:
		return s.paint("33", d)
	default:
		return s.paint("31", d)
	}
}

var q = proofpack.Sanitize

// qJoin is every x made safe to print (q), joined with sep.
func qJoin(xs []string, sep string) string {
	qs := make([]string, len(xs))
	for i, x := range xs {
		qs[i] = q(x)
	}
	return strings.Join(qs, sep)
}

func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// trusted reports whether a record's contents may be shown as fact.
func trusted(rr *verify.RecordResult) bool {
	return rr != nil && rr.Predicate != nil && rr.Signer.Verified && rr.Signer.Trusted
}

// VerifyLine writes one line per commit for `git proof verify`.
func VerifyLine(w io.Writer, s Style, c *verify.CommitResult) {
	if c.OK {
		rr := c.BestRecord()
		extra := ""
		if rr.ProvenAs != "" {
			extra = " (proven as " + short(rr.ProvenAs) + ")"
		}
		fmt.Fprintf(w, "%s  %s  %s  signed by %s%s\n", s.paint("32", "ok  "), short(c.Commit), s.decision(rr.Policy.Decision), q(rr.Signer.Principal), extra)
		return
	}
	fmt.Fprintf(w, "%s  %s  %s: %s\n", s.paint("31", "FAIL"), short(c.Commit), c.FailedStep, q(c.Error))
	if rr := c.BestRecord(); rr != nil && rr.Policy != nil {
		for _, r := range rr.Policy.Reasons() {
			fmt.Fprintf(w, "        - %s\n", q(r))
		}
	}
}

// Show writes the full account of one commit's proof for `git proof show`.
func Show(w io.Writer, s Style, c *verify.CommitResult) {
	fmt.Fprintf(w, "commit %s\n", c.Commit)
	rr := c.BestRecord()
	if c.OK {
		fmt.Fprintf(w, "proof:    %s, your policy decides %s\n", s.paint("32", "verified"), s.decision(rr.Policy.Decision))
	} else {
		fmt.Fprintf(w, "proof:    %s at step %s: %s\n", s.paint("31", "NOT VERIFIED"), c.FailedStep, q(c.Error))
	}
	if rr == nil {
		return
	}
	if rr.Signer.Verified {
		who := "untrusted"
		if rr.Signer.Trusted {
			who = "trusted as " + q(rr.Signer.Principal)
		} else if rr.Signer.Reason != "" {
			who = "untrusted: " + q(rr.Signer.Reason)
		}
		fmt.Fprintf(w, "signer:   %s %s, %s\n", rr.Signer.KeyType, rr.Signer.KeyID, who)
	}
	if !trusted(rr) {
		fmt.Fprintf(w, "contents: not shown: a record is shown only once its signature is valid and its signer trusted\n")
		showOthers(w, c)
		return
	}
	p := rr.Predicate
	if rr.ProvenAs != "" {
		fmt.Fprintf(w, "proven as %s (same tree transition)\n", rr.ProvenAs)
	}
	base := "(root commit: empty tree)"
	if p.Base.Commit != "" {
		base = short(p.Base.Commit)
	}
	fmt.Fprintf(w, "change:   %s → %s (trees %s → %s)\n", base, short(p.Commit), short(p.Base.Tree), short(p.Tree))
	fmt.Fprintf(w, "diff:     %d files, +%d -%d", p.Diff.Files, p.Diff.Additions, p.Diff.Deletions)
	if p.Diff.Binary > 0 {
		fmt.Fprintf(w, ", %d binary", p.Diff.Binary)
	}
	fmt.Fprintf(w, " (sha256 %s, recomputed)\n", short(p.Diff.SHA256))
	if e := p.Environment; e.Network != "" {
		fmt.Fprintf(w, "checks:   hermetic environment, network %s", q(e.Network))
		if len(e.Passed) > 0 {
			fmt.Fprintf(w, "; passed %s", qJoin(e.Passed, ", "))
		}
		fmt.Fprintln(w)
	}
	if ts, err := time.Parse(time.RFC3339, p.CreatedAt); err == nil {
		fmt.Fprintf(w, "recorded: %s by %s %s with %s %s\n", ts.UTC().Format(time.RFC3339), q(p.Creator.Name), q("<"+p.Creator.Email+">"), q(p.Tool.Name), q(p.Tool.Version))
	}
	fmt.Fprintf(w, "risk:     %.2f", p.Risk.Score)
	for _, f := range p.Risk.Factors {
		fmt.Fprintf(w, "; %s %+.2f (%s)", q(f.Name), f.Points, q(f.Detail))
	}
	fmt.Fprintln(w)
	if n := p.Risk.SensitiveCount; n > 0 {
		paths := make([]string, 0, len(p.Risk.Sensitive))
		for _, sp := range p.Risk.Sensitive {
			paths = append(paths, q(sp.Path)+" ("+q(sp.Category)+")")
		}
		more := ""
		if n > len(paths) {
			more = fmt.Sprintf(" … and %d more", n-len(paths))
		}
		fmt.Fprintf(w, "sensitive: %s%s\n", strings.Join(paths, ", "), more)
	}
	if rr.Policy != nil {
		fmt.Fprintf(w, "decision: %s by your policy; %s when recorded (policy %s)\n", s.decision(rr.Policy.Decision), s.decision(q(p.Decision)), short(p.Policy.SHA256))
		for _, r := range rr.Policy.Reasons() {
			fmt.Fprintf(w, "  - %s\n", q(r))
		}
	}
	if hc := p.HunkCounts; hc.Total > 0 {
		fmt.Fprintf(w, "hunks:    %d/%d essential\n", hc.Essential, hc.Total)
		for _, h := range p.Hunks {
			where := h.Path
			if where == "" {
				where = h.Decl
			}
			if h.Reason != "" {
				where = strings.TrimSpace(where + " (" + h.Reason + ")")
			}
			mark := ""
			if h.Necessary != nil && !*h.Necessary {
				mark = "  not needed"
			}
			fmt.Fprintf(w, "  %-28s %-16s %s%s\n", q(fmt.Sprintf("%s:%d", h.File, h.NewStart)), q(h.Class), q(where), mark)
		}
		if hc.Total > len(p.Hunks) {
			fmt.Fprintf(w, "  … and %d more\n", hc.Total-len(p.Hunks))
		}
	}
	if a := p.API; a.Added+a.Removed+a.Signature > 0 {
		fmt.Fprintf(w, "api:      %d added, %d removed, %d signatures changed\n", a.Added, a.Removed, a.Signature)
		for _, c := range a.Changed {
			switch c.Change {
			case "signature":
				fmt.Fprintf(w, "  ~ %s → %s (%s)\n", q(c.OldSignature), q(c.NewSignature), q(c.File))
			case "removed":
				fmt.Fprintf(w, "  - %s %s (%s)\n", q(c.Kind), q(c.Name), q(c.File))
			default:
				fmt.Fprintf(w, "  + %s %s (%s)\n", q(c.Kind), q(c.Name), q(c.File))
			}
		}
	}
	if m := p.Minimize; m != nil {
		fmt.Fprintf(w, "minimize: %d of %d code hunks needed for %d fixed test(s); %d runs (budget %d), 1-minimal %v\n",
			m.Necessary, m.Hunks, len(m.Oracle), m.Runs, m.Budget, m.Minimal)
	}
	if d := p.Dependencies; len(d.Added)+len(d.Removed)+len(d.Changed)+d.Indirect.Added+d.Indirect.Removed+d.Indirect.Changed+len(d.Errors) > 0 {
		fmt.Fprintf(w, "dependencies: %d added, %d removed, %d changed (and %d/%d/%d indirect)\n",
			len(d.Added), len(d.Removed), len(d.Changed), d.Indirect.Added, d.Indirect.Removed, d.Indirect.Changed)
		for _, c := range d.Added {
			fmt.Fprintf(w, "  + %s %s %s (%s)\n", q(c.Ecosystem), q(c.Name), q(c.NewVersion), q(c.Manifest))
		}
		for _, c := range d.Removed {
			fmt.Fprintf(w, "  - %s %s %s (%s)\n", q(c.Ecosystem), q(c.Name), q(c.OldVersion), q(c.Manifest))
		}
		for _, c := range d.Changed {
			fmt.Fprintf(w, "  ~ %s %s %s → %s (%s)\n", q(c.Ecosystem), q(c.Name), q(c.OldVersion), q(c.NewVersion), q(c.Manifest))
		}
		for _, e := range d.Errors {
			fmt.Fprintf(w, "  ! %s\n", q(e))
		}
	}
	showContract(w, s, &p.Contract)
	showReviews(w, p.Reviews)
	if cf := p.Confidence; cf != nil {
		fmt.Fprintf(w, "confidence: %.2f", cf.Score)
		for _, x := range cf.Components {
			fmt.Fprintf(w, "; %s %.2f×%.2f", q(x.Name), x.Value, x.Weight)
		}
		fmt.Fprintln(w)
	}
	if len(p.Checks) == 0 {
		fmt.Fprintf(w, "checks:   none ran\n")
	}
	for _, ch := range p.Checks {
		fmt.Fprintf(w, "check %s (%s, %s): %s\n", q(ch.Name), q(ch.Kind), q(ch.Format), q(ch.Command))
		for _, t := range []struct {
			label string
			r     *proofpack.TreeResult
		}{{"head ", ch.Head}, {"base ", ch.Base}, {"repro", ch.Repro}} {
			if t.r == nil {
				continue
			}
			status := s.paint("32", "pass")
			switch t.r.Status {
			case "pass":
			case "flaky":
				status = s.paint("33", "flaky")
			default:
				status = s.paint("31", "fail")
			}
			extra := ""
			if t.r.Runs > 1 {
				extra += fmt.Sprintf("  %d runs", t.r.Runs)
			}
			if t.r.Cached {
				extra += "  (cached)"
			}
			if t.r.ParseError != "" {
				extra += "  report: " + q(t.r.ParseError)
			}
			if len(t.r.Only) > 0 {
				extra += "  only " + qJoin(t.r.Only, " ") + " (elsewhere the tree is base's)"
			}
			fmt.Fprintf(w, "  %s %s exit %d  %d passed %d failed %d skipped  %s%s\n", t.label, status, t.r.ExitCode, t.r.Passed, t.r.Failed, t.r.Skipped, (time.Duration(t.r.DurationMS) * time.Millisecond).String(), extra)
		}
		list := func(label string, names []string, n int) {
			if n == 0 {
				return
			}
			more := ""
			if n > len(names) {
				more = fmt.Sprintf(" … and %d more", n-len(names))
			}
			fmt.Fprintf(w, "  %-9s %d: %s%s\n", label, n, qJoin(names, ", "), more)
		}
		if ch.Head != nil && ch.Head.Failed > 0 && len(ch.Head.FailedTests) > 0 {
			list("failing at head", ch.Head.FailedTests, ch.Head.Failed)
		}
		list("fixed", ch.Fixed, ch.Counts.Fixed)
		list("regressed", ch.Regressed, ch.Counts.Regressed)
		list("added", ch.Added, ch.Counts.Added)
		list("removed", ch.Removed, ch.Counts.Removed)
		list("skipped", ch.Skipped, ch.Counts.Skipped)
		list("flaky", ch.Flaky, ch.Counts.Flaky)
		if f := ch.Findings; f != nil {
			fmt.Fprintf(w, "  findings  %d new, %d fixed, %d unchanged\n", f.New, f.Fixed, f.Unchanged)
			for _, x := range f.NewList {
				fmt.Fprintf(w, "    %s %s %s:%d %s\n", q(x.Level), q(x.Rule), q(x.File), x.Line, q(x.Message))
			}
		}
		if cv := ch.Coverage; cv != nil {
			if cv.Error != "" {
				fmt.Fprintf(w, "  coverage  not measured: %s\n", q(cv.Error))
			} else {
				fmt.Fprintf(w, "  coverage  %d of %d changed code lines ran (%.0f%%)\n", cv.Covered, cv.Executable, cv.Fraction*100)
				for _, u := range cv.Uncovered {
					fmt.Fprintf(w, "    not run: %s %s\n", q(u.File), q(u.Lines))
				}
				if len(cv.NoData) > 0 {
					names := make([]string, len(cv.NoData))
					for i, n := range cv.NoData {
						names[i] = q(n)
					}
					fmt.Fprintf(w, "    no coverage data: %s\n", strings.Join(names, ", "))
				}
			}
		}
	}
	showOthers(w, c)
}

// showContract prints the contract's grade, criteria, holdouts and scope.
func showContract(w io.Writer, s Style, c *proofpack.Contract) {
	if c.Status != "used" {
		return
	}
	fmt.Fprintf(w, "contract: %s (%s), sha256 %s, full %s", q(c.ID), q(c.Kind), short(c.SHA256), short(c.FullSHA256))
	if g := c.Grade; g != nil {
		fmt.Fprintf(w, ", grade %s (%d/%d)", q(g.Grade), g.Score, g.Max)
	}
	fmt.Fprintln(w)
	if g := c.Grade; g != nil {
		for _, d := range g.Dimensions {
			fmt.Fprintf(w, "  %-20s %3d/%-3d %s\n", q(d.Name), d.Points, d.Max, q(d.Reason))
		}
	}
	status := func(st string) string {
		switch st {
		case "pass":
			return s.paint("32", "pass")
		case "error":
			return s.paint("31", "error")
		}
		return s.paint("31", "fail")
	}
	run := func(label string, r *proofpack.CriterionRun) string {
		if r == nil {
			return ""
		}
		t := ""
		if r.TimedOut {
			t = " timed out"
		}
		return fmt.Sprintf(" %s exit %d (want %d%s)", label, r.ExitCode, r.Want, t)
	}
	for _, x := range c.Repro {
		fmt.Fprintf(w, "  repro      %-8s %s%s%s %s\n", q(x.ID), status(x.Status), run("base", x.Base), run("head", x.Head), q(x.Error))
	}
	for _, x := range c.Acceptance {
		fmt.Fprintf(w, "  acceptance %-8s %s%s\n", q(x.ID), status(x.Status), run("head", x.Head))
	}
	if h := c.Holdouts; h != nil {
		fmt.Fprintf(w, "  holdouts   %d/%d pass (%d failed, %d errors), network %s\n", h.Passed, h.Total, h.Failed, h.Errors, q(h.Network))
		for _, x := range h.Results {
			fmt.Fprintf(w, "    %-8s %s%s %s\n", q(x.ID), status(x.Status), run("head+holdout", x.Head), q(x.Error))
		}
	} else if cm := c.Commitment; cm != nil && cm.Count > 0 {
		fmt.Fprintf(w, "  holdouts   %d committed to, not run\n", cm.Count)
	}
	if sc := c.Scope; sc != nil {
		fmt.Fprintf(w, "  scope      %d file(s)", sc.Files)
		if sc.MaxFiles > 0 {
			fmt.Fprintf(w, " of at most %d", sc.MaxFiles)
		}
		if len(sc.Outside) > 0 {
			fmt.Fprintf(w, "; outside the scope: %s", qJoin(sc.Outside, ", "))
		}
		fmt.Fprintln(w)
	}
}

// showReviews prints each reviewer's verdict and its top findings, as the
// reviewer's words.
func showReviews(w io.Writer, r *proofpack.Reviews) {
	if r == nil {
		return
	}
	fmt.Fprintf(w, "reviews:  %d reviewer(s), one prompt (sha256 %s)", len(r.Reviewers), short(r.PromptSHA256))
	if r.Secret != "" {
		fmt.Fprintf(w, "; not sent: the secret scan found %s", q(r.Secret))
	}
	fmt.Fprintln(w)
	for _, x := range r.Reviewers {
		model := x.ModelUsed
		if model == "" {
			model = x.Model
		}
		switch {
		case x.Status == "ok":
			fmt.Fprintf(w, "  %-12s %s (%s, %s): %s", q(x.Name), q(x.Verdict), q(x.Vendor), q(model), countsLine(x.Counts))
			if x.Dropped > 0 {
				fmt.Fprintf(w, "; %d finding(s) dropped: their evidence is not in the diff", x.Dropped)
			}
			if x.Cached {
				fmt.Fprintf(w, " (cached)")
			}
			fmt.Fprintln(w)
			for _, f := range x.Top {
				fmt.Fprintf(w, "    %s %s %s:%d the reviewer says: %s\n", q(f.Severity), q(f.Category), q(f.File), f.Line, q(f.Message))
			}
		case x.Failure != nil:
			fmt.Fprintf(w, "  %-12s %s (%s, %s): %s %s\n", q(x.Name), q(x.Status), q(x.Vendor), q(model), q(x.Failure.Class), q(x.Failure.Message))
		default:
			fmt.Fprintf(w, "  %-12s %s (%s, %s)\n", q(x.Name), q(x.Status), q(x.Vendor), q(model))
		}
	}
}

func countsLine(c map[string]int) string {
	var parts []string
	for _, k := range []string{"critical", "major", "minor", "info"} {
		if c[k] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c[k], k))
		}
	}
	if len(parts) == 0 {
		return "no findings"
	}
	return strings.Join(parts, ", ")
}

func showOthers(w io.Writer, c *verify.CommitResult) {
	if len(c.Records) < 2 {
		return
	}
	fmt.Fprintf(w, "records:  %d in the note\n", len(c.Records))
	for i, r := range c.Records {
		mark := "ok"
		if !r.OK {
			mark = "fails at " + string(r.FailedStep) + ": " + q(r.Error)
		}
		best := ""
		if i == c.Best {
			best = " (shown)"
		}
		fmt.Fprintf(w, "  line %d: %s%s\n", r.Line, mark, best)
	}
}

// ShowJSON is the --json form of `git proof show`.
type ShowJSON struct {
	MediaType    string               `json:"mediaType"`
	Verification *verify.CommitResult `json:"verification"`
	// Predicate is present only when the record's signature is valid and
	// its signer trusted.
	Predicate *proofpack.Predicate `json:"predicate"`
}

// VerifyJSON is the --json form of `git proof verify`.
type VerifyJSON struct {
	MediaType string                 `json:"mediaType"`
	OK        bool                   `json:"ok"`
	Commits   []*verify.CommitResult `json:"commits"`
	Timings   *verify.Timings        `json:"timings,omitempty"`
}

// WriteJSON writes v as indented JSON.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// NewShowJSON builds the --json form of show.
func NewShowJSON(c *verify.CommitResult) *ShowJSON {
	out := &ShowJSON{MediaType: verify.ResultMediaType, Verification: c}
	if rr := c.BestRecord(); trusted(rr) {
		out.Predicate = rr.Predicate
	}
	return out
}

// Decision colours a decision word.
func Decision(s Style, d string) string { return s.decision(d) }

// Timings writes the per-stage cost of a verification.
func Timings(w io.Writer, t *verify.Timings) {
	if t == nil || t.Commits == 0 {
		return
	}
	per := func(d time.Duration) string {
		return fmt.Sprintf("%8.1f µs/commit", float64(d.Microseconds())/float64(t.Commits))
	}
	rate := float64(t.Commits) / t.Total.Seconds()
	fmt.Fprintf(w, "timings: %d commits in %s (%.0f commits/s)\n", t.Commits, t.Total.Round(time.Millisecond), rate)
	fmt.Fprintf(w, "  read       %s  (notes lookup, read, parse)\n", per(t.Read))
	fmt.Fprintf(w, "  signature  %s  (SSHSIG verify, trust lookup)\n", per(t.Signature))
	fmt.Fprintf(w, "  diff       %s  (git diff-tree, canonical digest; runs beside signature)\n", per(t.Diff))
	fmt.Fprintf(w, "  policy     %s  (OPA evaluation)\n", per(t.Policy))
}
