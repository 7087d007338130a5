package policy

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
)

//go:embed rego/*.rego
var embedded embed.FS

// Module is one Rego source file. Name is where it came from, prefixed by
// its source's name ("default/proof.rego", ".proof/policy/strict.rego"): it
// is part of the policy digest and names the file in compile errors.
type Module struct {
	Name   string
	Source string
}

// SHA256 is the hex sha256 of the module's source.
func (m Module) SHA256() string {
	sum := sha256.Sum256([]byte(m.Source))
	return hex.EncodeToString(sum[:])
}

// Default returns the embedded default policy (without its tests), named
// "default/<file>".
func Default() []Module {
	mods, _ := load(embedded, "rego", false)
	return mods
}

// DefaultTests returns the embedded default policy's *_test.rego files.
func DefaultTests() []Module {
	mods, _ := load(embedded, "rego", true)
	return mods
}

func load(fsys fs.FS, dir string, tests bool) ([]Module, error) {
	ents, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var mods []Module
	for _, e := range ents {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".rego") || isTestFile(n) != tests {
			continue
		}
		b, err := fs.ReadFile(fsys, dir+"/"+n)
		if err != nil {
			return nil, err
		}
		mods = append(mods, Module{Name: SourceDefault + "/" + n, Source: string(b)})
	}
	return mods, nil
}

// Input is what a policy sees as `input`.
type Input struct {
	// Proofpack is the predicate: a struct with json tags (a
	// *proofpack.Predicate) or its JSON as a json.RawMessage.
	Proofpack any    `json:"proofpack"`
	Signer    Signer `json:"signer"`
	Commit    Commit `json:"commit"`
	Ref       string `json:"ref"`
	Context   string `json:"context"`
	// Approvals are the human sign-offs on the commit's tree transition
	// whose signature is valid and whose approver is trusted to approve.
	Approvals []Approval `json:"approvals"`
	// Rule is what the ref being decided requires.
	Rule Rule `json:"rule"`
}

// Approval is one verified, trusted sign-off.
type Approval struct {
	Principal string `json:"principal"`
	KeyID     string `json:"keyid"`
	Reason    string `json:"reason"`
	CreatedAt string `json:"createdAt"`
}

// Rule is the requirement of the ref being updated (or of a plain
// verification): Require is "AUTO_OK" (only AUTO_OK passes) or "approval"
// (REVIEW passes with a trusted approval by someone other than the
// record's signer; BLOCK never passes).
type Rule struct {
	Require string `json:"require"`
}

// Signer is what the verifier established about a record's signature.
type Signer struct {
	Signed    bool   `json:"signed"`
	Verified  bool   `json:"verified"`
	Trusted   bool   `json:"trusted"`
	Principal string `json:"principal,omitempty"`
	KeyID     string `json:"keyid,omitempty"`
}

// Commit is the commit being decided.
type Commit struct {
	ID      string   `json:"id"`
	Tree    string   `json:"tree"`
	Parents []string `json:"parents"`
}

// Result is a policy decision with its reasons.
type Result struct {
	Decision string   `json:"decision"`
	Deny     []string `json:"deny"`
	Review   []string `json:"review"`
}

// Reasons returns the deny reasons then the review reasons.
func (r *Result) Reasons() []string {
	return append(append([]string{}, r.Deny...), r.Review...)
}

// outputsQuery reads the policy's outputs.
const outputsQuery = `decision := [d | d := data.proof.decision]; deny := [x | some x in data.proof.deny]; review := [x | some x in data.proof.review]`

// Engine is a prepared policy, built once and evaluated per commit. It is
// safe for concurrent use.
type Engine struct {
	pq      rego.PreparedEvalQuery
	digest  string
	modules []Module
	data    []byte // canonical JSON of data.config; nil when there is none
	observe func(*Input, *Result)
	conv    converter
}

// ErrPolicy: the policy does not compile, uses a forbidden builtin, or a
// policy directory breaks a limit; fix the .rego files named in the message
// (`git proof policy test` helps).
var ErrPolicy = errors.New("policy error")

// Option configures New.
type Option func(*options)

type options struct {
	data    map[string]any
	observe func(*Input, *Result)
}

// WithData exposes data to policies as data.config (a policy reads
// data.config.riskThreshold). It must encode as a JSON object. The data is
// part of the engine's digest: the same modules with another threshold are
// another policy.
func WithData(data map[string]any) Option {
	return func(o *options) { o.data = data }
}

