package review

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/git-proof/git-proof/config"
)

// BenchmarkReviewParallel runs three command reviewers that take 200, 300
// and 500 ms in one Run, and the slowest alone, and reports the ratio of
// the two wall times (median over the iterations): 1.0 is perfectly
// parallel; 2.0 would be sequential. Run it with
//
//	go test -run '^$' -bench ReviewParallel -benchtime 10x ./review
func BenchmarkReviewParallel(b *testing.B) {
	dir := b.TempDir()
	ans := filepath.Join(dir, "answer.json")
	if err := os.WriteFile(ans, []byte(testAnswer), 0o644); err != nil {
		b.Fatal(err)
	}
	mk := func(name, delay string) config.Reviewer {
		return config.Reviewer{Name: name, Vendor: name, Kind: KindCommand, Timeout: time.Minute,
			Command: []string{"sh", "-c", "cat > /dev/null; sleep " + delay + "; cat " + ans}}
	}
	three := []config.Reviewer{mk("r200", "0.2"), mk("r300", "0.3"), mk("r500", "0.5")}
	alone := three[2:]
	opts := Options{Getenv: env(map[string]string{"PATH": os.Getenv("PATH")})}
	run := func(rs []config.Reviewer) time.Duration {
		start := time.Now()
		rep, err := Run(context.Background(), rs, testInput(), opts)
		d := time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range rep.Reviewers {
			if r.Status != StatusOK {
				b.Fatalf("%s: %+v", r.Name, r.Failure)
			}
		}
		return d
	}
	var ratios []float64
	var par, one time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var p, a time.Duration
		if i%2 == 0 { // alternate the order, so that neither always runs warm
			p, a = run(three), run(alone)
		} else {
			a, p = run(alone), run(three)
		}
		par += p
		one += a
		ratios = append(ratios, float64(p)/float64(a))
	}
	slices.Sort(ratios)
	b.ReportMetric(ratios[len(ratios)/2], "ratio-median")
	b.ReportMetric(ratios[len(ratios)-1], "ratio-max")
	b.ReportMetric(float64(par.Milliseconds())/float64(b.N), "ms-three")
	b.ReportMetric(float64(one.Milliseconds())/float64(b.N), "ms-slowest-alone")
}
