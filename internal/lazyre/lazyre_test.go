package lazyre

import (
	"regexp"
	"slices"
	"sync"
	"testing"
)

// TestSameAsRegexp: each method answers as the compiled expression does.
func TestSameAsRegexp(t *testing.T) {
	const expr = `(\w+)@(\w+)`
	const in = "a@b, c@d and e"
	lr, re := New(expr), regexp.MustCompile(expr)
	if lr.MatchString(in) != re.MatchString(in) || lr.MatchString("none") != re.MatchString("none") {
		t.Error("MatchString differs")
	}
	if lr.FindString(in) != re.FindString(in) {
		t.Error("FindString differs")
	}
	if !slices.Equal(lr.FindStringIndex(in), re.FindStringIndex(in)) {
		t.Error("FindStringIndex differs")
	}
	if !slices.Equal(lr.FindStringSubmatch(in), re.FindStringSubmatch(in)) {
		t.Error("FindStringSubmatch differs")
	}
	if !slices.Equal(lr.FindAllString(in, -1), re.FindAllString(in, -1)) {
		t.Error("FindAllString differs")
	}
	if got, want := lr.FindAllStringSubmatch(in, -1), re.FindAllStringSubmatch(in, -1); len(got) != len(want) || !slices.Equal(got[1], want[1]) {
		t.Errorf("FindAllStringSubmatch: %q, want %q", got, want)
	}
	if lr.ReplaceAllString(in, "$2") != re.ReplaceAllString(in, "$2") {
		t.Error("ReplaceAllString differs")
	}
}

// TestConcurrentFirstUse: many goroutines using it first get one
// expression (run with -race).
func TestConcurrentFirstUse(t *testing.T) {
	lr := New(`^x+$`)
	var wg sync.WaitGroup
	got := make([]*regexp.Regexp, 8)
	for i := range got {
		wg.Go(func() { got[i] = lr.Regexp() })
	}
	wg.Wait()
	for _, r := range got {
		if r != got[0] || !r.MatchString("xx") {
			t.Fatal("first uses compiled different expressions")
		}
	}
}