// WithEvalObserver calls f after each successful Eval with the input as
// given and the result, so that a caller that hands the engine to another
// package (a verify.Verifier) can see exactly what was evaluated. Evals may
// run concurrently: f must be safe for that, and must not modify either.
func WithEvalObserver(f func(in *Input, res *Result)) Option {
	return func(o *options) { o.observe = f }
}

// New compiles modules into an engine. Network and runtime builtins are not
// available to policies, and builtin errors are errors, not silent
// undefined results. Some module must define decision in package proof;
// the default policy does, and derives it from deny and review.
func New(ctx context.Context, modules []Module, opts ...Option) (*Engine, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if len(modules) == 0 {
		return nil, fmt.Errorf("%w: no policy modules", ErrPolicy)
	}
	data, canon, err := normalizeData(o.data)
	if err != nil {
		return nil, err
	}
	parsed, err := parseModules(modules)
	if err != nil {
		return nil, err
	}
	if !definesDecision(parsed) {
		return nil, fmt.Errorf("%w: no module defines decision in package proof; "+
			"with proof.policyDefault=false your policy must define it (AUTO_OK, REVIEW or BLOCK), or leave proof.policyDefault unset to keep the default", ErrPolicy)
	}
	ropts := []func(*rego.Rego){
		// Only the outputs, each through a comprehension: querying all of
		// data.proof would also hand back every helper rule's value (the
		// checks, the risk, ...), converted to Go for nothing; and a
		// comprehension over an output a policy does not define is empty
		// instead of undefined.
		rego.Query(outputsQuery),
		rego.Capabilities(restrictedCapabilities()),
		rego.StrictBuiltinErrors(true),
		rego.SetRegoVersion(ast.RegoV1),
		rego.Store(inmem.NewFromObject(map[string]any{"config": data})),
	}
	for _, m := range modules {
		ropts = append(ropts, rego.ParsedModule(parsed[m.Name]))
	}
	pq, err := rego.New(ropts...).PrepareForEval(ctx)
	if err != nil {
		return nil, compileError(err)
	}
	return &Engine{
		pq:      pq,
		digest:  digest(modules, canon),
		modules: append([]Module(nil), modules...),
		data:    canon,
		observe: o.observe,
	}, nil
}

// parseModules parses each module as Rego v1, keyed by name.
func parseModules(modules []Module) (map[string]*ast.Module, error) {
	parsed := make(map[string]*ast.Module, len(modules))
	for _, m := range modules {
		if _, dup := parsed[m.Name]; dup {
			return nil, fmt.Errorf("%w: two modules are named %q", ErrPolicy, m.Name)
		}
		mod, err := ast.ParseModuleWithOpts(m.Name, m.Source, ast.ParserOptions{RegoVersion: ast.RegoV1})
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrPolicy, err)
		}
		parsed[m.Name] = mod
	}
	return parsed, nil
}

// definesDecision reports whether a module of package proof has a rule
// named decision (a value, not a function). Without one data.proof.decision
// is always undefined and every commit would be blocked.
func definesDecision(mods map[string]*ast.Module) bool {
	decision := ast.VarTerm("decision")
	for _, m := range mods {
		if m.Package == nil || m.Package.Path.String() != "data.proof" {
			continue
		}
		for _, r := range m.Rules {
			if ref := r.Head.Ref(); len(ref) == 1 && ref[0].Equal(decision) && len(r.Head.Args) == 0 {
				return true
			}
		}
	}
	return false
}

// compileError wraps an OPA compile error, saying why a builtin is missing.
func compileError(err error) error {
	msg := err.Error()
	for _, b := range []string{"http.send", "net.", "opa.runtime"} {
		if strings.Contains(msg, "undefined function "+b) {
			return fmt.Errorf("%w: %s (network and environment builtins — http.send, net.*, opa.runtime — are not available to policies)", ErrPolicy, msg)
		}
	}
	return fmt.Errorf("%w: %s", ErrPolicy, msg)
}

// normalizeData turns data into what policies see (JSON values, numbers as
// json.Number) and its canonical JSON (object keys sorted). Empty data has
// no canonical form, so a policy without data keeps the digest of its
// modules alone.
func normalizeData(data map[string]any) (map[string]any, []byte, error) {
	if len(data) == 0 {
		return map[string]any{}, nil, nil
	}
	b, err := json.Marshal(data)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: policy data is not JSON: %v", ErrPolicy, err)
	}
	var norm map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&norm); err != nil {
		return nil, nil, fmt.Errorf("%w: policy data: %v", ErrPolicy, err)
	}
	canon, err := json.Marshal(norm) // maps marshal with sorted keys
	if err != nil {
		return nil, nil, fmt.Errorf("%w: policy data: %v", ErrPolicy, err)
	}
	return norm, canon, nil
}

