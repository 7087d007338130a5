package astdiff

import (
	"context"
	"os"
	"sync"
	"testing"

	"github.com/git-proof/git-proof/astdiff/syntax"
)

type goldenCase struct {
	path     string
	old, new []byte
}

func loadGoldens(t *testing.T) []goldenCase {
	var out []goldenCase
	for _, file := range goldenFiles(t) {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		ar := parseArchive(data)
		old, new := ar.sides()
		out = append(out, goldenCase{ar.directive("path"), old, new})
	}
	return out
}

// TestConcurrent shares one Analyzer between goroutines (run it with -race):
// the results equal a sequential run.
func TestConcurrent(t *testing.T) {
	if !syntax.Available() {
		t.Skip("needs cgo")
	}
	az, _ := New()
	cases := loadGoldens(t)
	want := make([]string, len(cases))
	for i, c := range cases {
		want[i] = render(az.File(context.Background(), FileRequest{Path: c.path, Old: c.old, New: c.new}))
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, c := range cases {
				if got := render(az.File(context.Background(), FileRequest{Path: c.path, Old: c.old, New: c.new})); got != want[i] {
					t.Errorf("concurrent File(%s) = %s; want %s", c.path, got, want[i])
				}
			}
		}()
	}
	wg.Wait()
}

// TestIncrementalMatchesFull: reusing the old tree for the new side gives
// the same labels as parsing the new side from scratch.
func TestIncrementalMatchesFull(t *testing.T) {
	if !syntax.Available() {
		t.Skip("needs cgo")
	}
	inc, _ := New()
	full, _ := New(WithFullReparse())
	for _, c := range loadGoldens(t) {
		req := FileRequest{Path: c.path, Old: c.old, New: c.new}
		if a, b := render(inc.File(context.Background(), req)), render(full.File(context.Background(), req)); a != b {
			t.Errorf("File(%s) incremental:\n%s\nfull:\n%s", c.path, a, b)
		}
	}
}
