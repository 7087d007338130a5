package gitx

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/git-proof/git-proof/internal/environ"
)

// configCache is every config value git reports for the repository, read
// with one `git config --list` instead of a process per key (a hook reads
// a dozen settings: 15 processes cost ~15 ms of a push).
//
// The cache is checked against the config files' sizes and modification
// times on every lookup, so a `git config` run meanwhile by anyone is seen.
type configCache struct {
	mu          sync.Mutex
	loaded      bool
	fingerprint string
	values      map[string][]string // canonical key → values in order
	keys        []string            // canonical keys in file order
	prefetch    *configRead         // started by Open; nil once used or dropped
}

// configRead is a `git config --list -z` started before the config files
// could be fingerprinted (Open does not know the git directory yet).
type configRead struct {
	start time.Time
	done  chan struct{}
	out   []byte
	err   error
}

// configSettle is how much older than a prefetched read every config file
// must be for the read to be used: a write during the read might not show
// in a coarse modification time (2 s on FAT, a tick elsewhere).
const configSettle = 2 * time.Second

func (r *Repo) prefetchConfig(ctx context.Context) *configRead {
	p := &configRead{start: time.Now(), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		p.out, p.err = r.Run(ctx, "config", "--list", "-z")
	}()
	return p
}

// configFingerprint describes the config files git reads for r (local,
// worktree, global, system), by size and modification time: stat calls
// only, far cheaper than running git. newest is the latest modification
// time among them.
func (r *Repo) configFingerprint() (fp string, newest time.Time) {
	var files []string
	if r.commonDir != "" {
		files = append(files, filepath.Join(r.commonDir, "config"))
	}
	if r.gitDir != "" {
		files = append(files, filepath.Join(r.gitDir, "config.worktree"))
	}
	if g := r.getenv("GIT_CONFIG_GLOBAL"); g != "" {
		files = append(files, g)
	} else {
		home := r.getenv("HOME")
		xdg := r.getenv("XDG_CONFIG_HOME")
		if xdg == "" && home != "" {
			xdg = filepath.Join(home, ".config")
		}
		if xdg != "" {
			files = append(files, filepath.Join(xdg, "git", "config"))
		}
		if home != "" {
			files = append(files, filepath.Join(home, ".gitconfig"))
		}
	}
	if s := r.getenv("GIT_CONFIG_SYSTEM"); s != "" {
		files = append(files, s)
	} else {
		files = append(files, "/etc/gitconfig")
	}
	var b strings.Builder
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil {
			fmt.Fprintf(&b, "%s %d %d\n", f, fi.Size(), fi.ModTime().UnixNano())
			if fi.ModTime().After(newest) {
				newest = fi.ModTime()
			}
		}
	}
	b.WriteString(r.getenv("GIT_CONFIG_PARAMETERS"))
	return b.String(), newest
}

// canonicalKey is how git compares keys: section and variable names are
// case-insensitive, a subsection is not.
func canonicalKey(key string) string {
	first := strings.IndexByte(key, '.')
	last := strings.LastIndexByte(key, '.')
	if first < 0 || last == first {
		return strings.ToLower(key)
	}
	return strings.ToLower(key[:first]) + key[first:last] + strings.ToLower(key[last:])
}

func (r *Repo) config(ctx context.Context) (*configCache, error) {
	c := r.cfg
	if c == nil {
		c = &configCache{}
	}
	fp, newest := r.configFingerprint()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.loaded && c.fingerprint == fp {
		return c, nil
	}
	c.fingerprint = fp
	var out []byte
	var err error
	if p := c.takePrefetch(newest); p != nil {
		out, err = p.out, p.err
	} else {
		out, err = r.Run(ctx, "config", "--list", "-z")
	}
	if err != nil && ExitCode(err) != 1 { // 1: no config at all here
		return nil, fmt.Errorf("read config: %w", err)
	}
	c.values, c.keys = map[string][]string{}, nil
	for _, rec := range bytes.Split(out, []byte{0}) {
		if len(rec) == 0 {
			continue
		}
		k, v, _ := bytes.Cut(rec, []byte{'\n'})
		key := canonicalKey(string(k))
		if _, ok := c.values[key]; !ok {
			c.keys = append(c.keys, key)
		}
		c.values[key] = append(c.values[key], string(v))
	}
	c.loaded = true
	return c, nil
}

// takePrefetch hands over Open's read of the config, once, if it is sure
// to show the files as they are: every one older than the read by
// configSettle (a file written since, or just before, drops it; so does a
// failed read); nil when there is none to use. c.mu is held.
func (c *configCache) takePrefetch(newest time.Time) *configRead {
	p := c.prefetch
	if p == nil {
		return nil
	}
	c.prefetch = nil
	<-p.done
	if (p.err != nil && ExitCode(p.err) != 1) || !newest.Before(p.start.Add(-configSettle)) {
		return nil
	}
	return p
}

