package review

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/git-proof/git-proof/config"
	"github.com/git-proof/git-proof/sarif"
)

// Options tune a Run. The zero value works: no cache, real clock, real
// network, this process's environment.
type Options struct {
	// CacheDir holds ok reviews keyed by their inputs; "" disables the
	// cache. Unavailable and skipped reviews are never cached.
	CacheDir string
	// Exclude are globs (config review.exclude) of files whose diffs are
	// left out of the prompt.
	Exclude []string
	// MaxDiffBytes bounds the diff sent (after Exclude); over it, every
	// reviewer is skipped. 0 means config.DefaultMaxDiffBytes.
	MaxDiffBytes int
	// TempDir is where command reviewers' sandboxes are made; "" is the
	// system's.
	TempDir string
	// HTTPClient sends API requests; nil is a plain *http.Client (the
	// reviewer's deadline bounds each call).
	HTTPClient Doer
	// Sleep waits between retries; nil waits on a timer, ending early with
	// ctx's error.
	Sleep func(ctx context.Context, d time.Duration) error
	// Jitter returns a number in [0, 1) for retry backoff; nil is
	// math/rand/v2.
	Jitter func() float64
	// Now is the clock for HTTP-date Retry-After headers; nil is time.Now.
	Now func() time.Time
	// Getenv reads PATH (for command reviewers) and API keys; nil is
	// os.Getenv.
	Getenv func(string) string
	// Rand is the source of the delimiter nonce; nil is crypto/rand.
	Rand io.Reader
}

// runOptions are Options with the defaults filled in.
type runOptions struct {
	cacheDir string
	tempDir  string
	http     Doer
	sleep    func(context.Context, time.Duration) error
	jitter   func() float64
	now      func() time.Time
	getenv   func(string) string
}

