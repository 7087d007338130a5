package minimize

import (
	"context"
	"errors"
	"fmt"
	"sort"
)

// Oracle checks candidate subsets (each a sorted list of hunk indices) and
// says which pass. It may check them in parallel.
type Oracle func(ctx context.Context, candidates [][]int) ([]bool, error)

// Result is what ddmin found.
type Result struct {
	Keep    []int // the hunks of the smallest passing subset found, sorted
	Runs    int   // candidates the oracle checked
	Minimal bool  // Keep is 1-minimal; false when the budget ran out first
}

// ErrBudget is not returned: a spent budget ends the search with Minimal
// false. ErrAssumption is returned when the oracle contradicts ddmin's
// assumptions (the whole change must pass).
var ErrAssumption = errors.New("the whole change does not pass the oracle")

// DDMin minimizes the n hunks 0..n-1 against test, checking at most budget
// candidates (0: n*n, ddmin's worst case). It checks the whole change
// first only when checkAll is set (a caller that knows it passes saves a
// run).
func DDMin(ctx context.Context, n int, test Oracle, budget int, checkAll bool) (*Result, error) {
	if n < 0 {
		return nil, fmt.Errorf("ddmin: %d hunks", n)
	}
	if budget <= 0 {
		budget = max(n*n, 1)
	}
	res := &Result{}
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	seen := map[string]bool{} // a candidate's outcome, by its hunks
	key := func(c []int) string { return fmt.Sprint(c) }
	// check asks the oracle about the candidates not seen yet (at most the
	// budget left) and returns the index of the first passing one, or -1;
	// ok is false when the budget stopped it.
	check := func(cands [][]int) (int, bool, error) {
		var ask [][]int
		var idx []int
		for i, c := range cands {
			if v, done := seen[key(c)]; done {
				if v {
					return i, true, nil
				}
				continue
			}
			ask, idx = append(ask, c), append(idx, i)
		}
		if len(ask) == 0 {
			return -1, true, nil
		}
		truncated := false
		if left := budget - res.Runs; len(ask) > left {
			ask, idx, truncated = ask[:left], idx[:left], true
		}
		if len(ask) == 0 {
			return -1, false, nil
		}
		pass, err := test(ctx, ask)
		if err != nil {
			return -1, false, err
		}
		if len(pass) != len(ask) {
			return -1, false, fmt.Errorf("ddmin: oracle gave %d answers for %d candidates", len(pass), len(ask))
		}
		res.Runs += len(ask)
		first := -1
		for j, p := range pass {
			seen[key(ask[j])] = p
			if p && (first < 0 || idx[j] < first) {
				first = idx[j]
			}
		}
		return first, !truncated || first >= 0, nil
	}
	if checkAll {
		i, ok, err := check([][]int{all})
		if err != nil {
			return nil, err
		}
		if !ok {
			res.Keep = all
			return res, nil
		}
		if i < 0 {
			return nil, ErrAssumption
		}
	}
	seen[key(all)] = true
	seen[key([]int{})] = false // the base: nothing applied fails by assumption
	c, gran := all, 2
	for len(c) >= 2 {
		parts := split(c, gran)
		// Reduce to a subset.
		i, ok, err := check(parts)
		if err != nil {
			return nil, err
		}
		if i >= 0 {
			c, gran = parts[i], 2
			continue
		}
		if !ok {
			res.Keep = c
			return res, nil
		}
		// Reduce to a complement (with two parts, the complements are the
		// subsets already checked).
		if gran > 2 {
			comps := make([][]int, len(parts))
			for k := range parts {
				comps[k] = complement(c, parts[k])
			}
			i, ok, err = check(comps)
			if err != nil {
				return nil, err
			}
			if i >= 0 {
				c, gran = comps[i], max(gran-1, 2)
				continue
			}
			if !ok {
				res.Keep = c
				return res, nil
			}
		}
		if gran >= len(c) {
			break
		}
		gran = min(gran*2, len(c))
	}
	res.Keep, res.Minimal = c, true
	// A single hunk left: it is 1-minimal when the empty set fails, which
	// ddmin assumes.
	return res, nil
}

// split cuts c into n parts of nearly equal size, in order.
func split(c []int, n int) [][]int {
	var parts [][]int
	start := 0
	for i := 0; i < n; i++ {
		end := start + (len(c)-start)/(n-i)
		parts = append(parts, c[start:end:end])
		start = end
	}
	return parts
}

func complement(c, part []int) []int {
	drop := map[int]bool{}
	for _, x := range part {
		drop[x] = true
	}
	var out []int
	for _, x := range c {
		if !drop[x] {
			out = append(out, x)
		}
	}
	sort.Ints(out)
	return out
}
