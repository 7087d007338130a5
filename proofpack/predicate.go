package proofpack

// Media and type identifiers of a proof record.
const (
	PredicateType = "https://git-proof.dev/proofpack/v1"
	PayloadType   = "application/vnd.in-toto+json"
	StatementType = "https://in-toto.io/Statement/v1"
	SchemaVersion = 1
)

// Decisions a policy can reach.
const (
	AutoOK = "AUTO_OK"
	Review = "REVIEW"
	Block  = "BLOCK"
)

// Predicate is the evidence of one `git proof run` (schema v1). Every field
// is a function of the tree transition Base.Tree → Tree, except the
// informational Commit, Base.Commit and CreatedAt.
type Predicate struct {
	SchemaVersion int          `json:"schemaVersion"`
	CreatedAt     string       `json:"createdAt"` // RFC 3339, UTC; asserted by the signer
	Tool          Tool         `json:"tool"`
	Creator       Identity     `json:"creator"` // who ran it, as git config says; untrusted
	Commit        string       `json:"commit"`
	Tree          string       `json:"tree"`
	Base          Base         `json:"base"`
	Repro         Repro        `json:"repro"`
	Diff          Diff         `json:"diff"`
	Contract      Contract     `json:"contract"`
	Reviews       *Reviews     `json:"reviews,omitempty"`
	Confidence    *Confidence  `json:"confidence,omitempty"`
	Environment   Environment  `json:"environment"`
	Checks        []Check      `json:"checks"`
	Dependencies  Dependencies `json:"dependencies"`
	// Hunks label every hunk of the diff (at most MaxHunks inline;
	// HunkCounts is exact), API lists public declarations changed.
	Hunks      []Hunk     `json:"hunks"`
	HunkCounts HunkCounts `json:"hunkCounts"`
	API        API        `json:"api"`
	// Minimize is set on a record made by `git proof minimize`.
	Minimize *Minimize    `json:"minimize,omitempty"`
	Risk     Risk         `json:"risk"`
	Policy   PolicyResult `json:"policy"`
	Decision string       `json:"decision"`
}

// MaxHunks bounds the hunks listed inline.
const MaxHunks = 200

// Hunk is one hunk of base → head (`git diff -U0` numbers), labelled by
// its syntax (the astdiff package): what kind of change it is, and
// whether it changes behaviour at all (formatting- and comment-only hunks
// are not essential).
type Hunk struct {
	File      string `json:"file"`
	OldStart  int    `json:"oldStart"`
	OldLines  int    `json:"oldLines"`
	NewStart  int    `json:"newStart"`
	NewLines  int    `json:"newLines"`
	Language  string `json:"language,omitempty"`
	Class     string `json:"class"` // formatting-only | comment-only | import-change | decl-added | decl-removed | decl-renamed | code-change | line-level
	Essential bool   `json:"essential"`
	Path      string `json:"path,omitempty"`   // where, e.g. "func Add › body › return_statement"
	Decl      string `json:"decl,omitempty"`   // the enclosing declaration, e.g. "func Add"
	Reason    string `json:"reason,omitempty"` // why a hunk is line-level
	// Necessary is set by minimize: whether the fixed tests need the hunk.
	Necessary *bool `json:"necessary,omitempty"`
}

// HunkCounts are exact counts over all hunks.
type HunkCounts struct {
	Total     int            `json:"total"`
	Essential int            `json:"essential"`
	ByClass   map[string]int `json:"byClass"`
}

// API lists public declarations added, removed or whose signature changed,
// by each language's export rule.
type API struct {
	Changed []APIChange `json:"changed"` // at most MaxNames
	Added   int         `json:"added"`
	Removed int         `json:"removed"`
	// Signature counts declarations whose signature changed.
	Signature int `json:"signature"`
}

// APIChange is one public declaration changed.
type APIChange struct {
	Kind         string `json:"kind"`
	Name         string `json:"name"`
	Language     string `json:"language"`
	File         string `json:"file"`
	Change       string `json:"change"` // added | removed | signature
	OldSignature string `json:"oldSignature,omitempty"`
	NewSignature string `json:"newSignature,omitempty"`
}

