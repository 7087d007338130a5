package policy

import (
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
)

//go:embed rego/*.rego
var embedded embed.FS

// Module is one Rego source file.
type Module struct {
	Name   string
	Source string
}

// Default returns the embedded default policy (without its tests).
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
		if e.IsDir() || !strings.HasSuffix(n, ".rego") || strings.HasSuffix(n, "_test.rego") != tests {
			continue
		}
		b, err := fs.ReadFile(fsys, dir+"/"+n)
		if err != nil {
			return nil, err
		}
		mods = append(mods, Module{Name: dir + "/" + n, Source: string(b)})
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

// Engine is a prepared policy, built once and evaluated per commit. It is
// safe for concurrent use.
type Engine struct {
	pq     rego.PreparedEvalQuery
	digest string
	conv   converter
}

// ErrPolicy: the policy does not compile or uses a forbidden builtin; fix
// the .rego files named in the message (`git proof policy test` helps).
var ErrPolicy = errors.New("policy error")

// New compiles modules into an engine. Network and runtime builtins are not
// available to policies, and builtin errors are errors, not silent
// undefined results.
func New(ctx context.Context, modules []Module) (*Engine, error) {
	if len(modules) == 0 {
		return nil, fmt.Errorf("%w: no policy modules", ErrPolicy)
	}
	opts := []func(*rego.Rego){
		rego.Query("data.proof"),
		rego.Capabilities(restrictedCapabilities()),
		rego.StrictBuiltinErrors(true),
		rego.SetRegoVersion(ast.RegoV1),
	}
	for _, m := range modules {
		mod, err := ast.ParseModuleWithOpts(m.Name, m.Source, ast.ParserOptions{RegoVersion: ast.RegoV1})
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrPolicy, err)
		}
		opts = append(opts, rego.ParsedModule(mod))
	}
	pq, err := rego.New(opts...).PrepareForEval(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrPolicy, err)
	}
	return &Engine{pq: pq, digest: Digest(modules)}, nil
}

// Digest is the sha256 over the policy's modules (name and source, sorted
// by name), recorded with every decision.
func Digest(modules []Module) string {
	ms := append([]Module(nil), modules...)
	sort.Slice(ms, func(i, j int) bool { return ms[i].Name < ms[j].Name })
	h := sha256.New()
	for _, m := range ms {
		fmt.Fprintf(h, "%d:%s\n%d:%s\n", len(m.Name), m.Name, len(m.Source), m.Source)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Digest returns the digest of the engine's modules.
func (e *Engine) Digest() string { return e.digest }

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
	val, err := e.conv.toValue(in)
	if err != nil {
		return nil, fmt.Errorf("policy input: %w", err)
	}
	rs, err := e.pq.Eval(ctx, rego.EvalParsedInput(val))
	if err != nil {
		return nil, fmt.Errorf("evaluate policy: %w", err)
	}
	res := &Result{Decision: "BLOCK", Deny: []string{}, Review: []string{}}
	if len(rs) == 0 || len(rs[0].Expressions) == 0 {
		res.Deny = append(res.Deny, "policy gave no decision (data.proof is undefined)")
		return res, nil
	}
	obj, ok := rs[0].Expressions[0].Value.(map[string]any)
	if !ok {
		res.Deny = append(res.Deny, "policy gave no decision (data.proof is not an object)")
		return res, nil
	}
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
