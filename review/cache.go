package review

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/git-proof/git-proof/config"
)

// cacheVersion changes when the cache entry's shape or meaning does.
const cacheVersion = "review-cache/v1"

// cacheKey is the hex sha256 of everything a review depends on: the diff
// and contract sent, the reviewer's config (kind, preset, command, model,
// url and which key it uses), the prompt template and answer schema.
func cacheKey(r config.Reviewer, diffSHA, contractSHA, contractID string) string {
	k := struct {
		Version, Prompt, Schema    string
		Diff, Contract, ContractID string
		Name, Vendor, Kind, Preset string
		Model, URL, APIKeyEnv      string
		Command                    []string
	}{cacheVersion, PromptVersion, SchemaSHA256, diffSHA, contractSHA, contractID,
		r.Name, r.Vendor, r.Kind, r.Preset, r.Model, r.URL, r.APIKeyEnv, r.Command}
	b, _ := json.Marshal(k) // strings only
	return sha256Hex(b)
}

// cacheEntry is a cached ok review.
type cacheEntry struct {
	Key      string    `json:"key"`
	Result   Result    `json:"result"`
	Findings []Finding `json:"findings"`
}

// loadCache returns the cached review for key, if there is a valid one.
// A damaged entry is a miss.
func loadCache(dir, key string) (*cacheEntry, bool) {
	if dir == "" {
		return nil, false
	}
	data, err := os.ReadFile(filepath.Join(dir, key+".json"))
	if err != nil || len(data) > 2*MaxAnswerBytes {
		return nil, false
	}
	var e cacheEntry
	if json.Unmarshal(data, &e) != nil || e.Key != key || e.Result.Status != StatusOK || !validVerdict(e.Result.Verdict) {
		return nil, false
	}
	for _, f := range e.Findings {
		if !validSeverity(f.Severity) || !validCategory(f.Category) {
			return nil, false
		}
	}
	return &e, true
}

// storeCache writes an ok review atomically (a temporary file renamed).
func storeCache(dir, key string, r Result, fs []Finding) error {
	if dir == "" || r.Status != StatusOK {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("review cache: %w", err)
	}
	data, err := json.Marshal(cacheEntry{Key: key, Result: r, Findings: fs})
	if err != nil {
		return fmt.Errorf("review cache: %w", err)
	}
	f, err := os.CreateTemp(dir, key+".tmp*")
	if err != nil {
		return fmt.Errorf("review cache: %w", err)
	}
	_, werr := f.Write(data)
	cerr := f.Close()
	if werr != nil || cerr != nil {
		os.Remove(f.Name())
		return fmt.Errorf("review cache: writing %s: %v %v", f.Name(), werr, cerr)
	}
	if err := os.Rename(f.Name(), filepath.Join(dir, key+".json")); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("review cache: %w", err)
	}
	return nil
}
