package confidence

import (
	"fmt"
	"math"
	"sort"

	"github.com/git-proof/git-proof/proofpack"
)

// The weights of the components (see the package documentation).
const (
	WeightExecution    = 0.30
	WeightBaseline     = 0.15
	WeightHoldouts     = 0.35
	WeightPerVendor    = 0.10
	MaxWeightReviews   = 0.20
	unknownHoldoutsVal = 0.5
)

// Compute scores p's evidence.
func Compute(p *proofpack.Predicate) proofpack.Confidence {
	comps := []proofpack.ConfidenceComponent{execution(p), baseline(p), holdouts(p), reviews(p)}
	var num, den float64
	for _, c := range comps {
		num += c.Weight * c.Value
		den += c.Weight
	}
	score := 0.0
	if den > 0 {
		score = num / den
	}
	return proofpack.Confidence{Score: round2(score), Components: comps}
}

func execution(p *proofpack.Predicate) proofpack.ConfidenceComponent {
	passed, total := 0, 0
	for _, c := range p.Checks {
		total++
		if c.Head != nil && c.Head.Status == "pass" {
			passed++
		}
	}
	for _, l := range [][]proofpack.Criterion{p.Contract.Repro, p.Contract.Acceptance} {
		for _, c := range l {
			total++
			if c.Status == "pass" {
				passed++
			}
		}
	}
	c := proofpack.ConfidenceComponent{Name: "execution", Weight: WeightExecution}
	if total == 0 {
		c.Reason = "nothing ran"
		return c
	}
	c.Value = round2(float64(passed) / float64(total))
	c.Reason = fmt.Sprintf("%d of %d checks and criteria pass at head", passed, total)
	return c
}

func baseline(p *proofpack.Predicate) proofpack.ConfidenceComponent {
	bad, ran := 0, 0
	for _, c := range p.Checks {
		bad += len(c.Regressed) + len(c.Removed) + len(c.Skipped) + len(c.Flaky)
		if c.Base != nil {
			ran += c.Base.Passed + c.Base.Failed
		}
	}
	c := proofpack.ConfidenceComponent{Name: "baseline", Weight: WeightBaseline}
	c.Value = round2(math.Max(0, 1-float64(bad)/float64(max(ran, 1))))
	if bad == 0 {
		c.Reason = "nothing regressed, was removed, skipped or flaky"
	} else {
		c.Reason = fmt.Sprintf("%d test(s) regressed, removed, skipped or flaky of %d that ran on base", bad, ran)
	}
	return c
}

func holdouts(p *proofpack.Predicate) proofpack.ConfidenceComponent {
	c := proofpack.ConfidenceComponent{Name: "holdouts", Weight: WeightHoldouts, Value: unknownHoldoutsVal}
	h := p.Contract.Holdouts
	if h == nil || h.Total == 0 {
		c.Reason = "no holdouts: unknown"
		return c
	}
	c.Value = round2(float64(h.Passed) / float64(h.Total))
	c.Reason = fmt.Sprintf("%d of %d holdouts pass", h.Passed, h.Total)
	return c
}

var verdictValue = map[string]float64{"approve": 1, "concerns": 0.5, "reject": 0}

func reviews(p *proofpack.Predicate) proofpack.ConfidenceComponent {
	c := proofpack.ConfidenceComponent{Name: "reviews"}
	if p.Reviews == nil {
		c.Reason = "no reviews"
		return c
	}
	vote := map[string]float64{}
	for _, r := range p.Reviews.Reviewers {
		v, ok := verdictValue[r.Verdict]
		if r.Status != "ok" || !ok {
			continue
		}
		vendor := r.Vendor
		if vendor == "" {
			vendor = r.Name
		}
		if old, seen := vote[vendor]; !seen || v < old {
			vote[vendor] = v
		}
	}
	if len(vote) == 0 {
		c.Reason = "no reviewer gave a verdict"
		return c
	}
	vendors := make([]string, 0, len(vote))
	sum := 0.0
	for k, v := range vote {
		vendors = append(vendors, k)
		sum += v
	}
	sort.Strings(vendors)
	c.Weight = math.Min(MaxWeightReviews, WeightPerVendor*float64(len(vote)))
	c.Value = round2(sum / float64(len(vote)))
	c.Reason = fmt.Sprintf("%d vendor(s) voted (%v)", len(vote), vendors)
	return c
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }
