package risk_test

import (
	"fmt"
	"math/rand"
	"reflect"
	"testing"
	"testing/quick"

	"github.com/git-proof/git-proof/proofpack"
	"github.com/git-proof/git-proof/risk"
)

// sensitivePool holds paths the default rules match; plainPool paths they
// do not.
var (
	sensitivePool = []string{
		".proof/config.yaml", ".proof/policy/a.rego", "CODEOWNERS", ".github/workflows/ci.yml",
		".gitlab-ci.yml", "ci/Jenkinsfile", ".husky/pre-commit", "lefthook.yml",
		"go.mod", "svc/go.sum", "web/package.json", "requirements-dev.txt", ".gitmodules",
	}
	plainPool = []string{"main.go", "a/b.go", "a/c.go", "docs/x.md", "web/app.ts", "img/logo.png", "a b/ü.go"}
)

// genInput is a random Input for testing/quick.
type genInput struct{ risk.Input }

func (genInput) Generate(r *rand.Rand, size int) reflect.Value {
	return reflect.ValueOf(genInput{randomInput(r, size)})
}

func randomInput(r *rand.Rand, size int) risk.Input {
	var in risk.Input
	for range r.Intn(size + 1) {
		in.Paths = append(in.Paths, randomPath(r))
	}
	for i := range r.Intn(4) {
		c := proofpack.Check{Name: fmt.Sprintf("c%d", i), Head: &proofpack.TreeResult{Status: "pass"}}
		if r.Intn(3) == 0 {
			c.Head.Status = "fail"
		}
		if r.Intn(5) == 0 {
			c.Head = nil
		}
		names := func(prefix string) []string {
			var out []string
			for j := range r.Intn(3) {
				out = append(out, fmt.Sprintf("%s.Test%d", prefix, j))
			}
			return out
		}
		c.Fixed, c.Regressed, c.Removed, c.Flaky = names("f"), names("r"), names("d"), names("f")
		c.Counts = proofpack.Counts{Fixed: r.Intn(3), Regressed: r.Intn(2)}
		in.Checks = append(in.Checks, c)
	}
	if r.Intn(2) == 0 {
		in.Hunks = &risk.HunkSummary{Essential: r.Intn(5), FormattingOnly: r.Intn(3), CommentOnly: r.Intn(3)}
		in.Hunks.Total = in.Hunks.Essential + in.Hunks.FormattingOnly + in.Hunks.CommentOnly
	}
	in.APIBreaks = r.Intn(3)
	in.APIChanges = in.APIBreaks + r.Intn(3)
	if r.Intn(2) == 0 {
		in.Dependencies = &risk.DepSummary{Added: r.Intn(3), Removed: r.Intn(3), Changed: r.Intn(3)}
	}
	return in
}

func randomPath(r *rand.Rand) risk.ChangedPath {
	pool := plainPool
	if r.Intn(4) == 0 {
		pool = sensitivePool
	}
	p := risk.ChangedPath{
		Path:   fmt.Sprintf("%d/", r.Intn(50)) + pool[r.Intn(len(pool))],
		Status: "ADMT"[r.Intn(4)], Additions: r.Intn(500), Deletions: r.Intn(500),
	}
	if r.Intn(3) == 0 {
		p.Path = pool[r.Intn(len(pool))]
	}
	if r.Intn(10) == 0 {
		p.Binary, p.Additions, p.Deletions = true, 0, 0
	}
	return p
}

func clone(in risk.Input) risk.Input {
	out := in
	out.Paths = append([]risk.ChangedPath(nil), in.Paths...)
	out.Checks = append([]proofpack.Check(nil), in.Checks...)
	for i := range out.Checks {
		out.Checks[i].Fixed = append([]string(nil), in.Checks[i].Fixed...)
	}
	return out
}

func quickConfig() *quick.Config {
	return &quick.Config{MaxCount: 2000, Rand: rand.New(rand.NewSource(1))}
}