// Minimize is what `git proof minimize` found: the smallest set of hunks
// with which the fixed tests still pass (delta debugging, the fixed tests
// as the oracle), and what it cost.
type Minimize struct {
	Oracle    []string `json:"oracle"`    // the tests that must pass
	Hunks     int      `json:"hunks"`     // hunks minimized over (code hunks; test files are always kept)
	Necessary int      `json:"necessary"` // hunks the minimal subset holds
	Runs      int      `json:"runs"`      // oracle runs (candidate trees checked)
	Budget    int      `json:"budget"`    // the run bound given
	Minimal   bool     `json:"minimal"`   // 1-minimal reached (false: the budget ran out first)
}

// Dependencies is how the change alters what the project depends on, from
// its manifests and lock files (go.mod, package.json and its lock,
// requirements*.txt, pyproject.toml, Cargo.toml and Cargo.lock). Direct
// dependencies are listed; indirect ones, which a lock-file bump changes by
// the hundred, only counted.
type Dependencies struct {
	Added   []DepChange `json:"added"`
	Removed []DepChange `json:"removed"`
	Changed []DepChange `json:"changed"`
	// Indirect counts the changes to dependencies only lock files have.
	Indirect DepCounts `json:"indirect"`
	// Errors are manifests that did not parse (file:line: why): their
	// dependencies are unknown, not removed.
	Errors []string `json:"errors"`
}

// DepChange is one dependency added, removed or changed.
type DepChange struct {
	Ecosystem  string `json:"ecosystem"` // golang | npm | pypi | cargo
	Name       string `json:"name"`
	OldVersion string `json:"oldVersion,omitempty"`
	NewVersion string `json:"newVersion,omitempty"`
	Scope      string `json:"scope,omitempty"` // "" always, dev, optional, peer, build, or an extra's name
	PURL       string `json:"purl"`
	Manifest   string `json:"manifest"`
	Replace    string `json:"replace,omitempty"`
}

// DepCounts counts dependency changes.
type DepCounts struct {
	Added   int `json:"added"`
	Removed int `json:"removed"`
	Changed int `json:"changed"`
}

// Risk is how much could go wrong with the change, from 0 (nothing) to 1,
// and why; the risk package computes it and documents the formula.
type Risk struct {
	Score   float64      `json:"score"`
	Factors []RiskFactor `json:"factors"`
	// Sensitive lists changed paths that match a sensitive glob (at most
	// MaxNames; SensitiveCount is exact).
	Sensitive      []SensitivePath `json:"sensitive"`
	SensitiveCount int             `json:"sensitiveCount"`
}

// RiskFactor is one term of the risk score.
type RiskFactor struct {
	Name   string  `json:"name"`   // e.g. "blast-radius", "sensitive-paths", "no-repro"
	Points float64 `json:"points"` // this factor's share of the score
	Detail string  `json:"detail"` // for people: "12 files, 480 lines, 3 packages"
}

// SensitivePath is a changed path that matched a sensitive glob.
type SensitivePath struct {
	Path     string `json:"path"`
	Glob     string `json:"glob"`
	Category string `json:"category"` // policy | ci | hooks | deps | custom
}

// Tool names the program that made the record.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Identity is a name and email as git config gives them.
type Identity struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
}

// Base is the first parent of the proven commit; Commit is "" for a root
// commit, whose base tree is the empty tree.
type Base struct {
	Commit string `json:"commit,omitempty"`
	Tree   string `json:"tree"`
}

// Repro is the third tree: base's code with head's test files.
type Repro struct {
	Tree      string   `json:"tree"`
	TestGlobs []string `json:"testGlobs"`
	TestFiles int      `json:"testFiles"` // test files taken from head
}

// Diff describes the change base → head; SHA256 is the canonical digest.
type Diff struct {
	SHA256    string `json:"sha256"`
	Files     int    `json:"files"`
	Additions int    `json:"additions"`
	Deletions int    `json:"deletions"`
	Binary    int    `json:"binary"`
}