func (opts Options) resolve() *runOptions {
	o := &runOptions{cacheDir: opts.CacheDir, tempDir: opts.TempDir, http: opts.HTTPClient, sleep: opts.Sleep,
		jitter: opts.Jitter, now: opts.Now, getenv: opts.Getenv}
	if o.http == nil {
		o.http = &http.Client{}
	}
	if o.sleep == nil {
		o.sleep = sleepCtx
	}
	if o.jitter == nil {
		o.jitter = rand.Float64
	}
	if o.now == nil {
		o.now = time.Now
	}
	if o.getenv == nil {
		o.getenv = os.Getenv
	}
	return o
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Report is the outcome of one Run: what was sent (by digest), the secret
// scan, and each reviewer's result, in the order given.
type Report struct {
	PromptVersion string `json:"promptVersion"`
	// PromptSHA256 is the digest of this run's prompt (system prompt, blank
	// line, user prompt), the same for every reviewer asked in this run. A
	// cached result keeps the digest of the prompt it was made from (its
	// nonce differs).
	PromptSHA256 string `json:"promptSha256"`
	SchemaSHA256 string `json:"schemaSha256"`
	// DiffSHA256 is the digest of the diff sent, after Exclude.
	DiffSHA256     string `json:"diffSha256"`
	DiffBytes      int    `json:"diffBytes"`
	ContractSHA256 string `json:"contractSha256,omitempty"`
	ContractID     string `json:"contractId,omitempty"`
	// Excluded are the files left out by Exclude.
	Excluded   []string   `json:"excluded,omitempty"`
	SecretScan SecretScan `json:"secretScan"`
	Reviewers  []Result   `json:"reviewers"`
	// SARIFSHA256 is the digest of SARIF.
	SARIFSHA256 string `json:"sarifSha256"`
	// SARIF is a SARIF 2.1.0 log with one run per ok reviewer holding the
	// findings it kept; the caller stores it by SARIFSHA256.
	SARIF []byte `json:"-"`
}

// SecretScan is the result of scanning the outgoing prompt.
type SecretScan struct {
	// Scanned is false when the prompt was never built for sending (an
	// empty or oversized diff).
	Scanned bool        `json:"scanned"`
	Hits    []SecretHit `json:"hits,omitempty"`
}

// Result is one reviewer's outcome.
type Result struct {
	Name   string `json:"name"`
	Vendor string `json:"vendor"`
	Kind   string `json:"kind"`
	Preset string `json:"preset,omitempty"`
	// ModelRequested is the configured model ("" for a CLI's default);
	// Model is the model that answered, as the response reports it ("" when
	// it does not say, as codex does not).
	ModelRequested    string `json:"modelRequested,omitempty"`
	Model             string `json:"model,omitempty"`
	SystemFingerprint string `json:"systemFingerprint,omitempty"`
	// Status is ok, unavailable or skipped.
	Status  string   `json:"status"`
	Failure *Failure `json:"failure,omitempty"`
	// Verdict is approve, concerns or reject when Status is ok.
	Verdict string `json:"verdict,omitempty"`
	// Summary is the reviewer's own summary (untrusted text).
	Summary string `json:"summary,omitempty"`
	// Counts are the kept findings by severity; Dropped the findings whose
	// evidence is not in the diff.
	Counts  Counts `json:"counts"`
	Dropped int    `json:"dropped"`
	// PromptSHA256 is set when the prompt was handed to the reviewer.
	PromptSHA256 string `json:"promptSha256,omitempty"`
	SchemaSHA256 string `json:"schemaSha256"`
	// ResponseSHA256 is the digest of the response body or CLI output the
	// answer was read from.
	ResponseSHA256 string `json:"responseSha256,omitempty"`
	// FindingsSHA256 is the digest of the reviewer's SARIF run written
	// alone as a log (sarif.Write of that run).
	FindingsSHA256 string `json:"findingsSha256,omitempty"`
	DurationMs     int64  `json:"durationMs"`
	// Attempts counts HTTP requests or CLI runs; RetryWaitMs the time spent
	// waiting between them.
	Attempts    int    `json:"attempts"`
	RetryWaitMs int64  `json:"retryWaitMs"`
	Usage       *Usage `json:"usage,omitempty"`
	// Cached is set when the result came from the cache, not a call.
	Cached bool `json:"cached"`
}

// Run asks every reviewer, in parallel and each under its own deadline, to
// review in, and returns their results. A reviewer's failure is its
// result, never Run's error; Run fails only on invalid reviewers, when ctx
// ends before the reviewers do, or when the run cannot be set up.
//
// Before anything is sent, the files opts.Exclude names are cut from the
// diff and the prompt is scanned for secrets: on a hit, an empty diff or a
// diff over opts.MaxDiffBytes every reviewer is skipped.
//
// in.Contract must be the REDACTED contract: never pass holdouts.
func Run(ctx context.Context, reviewers []config.Reviewer, in Input, opts Options) (*Report, error) {
	if err := checkReviewers(reviewers); err != nil {
		return nil, err
	}
	if err := checkRedacted(in.Contract); err != nil {
		return nil, err
	}
	o := opts.resolve()
	diff, excluded := excludeFiles(string(in.Diff), opts.Exclude)
	sent := Input{Contract: in.Contract, Diff: []byte(diff), ContractID: in.ContractID}
	nonce, err := NewNonce(sent, opts.Rand)
	if err != nil {
		return nil, err
	}
	p := buildPrompt(sent, nonce)
	prompt := promptBytes(p.system, p.user)
	rep := &Report{PromptVersion: PromptVersion, PromptSHA256: sha256Hex(prompt), SchemaSHA256: SchemaSHA256,
		DiffSHA256: sha256Hex(sent.Diff), DiffBytes: len(diff), ContractID: in.ContractID, Excluded: excluded}
	if len(in.Contract) > 0 {
		rep.ContractSHA256 = sha256Hex(in.Contract)
	}
	maxDiff := opts.MaxDiffBytes
	if maxDiff <= 0 {
		maxDiff = config.DefaultMaxDiffBytes
	}
	results := make([]Result, len(reviewers))
	kept := make([][]Finding, len(reviewers))
	skip := func(class, msg string) {
		for i, r := range reviewers {
			results[i] = baseResult(r)
			results[i].Status = StatusSkipped
			results[i].Failure = &Failure{Class: class, Message: msg}
		}
	}
	switch {
	case strings.TrimSpace(diff) == "" && len(excluded) > 0:
		skip(ClassExcluded, fmt.Sprintf("every file of the diff is excluded by review.exclude (%s); nothing was sent", strings.Join(firstN(excluded, 5), ", ")))
	case strings.TrimSpace(diff) == "":
		skip(ClassEmpty, "the diff is empty; nothing was sent")
	case len(diff) > maxDiff:
		skip(ClassTooLarge, fmt.Sprintf("the diff is %d bytes, over review.maxDiffBytes (%d); nothing was sent: raise the limit or exclude generated files", len(diff), maxDiff))
	default:
		pd := parseDiff(diff)
		rep.SecretScan = SecretScan{Scanned: true, Hits: scanPrompt(p, pd)}
		if hits := rep.SecretScan.Hits; len(hits) > 0 {
			where := make([]string, 0, 5)
			for _, h := range firstN(hits, 5) {
				where = append(where, h.String())
			}
			skip(ClassSecret, fmt.Sprintf("the prompt holds what looks like a secret, so nothing was sent: %s; remove it from the change (and rotate it), or exclude the file with review.exclude", strings.Join(where, "; ")))
			break
		}
		files := pd.fileText(diff)
		var wg sync.WaitGroup
		for i, r := range reviewers {
			key := cacheKey(r, rep.DiffSHA256, rep.ContractSHA256, in.ContractID)
			if e, ok := loadCache(o.cacheDir, key); ok {
				results[i], kept[i] = e.Result, e.Findings
				results[i].Cached = true
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i], kept[i] = o.review(ctx, r, p, prompt, files)
				// A cache that cannot be written costs a later call, nothing
				// more.
				_ = storeCache(o.cacheDir, key, results[i], kept[i])
			}()
		}
		wg.Wait()
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("review: cancelled before every reviewer answered: %w", err)
	}
	rep.Reviewers = results
	var runs []sarif.Run
	for i, r := range results {
		if r.Status == StatusOK {
			runs = append(runs, sarifRun(r.Name, r.Model, kept[i]))
		}
	}
	var buf bytes.Buffer
	if err := sarif.Write(&buf, runs...); err != nil {
		return nil, fmt.Errorf("review: %w", err)
	}
	rep.SARIF = buf.Bytes()
	rep.SARIFSHA256 = sha256Hex(rep.SARIF)
	return rep, nil
}