// Digest is the sha256 over the policy's modules (name and source, sorted
// by name), recorded with every decision. It is the digest of an engine
// built from modules without data.
func Digest(modules []Module) string {
	return digest(modules, nil)
}

// DigestWithData is the digest of an engine built from modules with
// WithData(data).
func DigestWithData(modules []Module, data map[string]any) (string, error) {
	_, canon, err := normalizeData(data)
	if err != nil {
		return "", err
	}
	return digest(modules, canon), nil
}

func digest(modules []Module, canonData []byte) string {
	ms := append([]Module(nil), modules...)
	sort.Slice(ms, func(i, j int) bool { return ms[i].Name < ms[j].Name })
	h := sha256.New()
	for _, m := range ms {
		fmt.Fprintf(h, "%d:%s\n%d:%s\n", len(m.Name), m.Name, len(m.Source), m.Source)
	}
	if canonData != nil {
		// Module entries start with a digit, so this one cannot be mistaken
		// for a module.
		fmt.Fprintf(h, "data\n%d:%s\n", len(canonData), canonData)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Digest returns the digest of the engine's modules and data.
func (e *Engine) Digest() string { return e.digest }

// Modules returns the modules the engine was built from.
func (e *Engine) Modules() []Module { return append([]Module(nil), e.modules...) }

// Data returns a copy of the data policies see as data.config, or nil.
func (e *Engine) Data() map[string]any {
	if e.data == nil {
		return nil
	}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(e.data))
	dec.UseNumber()
	_ = dec.Decode(&m) // e.data was made by json.Marshal
	return m
}

// restrictedCapabilities are OPA's builtins without network and runtime
// access: a policy can only look at its input and data.
func restrictedCapabilities() *ast.Capabilities {
	caps := ast.CapabilitiesForThisVersion()
	var keep []*ast.Builtin
	for _, b := range caps.Builtins {
		if b.Name == "http.send" || b.Name == "opa.runtime" || strings.HasPrefix(b.Name, "net.") {
			continue
		}
		keep = append(keep, b)
	}
	caps.Builtins = keep
	caps.AllowNet = []string{}
	return caps
}

// Eval decides one input. An undefined or malformed decision is BLOCK, never
// an error that a caller could mistake for a pass.
func (e *Engine) Eval(ctx context.Context, in *Input) (*Result, error) {
	res, err := e.eval(ctx, in)
	if err == nil && e.observe != nil {
		e.observe(in, res)
	}
	return res, err
}

func (e *Engine) eval(ctx context.Context, in *Input) (*Result, error) {
	val, err := e.conv.toValue(in)
	if err != nil {
		return nil, fmt.Errorf("policy input: %w", err)
	}
	rs, err := e.pq.Eval(ctx, rego.EvalParsedInput(val))
	if err != nil {
		return nil, fmt.Errorf("evaluate policy: %w", err)
	}
	res := &Result{Decision: "BLOCK", Deny: []string{}, Review: []string{}}
	if len(rs) == 0 {
		res.Deny = append(res.Deny, "policy gave no result")
		return res, nil
	}
	obj := rs[0].Bindings
	ds, _ := obj["decision"].([]any)
	if len(ds) == 0 {
		res.Deny = append(res.Deny, "policy gave no decision (data.proof.decision is undefined)")
		return res, nil
	}
	obj["decision"] = ds[0]
	res.Deny = append(res.Deny, toStrings(obj["deny"])...)
	res.Review = toStrings(obj["review"])
	switch d, _ := obj["decision"].(string); d {
	case "AUTO_OK", "REVIEW", "BLOCK":
		res.Decision = d
	default:
		res.Deny = append(res.Deny, fmt.Sprintf("policy decision %q is not AUTO_OK, REVIEW or BLOCK", d))
	}
	if len(res.Deny) > 0 {
		// A deny reason always blocks, whatever the decision rule said.
		res.Decision = "BLOCK"
	}
	if res.Decision != "AUTO_OK" && len(res.Deny)+len(res.Review) == 0 {
		res.Review = append(res.Review, "policy decided "+res.Decision+" without giving a reason")
	}
	sort.Strings(res.Deny)
	sort.Strings(res.Review)
	return res, nil
}

func toStrings(v any) []string {
	arr, _ := v.([]any)
	out := []string{}
	for _, x := range arr {
		if s, ok := x.(string); ok {
			out = append(out, s)
		} else {
			b, _ := json.Marshal(x)
			out = append(out, string(b))
		}
	}
	return out
}