// Contract is the spec the change was made against (`run --contract`);
// Status "none" when there was none, "used" when there was.
//
// SHA256 is over RFC 8785 canonical JSON of the redacted contract (what
// the implementer and the reviewers saw, holdouts replaced by their
// commitment), FullSHA256 over the author's contract with its holdouts;
// the contract package says exactly what each covers.
type Contract struct {
	Status     string             `json:"status"`
	ID         string             `json:"id,omitempty"`
	Kind       string             `json:"kind,omitempty"`
	SHA256     string             `json:"sha256,omitempty"`
	FullSHA256 string             `json:"fullSha256,omitempty"`
	Commitment *HoldoutCommitment `json:"commitment,omitempty"`
	// Salt opens the commitment (hex) when the contract discloses its
	// holdouts after the run; empty when it never does.
	Salt  string         `json:"salt,omitempty"`
	Grade *ContractGrade `json:"grade,omitempty"`
	// Repro criteria must fail on the base tree and pass on head;
	// acceptance criteria must pass on head; holdouts ran on a copy of
	// the head tree with their files dropped in.
	Repro      []Criterion `json:"repro,omitempty"`
	Acceptance []Criterion `json:"acceptance,omitempty"`
	Holdouts   *Holdouts   `json:"holdouts,omitempty"`
	Scope      *Scope      `json:"scope,omitempty"`
}

// HoldoutCommitment is sha256(salt ‖ JCS(holdouts)) and their count.
type HoldoutCommitment struct {
	Count  int    `json:"count"`
	SHA256 string `json:"sha256"`
}

// ContractGrade is the contract's deterministic grade.
type ContractGrade struct {
	Grade      string           `json:"grade"` // A–F
	Score      int              `json:"score"`
	Max        int              `json:"max"`
	Dimensions []GradeDimension `json:"dimensions"`
}

// GradeDimension is one of the grade's named dimensions.
type GradeDimension struct {
	Name   string `json:"name"`
	Points int    `json:"points"`
	Max    int    `json:"max"`
	Reason string `json:"reason,omitempty"`
}

// Criterion is the result of one contract check. Status is "pass" when it
// did what the contract asks (a repro: failed on base and passed on head),
// "fail" when not, "error" when it could not run.
type Criterion struct {
	ID     string        `json:"id"`
	Status string        `json:"status"`
	Base   *CriterionRun `json:"base,omitempty"` // repro only
	Head   *CriterionRun `json:"head,omitempty"`
	Files  []string      `json:"files,omitempty"` // holdouts: the files dropped in
	Error  string        `json:"error,omitempty"`
}

// CriterionRun is one run of a contract check on one tree.
type CriterionRun struct {
	ExitCode     int    `json:"exitCode"`
	Want         int    `json:"want"`
	TimedOut     bool   `json:"timedOut,omitempty"`
	DurationMs   int64  `json:"durationMs"`
	OutputSHA256 string `json:"outputSha256"`
}

// Holdouts are the hidden criteria's results.
type Holdouts struct {
	Total   int         `json:"total"`
	Passed  int         `json:"passed"`
	Failed  int         `json:"failed"`
	Errors  int         `json:"errors"`
	Results []Criterion `json:"results"`
	// Network says whether they ran without network ("off") or why not.
	Network string `json:"network,omitempty"`
}

// Scope is how the change sits in the contract's scope.
type Scope struct {
	Files    int      `json:"files"`
	MaxFiles int      `json:"maxFiles,omitempty"`
	Outside  []string `json:"outside"` // changed paths outside allow, or inside deny
}

// Reviews are the independent model reviews of the change. Every reviewer
// got the same prompt (PromptSHA256): the redacted contract and the diff,
// never holdouts, never another reviewer's output. Findings are kept as
// SARIF 2.1.0, one run per reviewer, by digest (FindingsSHA256).
type Reviews struct {
	PromptSHA256   string     `json:"promptSha256"`
	FindingsSHA256 string     `json:"findingsSha256,omitempty"`
	Reviewers      []Reviewer `json:"reviewers"`
	// Secret names what the secret scan found when it kept the prompt
	// from being sent ("FILE:LINE rule"); reviewers are then skipped.
	Secret string `json:"secret,omitempty"`
}

