package checks

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"

	"github.com/git-proof/git-proof/config"
	"github.com/git-proof/git-proof/internal/environ"
)

// EnvOptions describe the hermetic environment of one check run.
type EnvOptions struct {
	// From is the environment variables are taken from (git-proof's own);
	// nil means this process's.
	From []string
	// Pass names variables taken from From beyond the defaults (the
	// check's env:). Credential-like names are dropped whatever Pass says.
	Pass []string
	// Home is the run's own HOME (a fresh temporary directory).
	Home string
	// TmpDir is its TMPDIR; "" means Home/tmp.
	TmpDir string
	// SourceDateEpoch is the commit time of the tree being checked (Unix
	// seconds); 0 leaves SOURCE_DATE_EPOCH unset.
	SourceDateEpoch int64
	// Caches are the user's build and module caches (GOCACHE, GOMODCACHE,
	// npm_config_cache, PIP_CACHE_DIR → directory); see UserCaches.
	Caches map[string]string
}

// HermeticEnv returns the environment a check runs with: PATH, a temporary
// HOME and TMPDIR, TZ=UTC, LC_ALL=C.UTF-8, SOURCE_DATE_EPOCH, GOTOOLCHAIN=local,
// the user's build caches (content-addressed and free of secrets, and a cold
// toolchain would make every run slow: DESIGN §8), and the variables the
// check asks for, never one that looks like a credential. It also returns
// the names of the variables taken from the caller's environment, for the
// record.
func HermeticEnv(o EnvOptions) (env, passed []string) {
	from := o.From
	if from == nil {
		from = os.Environ()
	}
	get := func(k string) (string, bool) { return environ.Lookup(from, k) }
	if o.TmpDir == "" {
		o.TmpDir = filepath.Join(o.Home, "tmp")
	}
	set := map[string]string{
		"HOME":        o.Home,
		"TMPDIR":      o.TmpDir,
		"TZ":          "UTC",
		"LC_ALL":      "C.UTF-8",
		"GOTOOLCHAIN": "local",
	}
	if v, ok := get("PATH"); ok {
		set["PATH"] = v
		passed = append(passed, "PATH")
	} else {
		set["PATH"] = "/usr/local/bin:/usr/bin:/bin"
	}
	if o.SourceDateEpoch > 0 {
		set["SOURCE_DATE_EPOCH"] = strconv.FormatInt(o.SourceDateEpoch, 10)
	}
	for k, dir := range o.Caches {
		if dir != "" {
			set[k] = dir
		}
	}
	for _, k := range o.Pass {
		if config.LooksLikeCredential(k) {
			continue
		}
		if v, ok := get(k); ok {
			set[k] = v
			if !slices.Contains(passed, k) {
				passed = append(passed, k)
			}
		}
	}
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		env = append(env, k+"="+set[k])
	}
	sort.Strings(passed)
	return env, passed
}

// UserCaches finds the build and module caches a check should share with
// the user: from the environment when set there, else the tools' defaults
// under the user's real home. npm's and pip's are returned when they
// exist; Go's when the path is absolute and is a directory or nothing yet:
// go makes its caches on first use, as it would for the user, where a
// check without them would build everything, every run, in its emptied
// HOME (a fresh machine's first runs: 17 s against 0.6 s in bench/run).
func UserCaches(from []string, goEnv func(key string) string) map[string]string {
	if from == nil {
		from = os.Environ()
	}
	get := func(k string) string { return environ.Get(from, k) }
	home := get("HOME")
	caches := map[string]string{}
	pick := func(k string, orMissing bool, candidates ...string) {
		for _, c := range candidates {
			if c == "" {
				continue
			}
			fi, err := os.Stat(c)
			if err == nil && fi.IsDir() || orMissing && filepath.IsAbs(c) && errors.Is(err, fs.ErrNotExist) {
				caches[k] = c
				return
			}
		}
	}
	var gocache, gomod string
	if goEnv != nil {
		gocache, gomod = goEnv("GOCACHE"), goEnv("GOMODCACHE")
	}
	pick("GOCACHE", true, get("GOCACHE"), gocache)
	pick("GOMODCACHE", true, get("GOMODCACHE"), gomod)
	pick("npm_config_cache", false, get("npm_config_cache"), joinIf(home, ".npm"))
	pick("PIP_CACHE_DIR", false, get("PIP_CACHE_DIR"), joinIf(home, ".cache", "pip"))
	return caches
}

func joinIf(base string, elem ...string) string {
	if base == "" {
		return ""
	}
	return filepath.Join(append([]string{base}, elem...)...)
}
