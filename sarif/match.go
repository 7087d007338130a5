package sarif

import (
	"cmp"
	"slices"
)

// Match compares the findings of the base tree with those of the head tree
// and splits them into the findings new at head, those fixed (present at base,
// gone at head) and those unchanged (present in both; the head's copy is
// returned, so its level and line are current). The rule is the one in the
// package documentation: pass 1 pairs equal Fingerprints, pass 2 pairs the
// rest by ContentHash unless both sides carry partial fingerprints. Counting
// is by multiset: two equal findings at base and three at head give one new.
//
// Each result is sorted by file, line, rule, message, level, tool and key.
// Findings without keys (built by hand) get them as Identify would without a
// snippet. The inputs are not modified.
func Match(base, head []Finding) (newFindings, fixed, unchanged []Finding) {
	b := prepare(base)
	h := prepare(head)
	bUsed := make([]bool, len(b))
	hUsed := make([]bool, len(h))

	// pair puts each unused base finding in the bucket bucketOf names and
	// matches each unused head finding to the first unused base finding of
	// the buckets candidates names: first among those at the same file and
	// line (so that of two equal findings the one that did not move is
	// kept), then among all. Queues are consumed from the front, so a pass
	// is linear in the number of findings.
	pair := func(bucketOf func(*Finding) string, candidates func(*Finding) []string) {
		type spot struct {
			bucket, file string
			line         int
		}
		exact := map[spot][]int{}
		loose := map[string][]int{}
		for i := range b {
			if !bUsed[i] {
				k := bucketOf(&b[i])
				s := spot{k, b[i].File, b[i].StartLine}
				exact[s] = append(exact[s], i)
				loose[k] = append(loose[k], i)
			}
		}
		pop := func(q []int) ([]int, int) {
			for len(q) > 0 && bUsed[q[0]] {
				q = q[1:]
			}
			if len(q) == 0 {
				return q, -1
			}
			return q[1:], q[0]
		}
		for _, sameLine := range []bool{true, false} {
			for j := range h {
				if hUsed[j] {
					continue
				}
				for _, k := range candidates(&h[j]) {
					i := -1
					if sameLine {
						s := spot{k, h[j].File, h[j].StartLine}
						exact[s], i = pop(exact[s])
					} else {
						loose[k], i = pop(loose[k])
					}
					if i >= 0 {
						bUsed[i], hUsed[j] = true, true
						unchanged = append(unchanged, h[j])
						break
					}
				}
			}
		}
	}
	// Pass 1: equal match keys.
	pair(func(f *Finding) string { return f.Fingerprint },
		func(f *Finding) []string { return []string{f.Fingerprint} })
	// Pass 2: equal content hashes, but never two findings that both carry
	// partial fingerprints: the tool said those differ.
	bucket := func(partial bool, hash string) string {
		if partial {
			return "p" + hash
		}
		return "c" + hash
	}
	pair(func(f *Finding) string { return bucket(f.fromPartial(), f.ContentHash) },
		func(f *Finding) []string {
			if f.fromPartial() {
				return []string{bucket(false, f.ContentHash)}
			}
			return []string{bucket(false, f.ContentHash), bucket(true, f.ContentHash)}
		})

	for j := range h {
		if !hUsed[j] {
			newFindings = append(newFindings, h[j])
		}
	}
	for i := range b {
		if !bUsed[i] {
			fixed = append(fixed, b[i])
		}
	}
	slices.SortFunc(newFindings, Compare)
	slices.SortFunc(fixed, Compare)
	slices.SortFunc(unchanged, Compare)
	return newFindings, fixed, unchanged
}

// prepare copies fs, fills missing keys and sorts the copy, so that pairing
// among equal keys does not depend on the order the tool printed.
func prepare(fs []Finding) []Finding {
	out := slices.Clone(fs)
	for i := range out {
		out[i].identified()
	}
	slices.SortFunc(out, Compare)
	return out
}

// Compare orders findings by file, start and end line, rule id, message,
// level, tool, suppression, fingerprint and content hash: the order Match
// returns them in.
func Compare(a, b Finding) int {
	return cmp.Or(
		cmp.Compare(a.File, b.File),
		cmp.Compare(a.StartLine, b.StartLine),
		cmp.Compare(a.EndLine, b.EndLine),
		cmp.Compare(a.RuleID, b.RuleID),
		cmp.Compare(a.Message, b.Message),
		cmp.Compare(a.Level, b.Level),
		cmp.Compare(a.Tool, b.Tool),
		compareBool(a.Suppressed, b.Suppressed),
		cmp.Compare(a.Fingerprint, b.Fingerprint),
		cmp.Compare(a.ContentHash, b.ContentHash),
	)
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}