// Reviewer is one reviewer's result. Status is ok, unavailable (Failure
// says why) or skipped.
type Reviewer struct {
	Name       string          `json:"name"`
	Vendor     string          `json:"vendor"`
	Kind       string          `json:"kind"`
	Model      string          `json:"model,omitempty"`     // as configured
	ModelUsed  string          `json:"modelUsed,omitempty"` // as the response said
	Status     string          `json:"status"`
	Failure    *ReviewFailure  `json:"failure,omitempty"`
	Verdict    string          `json:"verdict,omitempty"` // approve | concerns | reject
	Counts     map[string]int  `json:"counts,omitempty"`  // kept findings by severity
	Dropped    int             `json:"dropped,omitempty"` // findings whose evidence is not in the diff
	Response   string          `json:"responseSha256,omitempty"`
	Schema     string          `json:"schemaSha256,omitempty"`
	Findings   string          `json:"findingsSha256,omitempty"`
	DurationMs int64           `json:"durationMs"`
	Attempts   int             `json:"attempts,omitempty"`
	Cached     bool            `json:"cached,omitempty"`
	Top        []ReviewFinding `json:"top,omitempty"` // the most severe kept findings, at most MaxReviewFindings
}

// MaxReviewFindings bounds Reviewer.Top.
const MaxReviewFindings = 10

// ReviewFailure says why a reviewer gave no verdict.
type ReviewFailure struct {
	Class     string `json:"class"` // timeout | rate_limit | auth | overloaded | quota | malformed_output | crash | …
	Transient bool   `json:"transient"`
	Message   string `json:"message,omitempty"`
}

// ReviewFinding is one kept finding, as the reviewer stated it (untrusted
// text: show prints it as the reviewer's words).
type ReviewFinding struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Severity string `json:"severity"`
	Category string `json:"category"`
	Message  string `json:"message"`
}

// Confidence is a documented score in [0, 1] over the evidence (the
// confidence package has the formula). It informs people and policy; it
// never decides.
type Confidence struct {
	Score      float64               `json:"score"`
	Components []ConfidenceComponent `json:"components"`
}

// ConfidenceComponent is one term of the confidence score.
type ConfidenceComponent struct {
	Name   string  `json:"name"`
	Value  float64 `json:"value"`
	Weight float64 `json:"weight"`
	Reason string  `json:"reason,omitempty"`
}

// Environment records where the checks ran, so a replay can match it.
type Environment struct {
	OS         string `json:"os"`
	Arch       string `json:"arch"`
	GitVersion string `json:"gitVersion,omitempty"`
	GoVersion  string `json:"goVersion,omitempty"` // git-proof's own Go
	// Network is "off" when checks ran in a network namespace of their
	// own, else "on: <why>" (a check asked for it, or the kernel does not
	// allow namespaces here).
	Network string `json:"network,omitempty"`
	// Passed names the variables taken from the caller's environment
	// (beyond the hermetic defaults: HOME, TMPDIR, TZ, LC_ALL, ...).
	Passed []string `json:"passed,omitempty"`
	// SourceDateEpoch is SOURCE_DATE_EPOCH as the checks on the head tree
	// saw it: the proven commit's committer time. The base and repro trees
	// get the base commit's.
	SourceDateEpoch int64 `json:"sourceDateEpoch,omitempty"`
}