func (r *Repo) invalidateConfig() {
	if r.cfg == nil {
		return
	}
	r.cfg.mu.Lock()
	r.cfg.loaded = false
	r.cfg.prefetch = nil
	r.cfg.mu.Unlock()
}

// ConfigGet returns the last value of a git config key and whether it is set.
func (r *Repo) ConfigGet(ctx context.Context, key string) (string, bool, error) {
	c, err := r.config(ctx)
	if err != nil {
		return "", false, err
	}
	v, ok := c.last(key)
	return v, ok, nil
}

// last is key's last value in what c read, and whether it is set.
func (c *configCache) last(key string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	vs := c.values[canonicalKey(key)]
	if len(vs) == 0 {
		return "", false
	}
	return vs[len(vs)-1], true
}

// ConfigGetBool returns a boolean git config key as git reads it
// (true/yes/on, false/no/off, any case, or an integer) and whether it is
// set. A value only git can say (a key with no "=", which is true; an
// empty one, false) or that is not a boolean is asked of
// `git config --type=bool`, whose error names the key.
func (r *Repo) ConfigGetBool(ctx context.Context, key string) (bool, bool, error) {
	v, ok, err := r.ConfigGet(ctx, key)
	if err != nil || !ok {
		return false, ok, err
	}
	switch strings.ToLower(v) {
	case "true", "yes", "on":
		return true, true, nil
	case "false", "no", "off":
		return false, true, nil
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return n != 0, true, nil
	}
	out, err := r.Run(ctx, "config", "--type=bool", "--get", key)
	switch {
	case err == nil:
		return strings.TrimSpace(string(out)) == "true", true, nil
	case ExitCode(err) == 1: // unset after all
		return false, false, nil
	}
	return false, true, fmt.Errorf("read config %s (true or false): %w", key, err)
}

// ConfigGetPath is ConfigGet with git's path expansion of a leading "~/"
// ("~user/" and "%(prefix)/" are left to git itself).
func (r *Repo) ConfigGetPath(ctx context.Context, key string) (string, bool, error) {
	v, ok, err := r.ConfigGet(ctx, key)
	if err != nil || !ok {
		return v, ok, err
	}
	switch {
	case strings.HasPrefix(v, "~/"):
		home := r.getenv("HOME")
		if home == "" {
			return "", false, fmt.Errorf("read config %s: %q needs $HOME", key, v)
		}
		return filepath.Join(home, v[2:]), true, nil
	case strings.HasPrefix(v, "~") || strings.HasPrefix(v, "%(prefix)/"):
		out, err := r.Run(ctx, "config", "--type=path", "--get", key)
		if err != nil {
			return "", false, fmt.Errorf("read config %s: %w", key, err)
		}
		return strings.TrimRight(string(out), "\n"), true, nil
	}
	return v, true, nil
}

// ConfigGetAll returns every value of a multi-valued key.
func (r *Repo) ConfigGetAll(ctx context.Context, key string) ([]string, error) {
	c, err := r.config(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.values[canonicalKey(key)]...), nil
}

// ConfigKeys returns the set keys (canonical: section and variable names
// lower-cased) for which match is true, in file order.
func (r *Repo) ConfigKeys(ctx context.Context, match func(key string) bool) ([]string, error) {
	c, err := r.config(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, k := range c.keys {
		if match(k) {
			out = append(out, k)
		}
	}
	return out, nil
}

// ConfigSet sets a key in the repository's local config.
func (r *Repo) ConfigSet(ctx context.Context, key, value string) error {
	defer r.invalidateConfig()
	if _, err := r.Run(ctx, "config", "--local", key, value); err != nil {
		return fmt.Errorf("set config %s: %w", key, err)
	}
	return nil
}

// ConfigAdd adds a value to a multi-valued key in the local config.
func (r *Repo) ConfigAdd(ctx context.Context, key, value string) error {
	defer r.invalidateConfig()
	if _, err := r.Run(ctx, "config", "--local", "--add", key, value); err != nil {
		return fmt.Errorf("add config %s: %w", key, err)
	}
	return nil
}

// Remotes lists the configured remotes.
func (r *Repo) Remotes(ctx context.Context) ([]string, error) {
	out, err := r.Run(ctx, "remote")
	if err != nil {
		return nil, fmt.Errorf("list remotes: %w", err)
	}
	return strings.Fields(string(out)), nil
}

// getenv reads a variable of the environment git runs with.
// Getenv is the value of k in the environment git runs with (Env, or
// this process's).
func (r *Repo) Getenv(k string) string { return r.getenv(k) }

// lookupEnv is k's value in the environment git runs with, and whether it
// is set there.
func (r *Repo) lookupEnv(k string) (string, bool) {
	if r.Env == nil {
		return os.LookupEnv(k)
	}
	return environ.Lookup(r.Env, k)
}

func (r *Repo) getenv(k string) string {
	if r.Env == nil {
		return os.Getenv(k)
	}
	return environ.Get(r.Env, k)
}
