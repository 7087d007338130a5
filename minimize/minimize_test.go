package minimize

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/git-proof/git-proof/astdiff"
	"github.com/git-proof/git-proof/internal/gittest"
)

// needs is an oracle that passes when a candidate holds all of want.
func needs(want ...int) (Oracle, *int) {
	calls := 0
	return func(_ context.Context, cands [][]int) ([]bool, error) {
		out := make([]bool, len(cands))
		for i, c := range cands {
			calls++
			out[i] = true
			for _, w := range want {
				if !slices.Contains(c, w) {
					out[i] = false
				}
			}
		}
		return out, nil
	}, &calls
}

func TestDDMin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		n    int
		want []int
	}{
		{1, []int{0}},
		{2, []int{1}},
		{8, []int{3}},
		{8, []int{0, 7}},
		{16, []int{2, 3, 11}},
		{40, []int{5, 17, 18, 33}},
		{10, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.n, tt.want), func(t *testing.T) {
			t.Parallel()
			o, calls := needs(tt.want...)
			res, err := DDMin(context.Background(), tt.n, o, 0, true)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(res.Keep, tt.want) || !res.Minimal || res.Runs != *calls {
				t.Errorf("DDMin(%d) = %v minimal %v runs %d (oracle calls %d); want %v", tt.n, res.Keep, res.Minimal, res.Runs, *calls, tt.want)
			}
			if bound := tt.n*tt.n + 3*tt.n; res.Runs > bound {
				t.Errorf("%d runs, over ddmin's bound n²+3n = %d", res.Runs, bound)
			}
		})
	}
}

// TestDDMinInteraction: a change needing two hunks together (neither alone)
// is still reduced to both.
func TestDDMinInteraction(t *testing.T) {
	t.Parallel()
	o, _ := needs(4, 9)
	res, err := DDMin(context.Background(), 12, o, 0, false)
	if err != nil || !slices.Equal(res.Keep, []int{4, 9}) {
		t.Fatalf("DDMin = %+v, %v", res, err)
	}
}

