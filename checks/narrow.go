package checks

import "slices"

// WithBase fills a narrowed run out to a whole tree. ran is a run of only
// some packages of a tree that differs from base's tree in those packages
// alone (the repro tree: base's code with the change's test files, run for
// the packages whose test files changed); every other package would give
// base's results, so they are taken from base. A package ran when ran has
// a result for it or for one of its tests.
//
// ran is returned as it is when it is incomplete (timed out, or its report
// did not parse: a test that could not run fails there whatever base
// says), when base is nil or incomplete, or when either is not in the
// go-test-json format, the only one whose results name their package.
func WithBase(base, ran *Outcome) *Outcome {
	if ran == nil || base == nil || ran.Format != FormatGoTestJSON || base.Format != FormatGoTestJSON ||
		incomplete(ran) || incomplete(base) {
		return ran
	}
	ranPkgs := packageSet(ran.Results)
	basePkg := packageOf(base.Results)
	out := *ran
	out.Results = slices.Clone(ran.Results)
	for _, r := range base.Results {
		if !ranPkgs[basePkg[r.ID]] {
			out.Results = append(out.Results, r)
		}
	}
	slices.SortFunc(out.Results, func(a, b Result) int { return cmpString(a.ID, b.ID) })
	out.Flaky = slices.Clone(ran.Flaky)
	for _, id := range base.Flaky {
		if p, ok := basePkg[id]; !ok || !ranPkgs[p] {
			out.Flaky = append(out.Flaky, id)
		}
	}
	slices.Sort(out.Flaky)
	out.Flaky = slices.Compact(out.Flaky)
	return &out
}

func incomplete(o *Outcome) bool { return o.TimedOut || o.ParseError != "" || o.Truncated }

// packageOf maps each result ID to its package's ID: the package itself
// for a package's own result, the longest package ID it extends for a
// test's.
func packageOf(results []Result) map[string]string {
	ids := make(map[string]bool, len(results))
	for _, r := range results {
		ids[r.ID] = true
	}
	out := make(map[string]string, len(results))
	for _, r := range results {
		if p := testOf(r.ID, ids, nil); p != "" {
			out[r.ID] = p
		} else {
			out[r.ID] = r.ID
		}
	}
	// A subtest's package is its test's package.
	for id, p := range out {
		for {
			q, ok := out[p]
			if !ok || q == p {
				break
			}
			p = q
		}
		out[id] = p
	}
	return out
}

func packageSet(results []Result) map[string]bool {
	set := map[string]bool{}
	for _, p := range packageOf(results) {
		set[p] = true
	}
	return set
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