func TestPropertyInvariants(t *testing.T) {
	t.Parallel()
	f := func(g genInput) bool {
		a, b := risk.Score(g.Input, risk.Config{}), risk.Score(g.Input, risk.Config{})
		if !reflect.DeepEqual(a, b) {
			t.Errorf("Score is not deterministic: %+v then %+v", a, b)
		}
		checkInvariants(t, a)
		return !t.Failed()
	}
	if err := quick.Check(f, quickConfig()); err != nil {
		t.Error(err)
	}
}

// lowered reports whether the change before → after lowered the score,
// and says how.
func lowered(t *testing.T, what string, before, after risk.Input) bool {
	t.Helper()
	b, a := risk.Score(before, risk.Config{}), risk.Score(after, risk.Config{})
	if a.Score < b.Score {
		t.Errorf("%s lowered the score from %v to %v:\nbefore %+v\nafter  %+v", what, b.Score, a.Score, b.Factors, a.Factors)
		return true
	}
	return false
}

func TestPropertyMoreFilesNeverLower(t *testing.T) {
	t.Parallel()
	f := func(g genInput, seed int64) bool {
		r := rand.New(rand.NewSource(seed))
		after := clone(g.Input)
		after.Paths = append(after.Paths, randomPath(r))
		return !lowered(t, "a changed path", g.Input, after)
	}
	if err := quick.Check(f, quickConfig()); err != nil {
		t.Error(err)
	}
}

func TestPropertyMoreLinesNeverLower(t *testing.T) {
	t.Parallel()
	f := func(g genInput, seed int64) bool {
		if len(g.Paths) == 0 {
			return true
		}
		r := rand.New(rand.NewSource(seed))
		after := clone(g.Input)
		p := &after.Paths[r.Intn(len(after.Paths))]
		p.Additions += r.Intn(1000)
		p.Deletions += r.Intn(1000)
		return !lowered(t, "more lines", g.Input, after)
	}
	if err := quick.Check(f, quickConfig()); err != nil {
		t.Error(err)
	}
}

func TestPropertySensitivePathNeverLowers(t *testing.T) {
	t.Parallel()
	f := func(g genInput, i uint8) bool {
		after := clone(g.Input)
		path := sensitivePool[int(i)%len(sensitivePool)]
		after.Paths = append(after.Paths, risk.ChangedPath{Path: path, Status: 'M', Additions: 1})
		b, a := risk.Score(g.Input, risk.Config{}), risk.Score(after, risk.Config{})
		if a.SensitiveCount != b.SensitiveCount+1 {
			t.Errorf("SensitiveCount %d → %d after adding %q; want one more", b.SensitiveCount, a.SensitiveCount, path)
		}
		return !lowered(t, "sensitive path "+path, g.Input, after)
	}
	if err := quick.Check(f, quickConfig()); err != nil {
		t.Error(err)
	}
}

func TestPropertyFixedTestNeverRaises(t *testing.T) {
	t.Parallel()
	f := func(g genInput, i uint8, newCheck bool) bool {
		after := clone(g.Input)
		if newCheck || len(after.Checks) == 0 {
			after.Checks = append(after.Checks, proofpack.Check{
				Name: "new", Head: &proofpack.TreeResult{Status: "pass"}, Fixed: []string{"n.TestFixed"},
			})
		} else {
			c := &after.Checks[int(i)%len(after.Checks)]
			c.Fixed = append(c.Fixed, fmt.Sprintf("n.TestFixed%d", i))
		}
		b, a := risk.Score(g.Input, risk.Config{}), risk.Score(after, risk.Config{})
		if a.Score > b.Score {
			t.Errorf("a fixed test raised the score from %v to %v:\nbefore %+v\nafter  %+v", b.Score, a.Score, b.Factors, a.Factors)
		}
		return !t.Failed()
	}
	if err := quick.Check(f, quickConfig()); err != nil {
		t.Error(err)
	}
}
