package checks

import (
	"context"
	"sort"
)

// RunRepeated runs spec spec.Repeat times (at least once) and merges the
// outcomes: a result whose status differs between runs is flaky, and
// counts as failed; exit code, time-out and parse error are the worst
// seen; duration and output digest are those of the first run. It stops
// at the first run that returns an error (ctx cancelled).
func RunRepeated(ctx context.Context, spec Spec, opts RunOptions) (*Outcome, error) {
	n := max(spec.Repeat, 1)
	var merged *Outcome
	statuses := map[string]map[Status]bool{}
	var order []string
	for i := 0; i < n; i++ {
		o, err := Run(ctx, spec, opts)
		if err != nil {
			return o, err
		}
		for _, r := range o.Results {
			if statuses[r.ID] == nil {
				statuses[r.ID] = map[Status]bool{}
				order = append(order, r.ID)
			}
			statuses[r.ID][r.Status] = true
		}
		if merged == nil {
			merged = o
			continue
		}
		if o.ExitCode != 0 && merged.ExitCode == 0 {
			merged.ExitCode = o.ExitCode
		}
		merged.CPU += o.CPU
		merged.TimedOut = merged.TimedOut || o.TimedOut
		merged.Truncated = merged.Truncated || o.Truncated
		if merged.ParseError == "" {
			merged.ParseError = o.ParseError
		}
	}
	merged.Runs = n
	if n == 1 {
		return merged, nil
	}
	sort.Strings(order)
	merged.Results = merged.Results[:0]
	for _, id := range order {
		st := statuses[id]
		switch {
		case len(st) > 1:
			merged.Flaky = append(merged.Flaky, id)
			merged.Results = append(merged.Results, Result{ID: id, Status: StatusFail})
		default:
			for s := range st {
				merged.Results = append(merged.Results, Result{ID: id, Status: s})
			}
		}
	}
	return merged, nil
}
