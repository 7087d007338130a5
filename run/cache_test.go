package run

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/git-proof/git-proof/checks"
)

// TestResultCacheStaysBounded: put trims only when the shard it wrote to
// is over twice its share, which must still keep the whole cache within
// twice its limit, and keep what was put last.
func TestResultCacheStaysBounded(t *testing.T) {
	c := &resultCache{dir: t.TempDir(), max: 512}
	var last string
	for i := range 3000 {
		sum := sha256.Sum256([]byte(fmt.Sprint(i)))
		last = hex.EncodeToString(sum[:])
		c.put(last, &checks.Outcome{Format: checks.FormatExitCode, ExitCode: i % 3})
	}
	files, err := filepath.Glob(filepath.Join(c.dir, "*", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(files); n > 2*c.max+1 || n < c.max*3/4 {
		t.Errorf("%d entries after 3000 puts; want between %d and %d", n, c.max*3/4, 2*c.max+1)
	}
	if o, ok := c.get(last); !ok || o.ExitCode != 2999%3 {
		t.Errorf("the entry put last is gone or wrong: %v %v", o, ok)
	}
}
