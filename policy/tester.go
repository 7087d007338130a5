package policy

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/tester"
)

// TestReport is the outcome of RunTests.
type TestReport struct {
	Results []*tester.Result // in file and line order

	Passed, Failed, Errored, Skipped int
}

// OK reports whether no test failed or errored.
func (r *TestReport) OK() bool { return r.Failed == 0 && r.Errored == 0 }

// RunTests runs the test_ rules of tests against modules the way `opa
// test` does, with the engine's restrictions: the modules must build an
// Engine (New's checks), and neither they nor the tests may use network or
// environment builtins; a builtin error fails its test. opts are New's
// (WithData sets data.config for the tests too). A module or test that
// does not compile is an ErrPolicy error.
func RunTests(ctx context.Context, modules, tests []Module, opts ...Option) (*TestReport, error) {
	if _, err := New(ctx, modules, opts...); err != nil {
		return nil, err
	}
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	data, _, err := normalizeData(o.data)
	if err != nil {
		return nil, err
	}
	parsed, err := parseModules(append(append([]Module(nil), modules...), tests...))
	if err != nil {
		return nil, err
	}
	compiler := ast.NewCompiler().
		WithCapabilities(restrictedCapabilities()).
		WithEnablePrintStatements(true).
		WithDefaultRegoVersion(ast.RegoV1)
	ch, err := tester.NewRunner().
		SetCompiler(compiler).
		SetModules(parsed).
		SetStore(inmem.NewFromObject(map[string]any{"config": data})).
		RaiseBuiltinErrors(true).
		RunTests(ctx, nil)
	if err != nil {
		return nil, compileError(err)
	}
	rep := &TestReport{}
	for r := range ch {
		rep.Results = append(rep.Results, r)
		switch {
		case r.Skip:
			rep.Skipped++
		case r.Error != nil:
			rep.Errored++
		case r.Fail:
			rep.Failed++
		default:
			rep.Passed++
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("policy tests: %w", err)
	}
	slices.SortFunc(rep.Results, func(a, b *tester.Result) int {
		if a.Location == nil || b.Location == nil {
			return cmp.Compare(a.Package+"."+a.Name, b.Package+"."+b.Name)
		}
		return cmp.Or(cmp.Compare(a.Location.File, b.Location.File), cmp.Compare(a.Location.Row, b.Location.Row),
			cmp.Compare(a.Name, b.Name))
	})
	return rep, nil
}

// Report writes the results with r, e.g. tester.PrettyReporter{Output: w}.
func (rep *TestReport) Report(r tester.Reporter) error {
	ch := make(chan *tester.Result, len(rep.Results))
	for _, res := range rep.Results {
		ch <- res
	}
	close(ch)
	return r.Report(ch)
}