func TestDDMinBudgetAndAssumptions(t *testing.T) {
	t.Parallel()
	o, calls := needs(3, 11)
	res, err := DDMin(context.Background(), 16, o, 4, false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Minimal || res.Runs != 4 || *calls != 4 || !slices.Contains(res.Keep, 3) || !slices.Contains(res.Keep, 11) {
		t.Errorf("budget 4: %+v (calls %d); want a passing, non-minimal result after 4 runs", res, *calls)
	}
	never := func(_ context.Context, cands [][]int) ([]bool, error) { return make([]bool, len(cands)), nil }
	if _, err := DDMin(context.Background(), 5, never, 0, true); err != ErrAssumption {
		t.Errorf("an oracle that fails the whole change: %v; want ErrAssumption", err)
	}
	res, err = DDMin(context.Background(), 0, never, 0, false)
	if err != nil || len(res.Keep) != 0 || !res.Minimal {
		t.Errorf("no hunks: %+v, %v", res, err)
	}
}

// TestApplyGit: applying every hunk of a real `git diff -U0` gives the new
// file, none the old; and any subset is what git applies.
func TestApplyGit(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	old := "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n"
	cases := map[string]string{
		"change, insert, delete": "a\nB\nc\nd\ninserted\ne\nf\nh\ni\nJ\n",
		"insert at top and end":  "top\na\nb\nc\nd\ne\nf\ng\nh\ni\nj\nend\n",
		"no newline at end":      "a\nb\nc\nd\ne\nf\ng\nh\ni\nj",
		"all gone":               "",
		"crlf":                   "a\r\nb\nc\nd\ne\nf\ng\nh\ni\nj\n",
	}
	for name, nw := range cases {
		t.Run(name, func(t *testing.T) {
			r.Write(map[string]string{"f.txt": old})
			a := r.Commit("old")
			r.Write(map[string]string{"f.txt": nw})
			b := r.Commit("new")
			patch := r.Git("diff", "-U0", "--no-color", a, b)
			fps, err := astdiff.ParseDiff([]byte(patch + "\n"))
			if err != nil || len(fps) != 1 {
				t.Fatalf("ParseDiff: %v %v", fps, err)
			}
			var hs []Hunk
			for _, h := range fps[0].Hunks {
				hs = append(hs, Hunk{h.OldStart, h.OldLines, h.NewStart, h.NewLines})
			}
			all := make([]bool, len(hs))
			for i := range all {
				all[i] = true
			}
			got, err := Apply([]byte(old), []byte(nw), hs, all)
			if err != nil || string(got) != nw {
				t.Errorf("Apply(all) = %q, %v; want %q", got, err, nw)
			}
			got, err = Apply([]byte(old), []byte(nw), hs, make([]bool, len(hs)))
			if err != nil || string(got) != old {
				t.Errorf("Apply(none) = %q, %v", got, err)
			}
			// Each single hunk, checked against git apply of that hunk.
			for k := range hs {
				keep := make([]bool, len(hs))
				keep[k] = true
				got, err := Apply([]byte(old), []byte(nw), hs, keep)
				if err != nil {
					t.Fatal(err)
				}
				if name == "crlf" {
					// git apply drops a CR at the end of a patch line (its
					// whitespace handling); Apply takes the line from the
					// head blob as it is, which Apply(all) == new checks.
					continue
				}
				want := gitApplyOne(t, old, patch, k)
				if want != "" && string(got) != want {
					t.Errorf("hunk %d: Apply = %q; git apply = %q", k, got, want)
				}
			}
		})
	}
}

// gitApplyOne applies hunk k of a one-file -U0 patch with git apply
// --unidiff-zero, "" when git cannot apply it alone.
func gitApplyOne(t *testing.T, old, patch string, k int) string {
	t.Helper()
	lines := strings.SplitAfter(patch, "\n")
	var head, hunk []string
	n := -1
	for _, l := range lines {
		if strings.HasPrefix(l, "@@") {
			n++
		}
		switch {
		case n < 0:
			head = append(head, l)
		case n == k:
			hunk = append(hunk, l)
		}
	}
	dir := t.TempDir()
	if err := writeFile(filepath.Join(dir, "f.txt"), old); err != nil {
		t.Fatal(err)
	}
	p := strings.Join(append(head, hunk...), "")
	if !strings.HasSuffix(p, "\n") {
		p += "\n"
	}
	cmd := exec.Command("git", "apply", "--unidiff-zero", "-")
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(p)
	if err := cmd.Run(); err != nil {
		return ""
	}
	b, err := readFile(filepath.Join(dir, "f.txt"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func FuzzApply(f *testing.F) {
	f.Add([]byte("a\nb\nc\n"), []byte("a\nB\nc\nd\n"), uint64(1))
	f.Add([]byte(""), []byte("x\n"), uint64(0))
	f.Add([]byte("a\nb"), []byte("b\na"), uint64(3))
	f.Fuzz(func(t *testing.T, old, nw []byte, seed uint64) {
		var hs []Hunk
		for _, h := range astdiff.LineDiff(old, nw) {
			hs = append(hs, Hunk{h.OldStart, h.OldLines, h.NewStart, h.NewLines})
		}
		all := make([]bool, len(hs))
		for i := range all {
			all[i] = true
		}
		got, err := Apply(old, nw, hs, all)
		if err != nil || !slices.Equal(got, nw) && !(len(got) == 0 && len(nw) == 0) {
			t.Fatalf("Apply(all) = %q, %v; want %q", got, err, nw)
		}
		got, err = Apply(old, nw, hs, make([]bool, len(hs)))
		if err != nil || !slices.Equal(got, old) && !(len(got) == 0 && len(old) == 0) {
			t.Fatalf("Apply(none) = %q, %v; want %q", got, err, old)
		}
		rng := rand.New(rand.NewPCG(seed, 1))
		keep := make([]bool, len(hs))
		for i := range keep {
			keep[i] = rng.IntN(2) == 0
		}
		if _, err := Apply(old, nw, hs, keep); err != nil {
			t.Fatalf("Apply(some) = %v", err)
		}
	})
}

// BenchmarkDDMinRuns reports the oracle runs ddmin uses for n hunks of
// which k are needed (spread out), beside ddmin's worst case n².
func BenchmarkDDMinRuns(b *testing.B) {
	for _, tc := range []struct{ n, k int }{{4, 1}, {8, 1}, {8, 2}, {16, 1}, {16, 3}, {32, 1}, {32, 4}, {64, 2}, {64, 8}, {128, 4}} {
		b.Run(fmt.Sprintf("n=%d,k=%d", tc.n, tc.k), func(b *testing.B) {
			var want []int
			for i := 0; i < tc.k; i++ {
				want = append(want, (2*i+1)*tc.n/(2*tc.k))
			}
			var runs int
			for b.Loop() {
				o, _ := needs(want...)
				res, err := DDMin(context.Background(), tc.n, o, 0, false)
				if err != nil || len(res.Keep) != tc.k {
					b.Fatalf("DDMin = %+v, %v", res, err)
				}
				runs = res.Runs
			}
			b.ReportMetric(float64(runs), "runs")
			b.ReportMetric(float64(tc.n*tc.n), "bound")
		})
	}
}