func firstN[T any](s []T, n int) []T {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func baseResult(r config.Reviewer) Result {
	return Result{Name: r.Name, Vendor: r.Vendor, Kind: r.Kind, Preset: r.Preset, ModelRequested: r.Model, SchemaSHA256: SchemaSHA256}
}

// review asks one reviewer and checks its answer.
func (o *runOptions) review(ctx context.Context, r config.Reviewer, p promptParts, prompt []byte, files map[string]string) (Result, []Finding) {
	res := baseResult(r)
	timeout := r.Timeout
	if timeout <= 0 {
		timeout = config.DefaultReviewerTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	out := o.ask(ctx, r, p, prompt)
	res.DurationMs = time.Since(start).Milliseconds()
	res.Attempts, res.RetryWaitMs = out.attempts, out.retryWait.Milliseconds()
	if out.attempts > 0 {
		res.PromptSHA256 = sha256Hex(prompt)
	}
	if out.raw != nil {
		res.ResponseSHA256 = sha256Hex(out.raw)
	}
	info := reviewerInfo{name: r.Name, model: r.Model, keyEnv: r.APIKeyEnv, command: r.Kind == KindCommand}
	fail := func(fe *failError) (Result, []Finding) {
		res.Status = StatusUnavailable
		msg := fe.Error()
		if h := hint(fe.class, info); h != "" {
			msg += "; " + h
		}
		res.Failure = &Failure{Class: fe.class, Transient: Transient(fe.class), Attempts: out.attempts, Message: clip(msg, 2*MaxMessageBytes)}
		return res, nil
	}
	if out.err != nil {
		return fail(out.err)
	}
	a := out.answer
	res.Model, res.SystemFingerprint, res.Usage = clip(a.model, 200), clip(a.fingerprint, 200), a.usage
	v, err := ParseVerdict(a.json)
	if err != nil {
		return fail(&failError{class: ClassMalformedOutput, msg: "the answer is not a valid verdict", err: err})
	}
	kept, dropped := checkEvidence(v.Findings, files)
	var buf bytes.Buffer
	if err := sarif.Write(&buf, sarifRun(r.Name, res.Model, kept)); err != nil {
		return fail(&failError{class: ClassMalformedOutput, msg: "its findings cannot be written as SARIF", err: err})
	}
	res.Status = StatusOK
	res.Verdict, res.Summary = v.Verdict, clip(v.Summary, MaxSummaryBytes)
	res.Counts, res.Dropped = countFindings(kept), dropped
	res.FindingsSHA256 = sha256Hex(buf.Bytes())
	return res, kept
}

// outcome is what asking a reviewer gave.
type outcome struct {
	answer    *answer
	err       *failError
	raw       []byte // the response the answer was (to be) read from
	attempts  int
	retryWait time.Duration
}

// ask sends the prompt to the reviewer and reads its answer.
func (o *runOptions) ask(ctx context.Context, r config.Reviewer, p promptParts, prompt []byte) outcome {
	if r.Kind == KindCommand {
		a, err := o.runCommand(ctx, r, prompt)
		if err != nil {
			fe := asFailure(err)
			attempts := 1
			if fe.class == ClassNotInstalled {
				attempts = 0
			}
			return outcome{err: fe, attempts: attempts}
		}
		return outcome{answer: a, raw: a.raw, attempts: 1}
	}
	key := ""
	if r.APIKeyEnv != "" {
		key = o.getenv(r.APIKeyEnv)
	}
	base := r.URL
	if base == "" {
		base = map[string]string{KindOpenAI: DefaultOpenAIURL, KindAnthropic: DefaultAnthropicURL, KindGemini: DefaultGeminiURL}[r.Kind]
		if key == "" {
			return outcome{err: failf(ClassAuth, "$%s is not set, so nothing was sent", r.APIKeyEnv)}
		}
	}
	var call httpCall
	var parse func([]byte) (*answer, error)
	switch r.Kind {
	case KindOpenAI:
		call, parse = openaiCall(base, r.Model, key, p.system, p.user), parseOpenAIResponse
	case KindAnthropic:
		call, parse = anthropicCall(base, r.Model, key, p.system, p.user), parseAnthropicResponse
	default:
		call, parse = geminiCall(base, r.Model, key, p.system, p.user), parseGeminiResponse
	}
	hr, ce := o.send(ctx, call)
	if ce != nil {
		return outcome{err: ce.failError, attempts: ce.attempts, retryWait: ce.retryWait}
	}
	out := outcome{raw: hr.body, attempts: hr.attempts, retryWait: hr.retryWait}
	a, err := parse(hr.body)
	if err != nil {
		out.err = asFailure(err)
		return out
	}
	out.answer = a
	return out
}

// asFailure is err as a classified failure (malformed output if it is not
// one).
func asFailure(err error) *failError {
	var fe *failError
	if errors.As(err, &fe) {
		return fe
	}
	return &failError{class: ClassMalformedOutput, msg: "unreadable output", err: err}
}

// checkRedacted refuses a contract that still holds its holdouts: a
// reviewer must never see them (its findings may be shown to whoever works
// on the change).
func checkRedacted(contract []byte) error {
	var top map[string]json.RawMessage
	if json.Unmarshal(contract, &top) != nil {
		return nil // not a JSON object: nothing to check
	}
	for k := range top {
		if strings.EqualFold(k, "holdouts") || strings.EqualFold(k, "holdoutScenarios") {
			return fmt.Errorf("review: the contract still holds %q; pass the redacted contract (without holdouts) to review.Run", k)
		}
	}
	return nil
}

// Reviewer kinds.
const (
	KindCommand   = "command"
	KindOpenAI    = "openai"
	KindAnthropic = "anthropic"
	KindGemini    = "gemini"
)

// checkReviewers checks what Run relies on; config.Parse has checked it
// already for reviewers read from a config file.
func checkReviewers(rs []config.Reviewer) error {
	seen := map[string]bool{}
	for i, r := range rs {
		bad := func(format string, a ...any) error {
			return fmt.Errorf("review: reviewer %d (%q): %s; fix it in %s", i, r.Name, fmt.Sprintf(format, a...), config.Path)
		}
		if !config.ValidReviewerName(r.Name) {
			return bad("the name must be 1-64 of a-z, 0-9 and '-'")
		}
		if seen[r.Name] {
			return bad("the name is used twice")
		}
		seen[r.Name] = true
		switch r.Kind {
		case KindCommand:
			switch {
			case r.Preset == PresetClaude || r.Preset == PresetCodex || r.Preset == PresetGemini:
			case r.Preset != "":
				return bad("preset %q is not claude, codex or gemini", r.Preset)
			case len(r.Command) == 0 || r.Command[0] == "":
				return bad("kind command needs a preset or a command")
			}
		case KindOpenAI, KindAnthropic, KindGemini:
			if r.Model == "" {
				return bad("kind %s needs a model", r.Kind)
			}
		default:
			return bad("kind %q is not command, openai, anthropic or gemini", r.Kind)
		}
		if r.Model != "" && !config.ValidModel(r.Model) {
			return bad("model %q is not a model name", r.Model)
		}
	}
	return nil
}
