package checks

import (
	"slices"
	"strings"
)

// Comparison is how one check's results moved across the base, repro and
// head trees. Every list is sorted and holds each ID once.
type Comparison struct {
	// Fixed passes at head and fails at repro (at base when there is no
	// repro): the change fixed what its own tests caught. In this and the
	// next three lists a package is named only when none of its tests is.
	Fixed []string
	// Regressed passed at base and fails at head.
	Regressed []string
	// Added is present at head and absent at base.
	Added []string
	// Removed is present at base and absent at head.
	Removed []string
	// Skipped ran (passed or failed) at base and is skipped at head.
	Skipped []string
	// Flaky changed outcome between repeated runs on some tree; a flaky
	// test is never Fixed (a flaky repro is not a repro).
	Flaky []string
	// FailedAtHead is every result that fails at head.
	FailedAtHead []string
}

// Compare compares one check's outcomes on the base, repro and head trees.
// base and repro may be nil (no base tree, no repro run).
//
// A test's status at a tree is its own result there. Without one, it fails
// there if its package failed there without a single test result (it did
// not build, or its binary died before any test), or if the run there did
// not complete (it timed out, or its report did not parse): a test that
// could not run is not a removed test. Otherwise it is absent: a package
// that ran its tests and failed does not make the tests it lacks fail.
func Compare(base, repro, head *Outcome) Comparison {
	b, r, h := newStatusView(base), newStatusView(repro), newStatusView(head)
	ids := map[string]bool{}
	for _, v := range []*statusView{b, r, h} {
		for id := range v.byID {
			ids[id] = true
		}
	}
	sorted := make([]string, 0, len(ids))
	for id := range ids {
		sorted = append(sorted, id)
	}
	slices.Sort(sorted)
	pkgs := packagesOf(sorted, ids)
	for _, v := range []*statusView{b, r, h} {
		v.notePackages(pkgs)
	}

	ref := r
	if repro == nil {
		ref = b
	}
	var c Comparison
	flaky := map[string]bool{}
	for _, o := range []*Outcome{base, repro, head} {
		if o != nil {
			for _, id := range o.Flaky {
				flaky[id] = true
			}
		}
	}
	reported := map[string]bool{}
	for id := range flaky {
		reported[id] = true
	}
	for id := range reported {
		// A package with a flaky test may have failed because of it: it is
		// not fixed either, but the test is what is reported as flaky.
		if p := pkgs[id]; p != "" {
			flaky[p] = true
			reported[p] = false
		}
	}
	for _, id := range sorted {
		if reported[id] {
			c.Flaky = append(c.Flaky, id)
		}
		pkg := pkgs[id]
		sb, sr, sh := b.status(id, pkg), ref.status(id, pkg), h.status(id, pkg)
		if sh == StatusPass && sr == StatusFail && !flaky[id] {
			c.Fixed = append(c.Fixed, id)
		}
		if sb == StatusPass && sh == StatusFail {
			c.Regressed = append(c.Regressed, id)
		}
		if sh != "" && sb == "" {
			c.Added = append(c.Added, id)
		}
		if sb != "" && sh == "" {
			c.Removed = append(c.Removed, id)
		}
		if (sb == StatusPass || sb == StatusFail) && h.byID[id] == StatusSkip {
			c.Skipped = append(c.Skipped, id)
		}
		if h.byID[id] == StatusFail {
			c.FailedAtHead = append(c.FailedAtHead, id)
		}
	}
	for _, l := range []*[]string{&c.Fixed, &c.Regressed, &c.Added, &c.Removed, &c.Skipped} {
		*l = dropCoveredPackages(*l, pkgs)
	}
	return c
}

// dropCoveredPackages removes from list each package one of whose tests is
// in list too: the test is the evidence, and counting its package as well
// would count one fix twice. A package stays when none of its tests is
// listed, as when it failed to build or failed outside any test.
func dropCoveredPackages(list []string, pkgs map[string]string) []string {
	covered := map[string]bool{}
	for _, id := range list {
		if p := pkgs[id]; p != "" {
			covered[p] = true
		}
	}
	if len(covered) == 0 {
		return list
	}
	out := list[:0]
	for _, id := range list {
		if !covered[id] {
			out = append(out, id)
		}
	}
	return out
}

// statusView is an outcome indexed by result ID; a nil outcome is a view
// with no results.
type statusView struct {
	byID map[string]Status
	// incomplete: the run did not finish or could not be read, so what it
	// lacks may simply not have run.
	incomplete bool
	// ran holds the packages with at least one test result here.
	ran map[string]bool
}

func newStatusView(o *Outcome) *statusView {
	v := &statusView{byID: map[string]Status{}}
	if o == nil {
		return v
	}
	v.incomplete = o.TimedOut || o.ParseError != ""
	for _, res := range o.Results {
		v.byID[res.ID] = res.Status
	}
	return v
}

// notePackages records which packages ran tests in the view; pkgs maps
// test IDs to their package.
func (v *statusView) notePackages(pkgs map[string]string) {
	v.ran = map[string]bool{}
	for id := range v.byID {
		if p := pkgs[id]; p != "" {
			v.ran[p] = true
		}
	}
}

// status is a result's status in the view, "" when absent; pkg is the ID of
// its package, or "".
func (v *statusView) status(id, pkg string) Status {
	if s, ok := v.byID[id]; ok {
		return s
	}
	if pkg != "" {
		if s, ok := v.byID[pkg]; ok {
			if s == StatusFail && !v.ran[pkg] {
				return StatusFail // no test of it ran: it did not build
			}
			return "" // the package ran without this test
		}
	}
	if v.incomplete {
		return StatusFail
	}
	return ""
}

// packagesOf maps each test ID to the ID of its package, among ids. A
// result carries no package of its own, so it is found from the shape of
// go test IDs: "<package>.<Test>[/<subtest>...]", where the top-level test
// name is a Go identifier that starts with an upper-case letter (Test,
// Benchmark, Example, Fuzz) and subtests follow '/'. A package is an ID
// that is not itself a test of another ID, so that a subtest "x" is never
// taken for the package of a sibling subtest "x.y".
func packagesOf(sorted []string, ids map[string]bool) map[string]string {
	isRoot := func(id string) bool { return testOf(id, ids, nil) == "" }
	out := map[string]string{}
	for _, id := range sorted {
		if p := testOf(id, ids, isRoot); p != "" {
			out[id] = p
		}
	}
	return out
}

// testOf returns the longest ID in ids (that root accepts, when root is not
// nil) of which id looks like a test, or "".
func testOf(id string, ids map[string]bool, root func(string) bool) string {
	end := len(id)
	for end > 0 {
		seg := strings.LastIndexByte(id[:end], '/')
		// The top-level test name has no '.', so the package ends at the
		// last '.' of some '/'-segment.
		if dot := strings.LastIndexByte(id[seg+1:end], '.'); dot >= 0 {
			i := seg + 1 + dot
			if i > 0 && i+1 < len(id) && id[i+1] >= 'A' && id[i+1] <= 'Z' && ids[id[:i]] && (root == nil || root(id[:i])) {
				return id[:i]
			}
		}
		end = seg
	}
	return ""
}
