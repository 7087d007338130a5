package contract

import (
	"fmt"
	"path"

	"github.com/git-proof/git-proof/internal/lazyre"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

var (
	idRE  = lazyre.New(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	hexRE = lazyre.New(`^[0-9a-f]{64}$`)
)

// Validate checks a contract built in Go the way Parse checks a file:
// required fields, enums, ranges, unique criterion ids, safe holdout paths
// and argv. Defaults (a check's timeoutSec, disclosure) count as filled
// in. Errors are *Error without a file or line.
func (c *Contract) Validate() error { return validate(normalize(c), "", nil) }

// Validate checks a holdouts file built in Go the way ParseHoldouts does.
func (h *HoldoutsFile) Validate() error {
	if h == nil {
		return validateHoldoutsFile(nil, "", nil)
	}
	n := *h
	n.Holdouts = normalizeHoldouts(h.Holdouts)
	return validateHoldoutsFile(&n, "", nil)
}

// validator reports errors at the line recorded for a path, or for the
// nearest enclosing path that has one.
type validator struct {
	file  string
	lines map[string]int
}

func (v *validator) errf(p string, format string, a ...any) error {
	return &Error{File: v.file, Line: v.line(p), Msg: fmt.Sprintf(format, a...)}
}

func (v *validator) line(p string) int {
	for {
		if l, ok := v.lines[p]; ok {
			return l
		}
		if p == "" {
			return 0
		}
		if i := strings.LastIndexAny(p, ".["); i >= 0 {
			p = p[:i]
		} else {
			p = ""
		}
	}
}

func validate(c *Contract, file string, lines map[string]int) error {
	v := &validator{file: file, lines: lines}
	if c == nil {
		return v.errf("", "no contract; parse one first")
	}
	switch {
	case c.APIVersion == HoldoutsAPIVersion:
		return v.errf("apiVersion", "this is a holdouts file, not a contract; read it as the holdouts of a redacted contract")
	case c.APIVersion != APIVersion:
		return v.errf("apiVersion", "apiVersion %q is missing or unknown; the first line should be apiVersion: %s", c.APIVersion, APIVersion)
	case !idRE.MatchString(c.ID):
		return v.errf("id", "id %q is missing or not 1-64 letters, digits, '.', '_' or '-'; name the contract, e.g. id: GP-42", c.ID)
	case strings.TrimSpace(c.Title) == "":
		return v.errf("title", "title is missing; add a one-line summary, e.g. title: \"Compare orders 1.10.0 before 1.9.0\"")
	case c.Kind != KindBugfix && c.Kind != KindFeature && c.Kind != KindRefactor && c.Kind != KindSecurity:
		return v.errf("kind", "kind %q is missing or unknown; give one of bugfix, feature, refactor, security", c.Kind)
	case c.Risk != "" && c.Risk != RiskLow && c.Risk != RiskMedium && c.Risk != RiskHigh:
		return v.errf("risk", "risk %q is unknown; give one of low, medium, high", c.Risk)
	case strings.TrimSpace(c.Intent) == "":
		return v.errf("intent", "intent is missing; say in a sentence or three what must change and why, e.g. intent: |")
	case len(c.Acceptance) == 0:
		return v.errf("acceptance", "there is no acceptance criterion; add acceptance: with at least one {id, ears, check}")
	case c.Disclosure.Holdouts != DiscloseAfterRun && c.Disclosure.Holdouts != DiscloseNever:
		return v.errf("disclosure.holdouts", "disclosure.holdouts %q is unknown; give after-run or never", c.Disclosure.Holdouts)
	}
	if err := v.strings("nonGoals", c.NonGoals); err != nil {
		return err
	}
	if err := v.strings("bug.unchanged", c.Bug.Unchanged); err != nil {
		return err
	}
	for _, g := range []struct {
		key   string
		globs []string
	}{{"scope.allow", c.Scope.Allow}, {"scope.deny", c.Scope.Deny}} {
		for i, p := range g.globs {
			if p == "" || strings.HasPrefix(p, "/") || strings.Contains(p, "\\") || !doublestar.ValidatePattern(p) {
				return v.errf(fmt.Sprintf("%s[%d]", g.key, i), "%s[%d] %q is not a glob relative to the repository root; use slash paths like internal/semver/**", g.key, i, p)
			}
		}
	}
	if c.Scope.MaxFiles < 0 {
		return v.errf("scope.maxFiles", "scope.maxFiles is %d; give 1 or more, or remove it for no bound", c.Scope.MaxFiles)
	}
	ids := map[string]string{}
	for i, cr := range c.Repro {
		if err := v.criterion(ids, fmt.Sprintf("repro[%d]", i), cr, true); err != nil {
			return err
		}
	}
	for i, cr := range c.Acceptance {
		if err := v.criterion(ids, fmt.Sprintf("acceptance[%d]", i), cr, false); err != nil {
			return err
		}
	}
	if err := v.holdouts(ids, c.Holdouts); err != nil {
		return err
	}
	if c.HoldoutSalt != "" {
		if c.HoldoutCommitment != nil {
			return v.errf("holdoutSalt", "a redacted copy must not carry holdoutSalt, which would let its reader test guesses at the holdouts; remove it")
		}
		if !hexRE.MatchString(c.HoldoutSalt) {
			return v.errf("holdoutSalt", "holdoutSalt must be 64 lower-case hex digits (32 bytes); make one with: openssl rand -hex 32")
		}
	}
	if hc := c.HoldoutCommitment; hc != nil {
		switch {
		case len(c.Holdouts) > 0:
			return v.errf("holdoutCommitment", "the contract has both holdouts and holdoutCommitment; an author's copy has holdouts, a redacted copy the commitment, so remove one")
		case hc.Count < 1:
			return v.errf("holdoutCommitment.count", "holdoutCommitment.count is %d; a contract without holdouts has no commitment, so remove it", hc.Count)
		case !hexRE.MatchString(hc.SHA256):
			return v.errf("holdoutCommitment.sha256", "holdoutCommitment.sha256 must be 64 lower-case hex digits; copy it unchanged from the redacted copy")
		}
	}
	return nil
}

func validateHoldoutsFile(h *HoldoutsFile, file string, lines map[string]int) error {
	v := &validator{file: file, lines: lines}
	switch {
	case h == nil:
		return v.errf("", "no holdouts file; parse one first")
	case h.APIVersion == APIVersion:
		return v.errf("apiVersion", "this is a contract, not a holdouts file; pass the holdouts file written by git proof contract redact")
	case h.APIVersion != HoldoutsAPIVersion:
		return v.errf("apiVersion", "apiVersion %q is missing or unknown; the first line should be apiVersion: %s", h.APIVersion, HoldoutsAPIVersion)
	case !idRE.MatchString(h.Contract):
		return v.errf("contract", "contract %q is missing or not a contract id; give the id of the contract the holdouts belong to", h.Contract)
	case !hexRE.MatchString(h.Salt):
		return v.errf("salt", "salt must be 64 lower-case hex digits (32 bytes); use the salt written when the contract was redacted")
	}
	return v.holdouts(map[string]string{}, h.Holdouts)
}

// strings checks that a list holds no blank entries.
func (v *validator) strings(key string, list []string) error {
	for i, s := range list {
		if strings.TrimSpace(s) == "" {
			return v.errf(fmt.Sprintf("%s[%d]", key, i), "%s[%d] is empty; write it or remove the item", key, i)
		}
	}
	return nil
}

// id checks a criterion id and that no criterion, of any sort, has it
// already: proofs report results by id.
func (v *validator) id(ids map[string]string, p, id string) error {
	if !idRE.MatchString(id) {
		return v.errf(p+".id", "%s.id %q is missing or not 1-64 letters, digits, '.', '_' or '-'; give an id such as AC1", p, id)
	}
	if first, dup := ids[id]; dup {
		return v.errf(p+".id", "criterion id %q is used twice (%s and %s); proofs report results by id, so make each unique", id, first, p)
	}
	ids[id] = p
	return nil
}

func (v *validator) criterion(ids map[string]string, p string, cr Criterion, repro bool) error {
	if err := v.id(ids, p, cr.ID); err != nil {
		return err
	}
	if !repro && strings.TrimSpace(cr.EARS) == "" {
		return v.errf(p, "%s has no ears sentence; add one, e.g. ears: \"WHEN … THE … SHALL …\"", p)
	}
	if cr.Check == nil {
		if repro {
			return v.errf(p, "%s has no check; a repro criterion is a test that fails before the change, so add check: {run: [go, test, -run, ^TestX$, ./pkg]}", p)
		}
		return nil
	}
	return v.check(p+".check", *cr.Check)
}

func (v *validator) holdouts(ids map[string]string, hs []Holdout) error {
	paths := map[string]string{}
	for i, h := range hs {
		p := fmt.Sprintf("holdouts[%d]", i)
		if err := v.id(ids, p, h.ID); err != nil {
			return err
		}
		if strings.TrimSpace(h.EARS) == "" {
			return v.errf(p, "%s has no ears sentence; add one, e.g. ears: \"IF … THEN … SHALL …\"", p)
		}
		for j, f := range h.Files {
			fp := fmt.Sprintf("%s.files[%d].path", p, j)
			if msg := badFilePath(f.Path); msg != "" {
				return v.errf(fp, "%s %q %s", fp, f.Path, msg)
			}
			if first, dup := paths[f.Path]; dup {
				return v.errf(fp, "%s %q is also written by %s; give each holdout file its own path", fp, f.Path, first)
			}
			paths[f.Path] = p
		}
		if len(h.Check.Run) == 0 {
			return v.errf(p, "%s has no check; add check: {run: [go, test, -run, ^TestHoldout$, ./pkg]}", p)
		}
		if err := v.check(p+".check", h.Check); err != nil {
			return err
		}
	}
	return nil
}

// badFilePath says what is wrong with a holdout file's path, "" if
// nothing: the verifier writes it into a worktree, so it must stay inside
// the tree and out of .git.
func badFilePath(p string) string {
	switch {
	case p == "":
		return "is empty; give a path relative to the repository root"
	case strings.HasPrefix(p, "/") || strings.Contains(p, "\\") || (len(p) > 1 && p[1] == ':'):
		return "is absolute or not a slash path; give a path relative to the repository root, e.g. pkg/zz_holdout_test.go"
	case strings.ContainsFunc(p, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return "holds a control character; remove it"
	case p == ".." || strings.HasPrefix(p, "../") || strings.Contains(p, "/../") || strings.HasSuffix(p, "/.."):
		return "contains '..'; holdout files must stay inside the repository"
	case path.Clean(p) != p || p == ".":
		return fmt.Sprintf("is not clean; write it as %q", path.Clean(p))
	case strings.EqualFold(strings.Split(p, "/")[0], ".git"):
		return "is inside .git; holdout files are sources, so put them in the work tree"
	}
	return ""
}

func (v *validator) check(p string, ch Check) error {
	if len(ch.Run) == 0 {
		return v.errf(p+".run", "%s.run is empty; give the command as a list, e.g. run: [go, test, ./...]", p)
	}
	for i, a := range ch.Run {
		if strings.ContainsRune(a, 0) {
			return v.errf(fmt.Sprintf("%s.run[%d]", p, i), "%s.run[%d] holds a NUL byte, which no program can receive; remove it", p, i)
		}
	}
	prog, rp := ch.Run[0], p+".run[0]"
	switch {
	case strings.TrimSpace(prog) == "":
		return v.errf(rp, "%s (the program) is empty; name a program such as go, make or ./scripts/check", rp)
	case strings.ContainsAny(prog, " \t\n"):
		return v.errf(rp, "%s %q contains a space; there is no shell, so split the command into a list: [%s]", rp, prog, strings.Join(strings.Fields(prog), ", "))
	case strings.HasPrefix(prog, "/") || strings.Contains(prog, "\\"):
		return v.errf(rp, "%s %q is an absolute path; name a program on PATH (go) or a path relative to the repository (./scripts/check)", rp, prog)
	case prog == ".." || strings.HasPrefix(prog, "../") || strings.Contains(prog, "/../") || strings.HasSuffix(prog, "/.."):
		return v.errf(rp, "%s %q leaves the repository; name a program on PATH or a path inside the repository", rp, prog)
	}
	if ch.Expect.Exit < 0 || ch.Expect.Exit > 255 {
		return v.errf(p+".expect.exit", "%s.expect.exit is %d; an exit status is 0 to 255", p, ch.Expect.Exit)
	}
	if ch.TimeoutSec < 1 || ch.TimeoutSec > MaxTimeoutSec {
		return v.errf(p+".timeoutSec", "%s.timeoutSec is %d; give 1 to %d seconds (default %d)", p, ch.TimeoutSec, MaxTimeoutSec, DefaultTimeoutSec)
	}
	return nil
}
