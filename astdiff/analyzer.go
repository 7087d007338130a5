package astdiff

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"path"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/git-proof/git-proof/astdiff/syntax"
)

// Analyzer labels the hunks of changed files. Build one with New and use it
// for many files; it is safe for concurrent use (each call parses on its own
// parser; grammar tables are loaded once and then only read).
type Analyzer struct {
	maxBytes    int
	timeout     time.Duration
	maxNodes    int
	incremental bool
	seed        maphash.Seed
	langs       map[syntax.Lang]*langSlot // fixed at New; each slot fills once
}

type langSlot struct {
	once sync.Once
	tab  *table
	err  error
}

// Option configures an Analyzer.
type Option func(*Analyzer) error

// WithMaxFileBytes sets the size above which a file (either side) is
// labelled line-level. The default is 1 MiB.
func WithMaxFileBytes(n int) Option {
	return func(a *Analyzer) error {
		if n <= 0 {
			return fmt.Errorf("max file bytes %d: must be positive", n)
		}
		a.maxBytes = n
		return nil
	}
}

// WithParseTimeout bounds each parse; a file that runs over is line-level.
// The default is 2 s.
func WithParseTimeout(d time.Duration) Option {
	return func(a *Analyzer) error {
		if d <= 0 {
			return fmt.Errorf("parse timeout %v: must be positive", d)
		}
		a.timeout = d
		return nil
	}
}

// WithMaxNodes bounds the syntax nodes of one tree. The default is 2 M.
func WithMaxNodes(n int) Option {
	return func(a *Analyzer) error {
		if n <= 0 {
			return fmt.Errorf("max nodes %d: must be positive", n)
		}
		a.maxNodes = n
		return nil
	}
}

// WithFullReparse parses the new side from scratch instead of reusing the
// old tree with the hunks as edits, and copies both trees whole instead of
// collapsing the subtrees away from the hunks. Slower; it is the reference
// the fast path is tested against.
func WithFullReparse() Option {
	return func(a *Analyzer) error {
		a.incremental = false
		return nil
	}
}

// New returns an Analyzer with the given options.
func New(opts ...Option) (*Analyzer, error) {
	a := &Analyzer{
		maxBytes: DefaultMaxFileBytes, timeout: DefaultParseTimeout, maxNodes: DefaultMaxNodes,
		incremental: true, seed: maphash.MakeSeed(), langs: map[syntax.Lang]*langSlot{},
	}
	for _, l := range syntax.Langs() {
		a.langs[l] = &langSlot{}
	}
	for _, o := range opts {
		if err := o(a); err != nil {
			return nil, fmt.Errorf("astdiff: %w", err)
		}
	}
	return a, nil
}

// table returns the resolved table of l, loading the grammar on first use.
func (a *Analyzer) table(l syntax.Lang) (*table, error) {
	s, ok := a.langs[l]
	if !ok {
		return nil, fmt.Errorf("%w: %s", syntax.ErrUnsupported, l)
	}
	s.once.Do(func() {
		g, err := syntax.LoadGrammar(l)
		if err != nil {
			s.err = err
			return
		}
		s.tab, s.err = newTable(l, g, specFor(l))
	})
	return s.tab, s.err
}

// FileRequest is one changed file to analyse.
type FileRequest struct {
	// Path is the file's path in the new tree (the old one for a deletion):
	// it picks the grammar and the API rules.
	Path string
	// Old and New are the blobs; empty for an added or deleted file.
	Old, New []byte
	// Hunks are the file's hunks as `git diff -U0` gives them (see
	// ParseDiff). When nil they are computed with LineDiff. They must turn
	// Old into New, or every hunk is line-level.
	Hunks []Hunk
	// Binary says the caller knows the file is binary (git's numstat "-").
	Binary bool
}

// File labels every hunk of one file and lists its API changes. It never
// fails: whatever stops the syntax analysis makes the hunks line-level with
// the reason.
func (a *Analyzer) File(ctx context.Context, req FileRequest) FileResult {
	res := FileResult{Path: req.Path}
	hunks := req.Hunks
	if hunks == nil {
		hunks = LineDiff(req.Old, req.New)
	}
	res.Hunks = make([]HunkResult, len(hunks))
	for i, h := range hunks {
		res.Hunks[i] = HunkResult{Hunk: h}
	}
	if reason := a.safeAnalyze(ctx, req, hunks, &res); reason != "" {
		res.Reason = reason
		res.API = nil
		for i := range res.Hunks {
			res.Hunks[i] = lineLevel(HunkResult{Hunk: hunks[i]}, reason)
		}
	}
	return res
}

// safeAnalyze runs analyze and turns a panic, which would be a bug in this
// package, into a line-level result: one odd file must not stop a proof run.
// The fuzz tests fail on it.
func (a *Analyzer) safeAnalyze(ctx context.Context, req FileRequest, hunks []Hunk, res *FileResult) (reason string) {
	defer func() {
		if r := recover(); r != nil {
			reason = fmt.Sprintf("%s: %v", internalError, r)
		}
	}()
	return a.analyze(ctx, req, hunks, res)
}

// internalError starts the reason of a result cut short by a bug.
const internalError = "internal error"