// Check is one check run on the three trees and what changed between them.
type Check struct {
	Name      string      `json:"name"`
	Kind      string      `json:"kind"`
	Command   string      `json:"command"`
	Format    string      `json:"format"`
	Base      *TreeResult `json:"base,omitempty"`
	Repro     *TreeResult `json:"repro,omitempty"`
	Head      *TreeResult `json:"head"`
	Fixed     []string    `json:"fixed"`
	Regressed []string    `json:"regressed"`
	Added     []string    `json:"added"`
	Removed   []string    `json:"removed"`
	Skipped   []string    `json:"skipped"` // ran at base, skipped at head
	Flaky     []string    `json:"flaky"`
	// Truncated is set when a name list was cut to MaxNames; counts stay exact.
	Truncated bool   `json:"truncated,omitempty"`
	Counts    Counts `json:"counts"`
	// Findings are a static-analysis (SARIF) check's findings at head
	// measured against base: only new ones count.
	Findings *Findings `json:"findings,omitempty"`
	// Coverage is how much of the change's executable lines the check's
	// coverage data says ran at head.
	Coverage *Coverage `json:"coverage,omitempty"`
}

// Findings compares a static-analysis check's findings at head with base.
type Findings struct {
	New        int            `json:"new"`
	Fixed      int            `json:"fixed"`
	Unchanged  int            `json:"unchanged"`
	NewByLevel map[string]int `json:"newByLevel"` // error, warning, note, none
	NewList    []Finding      `json:"newList"`    // at most MaxNames
}

// Finding is one static-analysis finding, for people.
type Finding struct {
	Rule    string `json:"rule"`
	Level   string `json:"level"`
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"` // at most 200 bytes
}

// Coverage is the coverage of the change's added and changed lines at head.
type Coverage struct {
	Executable int     `json:"executable"` // changed lines that are code
	Covered    int     `json:"covered"`
	Fraction   float64 `json:"fraction"` // Covered/Executable; 1 when nothing executable changed
	Files      int     `json:"files"`    // changed files with coverage data
	// Uncovered lists changed code lines that did not run: file and
	// ranges such as "17-21,30" (at most MaxNames files).
	Uncovered []UncoveredLines `json:"uncovered"`
	// NoData are changed source files the coverage data says nothing about.
	NoData []string `json:"noData"`
	Error  string   `json:"error,omitempty"` // why there is no measure
}

// UncoveredLines are one file's changed lines that did not run.
type UncoveredLines struct {
	File  string `json:"file"`
	Lines string `json:"lines"`
}

// Counts are the exact sizes of a Check's name lists.
type Counts struct {
	Fixed     int `json:"fixed"`
	Regressed int `json:"regressed"`
	Added     int `json:"added"`
	Removed   int `json:"removed"`
	Skipped   int `json:"skipped"`
	Flaky     int `json:"flaky"`
}

// TreeResult is one run of a check on one tree.
type TreeResult struct {
	Tree         string   `json:"tree"`
	Status       string   `json:"status"` // "pass" when the command exited 0 and no result failed; "flaky" when every failure was flaky; else "fail"
	ExitCode     int      `json:"exitCode"`
	DurationMS   int64    `json:"durationMs"`
	TimedOut     bool     `json:"timedOut,omitempty"`
	OutputSHA256 string   `json:"outputSha256"`
	OutputBytes  int64    `json:"outputBytes"`
	Passed       int      `json:"passed"`
	Failed       int      `json:"failed"`
	Skipped      int      `json:"skipped"`
	FailedTests  []string `json:"failedTests,omitempty"`
	ParseError   string   `json:"parseError,omitempty"`
	Runs         int      `json:"runs,omitempty"`   // more than 1 with repeat:
	Cached       bool     `json:"cached,omitempty"` // the result of an earlier run on the same tree
	// Only, on repro, lists the package directories the check ran for:
	// the tree is base's outside them, so their results elsewhere are
	// base's, and fixed/regressed were computed with base's filling in.
	// Empty: the whole tree ran.
	Only []string `json:"only,omitempty"`
}

// PolicyResult is the decision of the policy the run used.
type PolicyResult struct {
	SHA256   string   `json:"sha256"`
	Decision string   `json:"decision"`
	Reasons  []string `json:"reasons"`
}

// MaxNames bounds each inline name list so records stay a few KiB.
const MaxNames = 50

