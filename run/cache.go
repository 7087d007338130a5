package run

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/git-proof/git-proof/checks"
	"github.com/git-proof/git-proof/internal/atomicfile"
)

// cacheVersion changes when what a cached outcome means changes.
const cacheVersion = "git-proof check cache v1"

// maxCacheEntries bounds the cache; the oldest entries go first.
const maxCacheEntries = 2000

// resultCache keeps check outcomes by (tree, check definition, what the
// check sees of its environment) under the git directory, so a run against
// a base already checked does not run its checks again. Writes are atomic
// (temp file + rename), so concurrent runs share it safely.
type resultCache struct {
	dir string // "" disables the cache
	max int    // entries kept at most, about; 0 = maxCacheEntries
}

// cacheKey is the sha256 of everything an outcome depends on that
// git-proof can see: the tree, the check's definition, the variables it
// gets (minus the per-run HOME and TMPDIR), whether it has network, and
// the toolchain on its PATH (path, size and modification time of the
// usual tools: an upgraded compiler misses the cache).
func cacheKey(tree string, s spec, env []string, network string, tools string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n", cacheVersion, tree)
	def, _ := json.Marshal(struct {
		Name, Kind, Command, Format, Report, Coverage string
		Timeout                                       int64
		Repeat                                        int
	}{s.Name, s.kind, s.Command, s.Format, s.Report, s.Coverage, int64(s.Timeout), s.Repeat})
	h.Write(def)
	h.Write([]byte{'\n'})
	for _, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); k == "HOME" || k == "TMPDIR" {
			continue
		}
		fmt.Fprintf(h, "%s\n", kv)
	}
	fmt.Fprintf(h, "network %s\n%s", network, tools)
	return hex.EncodeToString(h.Sum(nil))
}

// toolFingerprint describes the usual tools on path, cheaply (stat only).
func toolFingerprint(path string) string {
	var b strings.Builder
	for _, name := range []string{"sh", "go", "node", "npm", "npx", "python3", "python", "pytest", "cargo", "rustc", "java", "mvn", "gradle", "make"} {
		p, err := lookPathIn(name, path)
		if err != nil {
			continue
		}
		fi, err := os.Stat(p)
		if err != nil {
			continue
		}
		fmt.Fprintf(&b, "%s %s %d %d\n", name, p, fi.Size(), fi.ModTime().UnixNano())
	}
	return b.String()
}

func lookPathIn(name, path string) (string, error) {
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			continue
		}
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", exec.ErrNotFound
}

func (c *resultCache) path(key string) string {
	return filepath.Join(c.dir, key[:2], key+".json")
}

// get returns a cached outcome, or false.
func (c *resultCache) get(key string) (*checks.Outcome, bool) {
	if c.dir == "" {
		return nil, false
	}
	b, err := os.ReadFile(c.path(key))
	if err != nil {
		return nil, false
	}
	var o checks.Outcome
	if json.Unmarshal(b, &o) != nil || o.Format == "" {
		return nil, false // damaged: run again
	}
	return &o, true
}

// put stores an outcome. An outcome that timed out is not stored: a
// machine under load says nothing about the tree. Failures to write only
// cost a run next time, so they are not errors.
func (c *resultCache) put(key string, o *checks.Outcome) {
	if c.dir == "" || o == nil || o.TimedOut {
		return
	}
	b, err := json.Marshal(o)
	if err != nil {
		return
	}
	p := c.path(key)
	if atomicfile.Write(p, b) != nil {
		return
	}
	// Keys are sha256, so the 256 shards fill evenly: the cache is
	// looked at whole only when the shard just written to holds twice
	// its share. Reading every shard and stat-ing every entry on each
	// put was ~3 ms of CPU in a cached run with a few dozen entries.
	if names, err := readDirNames(filepath.Dir(p)); err == nil && len(names) > 2*c.limit()/256 {
		c.trim()
	}
}

func (c *resultCache) limit() int {
	if c.max > 0 {
		return c.max
	}
	return maxCacheEntries
}

// trim keeps the cache under its limit, dropping the oldest entries.
func (c *resultCache) trim() {
	files, _ := filepath.Glob(filepath.Join(c.dir, "*", "*.json"))
	max := c.limit()
	if len(files) <= max {
		return
	}
	type entry struct {
		path string
		mod  int64
	}
	es := make([]entry, 0, len(files))
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil {
			es = append(es, entry{f, fi.ModTime().UnixNano()})
		}
	}
	sort.Slice(es, func(i, j int) bool { return es[i].mod < es[j].mod })
	for _, e := range es[:len(es)-max*3/4] {
		os.Remove(e.path)
	}
}
