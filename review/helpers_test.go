package review

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"
)

// testDiff changes calc/calc.go: one removed line, two added.
var testDiff = strings.Join([]string{
	"diff --git a/calc/calc.go b/calc/calc.go",
	"index 1111111..2222222 100644",
	"--- a/calc/calc.go",
	"+++ b/calc/calc.go",
	"@@ -1,5 +1,6 @@",
	" package calc",
	" ",
	"-func Add(a, b int) int { return a - b }",
	"+// Add returns the sum of a and b.",
	"+func Add(a, b int) int { return a + b }",
	" ",
	" func Sub(a, b int) int { return a - b }",
}, "\n") + "\n"

// testContract is a redacted contract: no holdouts.
const testContract = `{"apiVersion":"git-proof.dev/contract/v1","id":"GP-1","intent":"Add must add.","holdoutCommitment":{"count":1,"sha256":"00"}}`

// holdoutText is text only the full contract holds; it must never reach a
// reviewer.
const holdoutText = "HOLDOUT-H1-add-negative-numbers"

// testAnswer has one finding that quotes the diff and one that does not.
const testAnswer = `{"verdict":"concerns","findings":[` +
	`{"file":"calc/calc.go","line":5,"severity":"major","category":"correctness","message":"Add ignores overflow.","evidence":"func Add(a, b int) int { return a + b }"},` +
	`{"file":"calc/calc.go","line":9,"severity":"critical","category":"security","message":"made up","evidence":"os.RemoveAll(\"/\")"}` +
	`],"summary":"Mostly fine."}`

func testInput() Input {
	return Input{Contract: []byte(testContract), Diff: []byte(testDiff), ContractID: "GP-1"}
}

// sleepRecorder is an Options.Sleep that records the waits and returns at
// once.
type sleepRecorder struct {
	mu     sync.Mutex
	delays []time.Duration
}

func (s *sleepRecorder) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.delays = append(s.delays, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleepRecorder) got() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.delays...)
}

// env is an Options.Getenv over a map.
func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func noJitter() float64 { return 0 }