// analyze fills res, or returns why the file is line-level.
func (a *Analyzer) analyze(ctx context.Context, req FileRequest, hunks []Hunk, res *FileResult) string {
	if len(hunks) == 0 {
		res.Language, _ = syntax.Detect(req.Path)
		return ""
	}
	if req.Binary || isBinary(req.Old) || isBinary(req.New) {
		return "binary"
	}
	lang, ok := syntax.Detect(req.Path)
	if !ok {
		if ext := path.Ext(req.Path); ext != "" {
			return "unsupported language " + ext
		}
		return "unsupported language"
	}
	res.Language = lang
	if !syntax.Available() {
		return "no cgo"
	}
	if n := max(len(req.Old), len(req.New)); n > a.maxBytes {
		return fmt.Sprintf("file %s over limit %s", size(n), size(a.maxBytes))
	}
	if !utf8.Valid(req.Old) || !utf8.Valid(req.New) {
		return "invalid UTF-8"
	}
	ol, nl := splitLines(req.Old), splitLines(req.New)
	if err := checkHunks(ol, nl, hunks); err != nil {
		return err.Error()
	}
	start := time.Now()
	old, new, err := a.parse(ctx, lang, req, ol, nl, hunks)
	if err != nil {
		return parseReason(err)
	}
	res.Language = old.t.Lang
	res.Stats.Parse = time.Since(start)
	res.Stats.Bytes = len(req.Old) + len(req.New)
	res.Stats.Nodes = len(old.t.Nodes) + len(new.t.Nodes)
	start = time.Now()
	fc := newFileClassifier(old, new)
	for i, h := range hunks {
		res.Hunks[i] = fc.classify(h)
	}
	switch {
	case old.t.Errors+new.t.Errors > 0:
		res.APISkipped = "parse errors" // error recovery reshapes whole regions
	case !old.tab.sp.fileAPI(req.Path, old) && !new.tab.sp.fileAPI(req.Path, new):
		res.APISkipped = "not a public source file"
	default:
		res.API = diffAPI(old.t.Lang, req.Path, old.apiDecls(), new.apiDecls())
	}
	res.ParseErrors = append(errorPlaces("old", old), errorPlaces("new", new)...)
	res.Stats.Classify = time.Since(start)
	return ""
}

// parse parses both sides into views. A C header that the C grammar cannot
// parse is retried as C++.
func (a *Analyzer) parse(ctx context.Context, lang syntax.Lang, req FileRequest, ol, nl lines, hunks []Hunk) (*view, *view, error) {
	old, new, err := a.parseAs(ctx, lang, req, ol, nl, hunks)
	if err != nil || lang != syntax.C || !syntax.IsHeader(req.Path) || old.t.Errors+new.t.Errors == 0 {
		return old, new, err
	}
	o2, n2, err2 := a.parseAs(ctx, syntax.CPP, req, ol, nl, hunks)
	if err2 == nil && o2.t.Errors+n2.t.Errors < old.t.Errors+new.t.Errors {
		return o2, n2, nil
	}
	return old, new, nil
}

func (a *Analyzer) parseAs(ctx context.Context, lang syntax.Lang, req FileRequest, ol, nl lines, hunks []Hunk) (*view, *view, error) {
	tab, err := a.table(lang)
	if err != nil {
		return nil, nil, err
	}
	p, err := syntax.NewParser(lang, tab.g)
	if err != nil {
		return nil, nil, err
	}
	defer p.Close()
	lim := syntax.Limits{Timeout: a.timeout, MaxNodes: a.maxNodes}
	pair := syntax.Pair{Old: req.Old, New: req.New}
	if a.incremental {
		pair.Edits = editsFor(ol, nl, hunks)
		pair.Focus = true
		pair.FocusOld, pair.FocusNew = focusRows(hunks)
	}
	ot, nt, err := p.ParsePair(ctx, pair, lim)
	if err != nil {
		return nil, nil, err
	}
	return newView(req.Path, ot, tab, a.seed), newView(req.Path, nt, tab, a.seed), nil
}

func parseReason(err error) string {
	switch {
	case errors.Is(err, syntax.ErrNoCgo):
		return "no cgo"
	case errors.Is(err, syntax.ErrTimeout):
		return "parse timeout"
	case errors.Is(err, syntax.ErrTooManyNodes):
		return "too many syntax nodes"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "cancelled"
	}
	return "parse failed: " + err.Error()
}

// isBinary applies git's test: a NUL byte in the first 8000 bytes.
func isBinary(b []byte) bool {
	return bytes.IndexByte(b[:min(len(b), binarySniffBytes)], 0) >= 0
}

func size(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// errorPlaces lists the parse errors of one side, at most ten.
func errorPlaces(side string, v *view) []string {
	var out []string
	for i := range v.t.Nodes {
		n := &v.t.Nodes[i]
		if n.IsError() || (n.Collapsed() && n.HasError()) {
			if len(out) == maxErrorPlaces {
				return append(out, "…")
			}
			out = append(out, fmt.Sprintf("%s %d:%d", side, n.StartRow+1, n.StartCol+1))
		}
	}
	return out
}