// Normalize makes empty lists encode as [] (so policies need no defaults)
// and cuts long name lists to MaxNames.
func (p *Predicate) Normalize() {
	if p.Checks == nil {
		p.Checks = []Check{}
	}
	if p.Repro.TestGlobs == nil {
		p.Repro.TestGlobs = []string{}
	}
	if p.Policy.Reasons == nil {
		p.Policy.Reasons = []string{}
	}
	if p.Hunks == nil {
		p.Hunks = []Hunk{}
	}
	if len(p.Hunks) > MaxHunks {
		p.Hunks = p.Hunks[:MaxHunks]
	}
	if p.HunkCounts.ByClass == nil {
		p.HunkCounts.ByClass = map[string]int{}
	}
	if p.API.Changed == nil {
		p.API.Changed = []APIChange{}
	}
	if len(p.API.Changed) > MaxNames {
		p.API.Changed = p.API.Changed[:MaxNames]
	}
	d := &p.Dependencies
	for _, l := range []*[]DepChange{&d.Added, &d.Removed, &d.Changed} {
		if *l == nil {
			*l = []DepChange{}
		}
		if len(*l) > MaxNames {
			*l = (*l)[:MaxNames]
		}
	}
	if d.Errors == nil {
		d.Errors = []string{}
	}
	if len(d.Errors) > MaxNames {
		d.Errors = d.Errors[:MaxNames]
	}
	if p.Risk.Factors == nil {
		p.Risk.Factors = []RiskFactor{}
	}
	p.Risk.SensitiveCount = max(p.Risk.SensitiveCount, len(p.Risk.Sensitive))
	if p.Risk.Sensitive == nil {
		p.Risk.Sensitive = []SensitivePath{}
	}
	if len(p.Risk.Sensitive) > MaxNames {
		p.Risk.Sensitive = p.Risk.Sensitive[:MaxNames]
	}
	for i := range p.Checks {
		c := &p.Checks[i]
		// Counts survive a second Normalize after the lists were cut.
		c.Counts = Counts{
			Fixed: max(c.Counts.Fixed, len(c.Fixed)), Regressed: max(c.Counts.Regressed, len(c.Regressed)),
			Added: max(c.Counts.Added, len(c.Added)), Removed: max(c.Counts.Removed, len(c.Removed)),
			Skipped: max(c.Counts.Skipped, len(c.Skipped)), Flaky: max(c.Counts.Flaky, len(c.Flaky)),
		}
		for _, l := range []*[]string{&c.Fixed, &c.Regressed, &c.Added, &c.Removed, &c.Skipped, &c.Flaky} {
			if *l == nil {
				*l = []string{}
			}
			if len(*l) > MaxNames {
				*l = (*l)[:MaxNames]
				c.Truncated = true
			}
		}
		if f := c.Findings; f != nil {
			if f.NewByLevel == nil {
				f.NewByLevel = map[string]int{}
			}
			if f.NewList == nil {
				f.NewList = []Finding{}
			}
			if len(f.NewList) > MaxNames {
				f.NewList, c.Truncated = f.NewList[:MaxNames], true
			}
		}
		if cv := c.Coverage; cv != nil {
			if cv.Uncovered == nil {
				cv.Uncovered = []UncoveredLines{}
			}
			if cv.NoData == nil {
				cv.NoData = []string{}
			}
			if len(cv.Uncovered) > MaxNames {
				cv.Uncovered, c.Truncated = cv.Uncovered[:MaxNames], true
			}
			if len(cv.NoData) > MaxNames {
				cv.NoData, c.Truncated = cv.NoData[:MaxNames], true
			}
		}
		for _, t := range []*TreeResult{c.Base, c.Repro, c.Head} {
			if t != nil && len(t.FailedTests) > MaxNames {
				t.FailedTests = t.FailedTests[:MaxNames]
				c.Truncated = true
			}
		}
	}
}

// FixedCount and RegressedCount sum over all checks, for the summary line.
func (p *Predicate) FixedCount() (n int) {
	for _, c := range p.Checks {
		n += c.Counts.Fixed
	}
	return n
}

// RegressedCount is the number of regressed tests over all checks.
func (p *Predicate) RegressedCount() (n int) {
	for _, c := range p.Checks {
		n += c.Counts.Regressed
	}
	return n
}
