package run

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/git-proof/git-proof/internal/atomicfile"
	"github.com/git-proof/git-proof/internal/environ"
)

// goEnv asks the go command, if there is one on PATH, for its settings.
// When the environment sets both to absolute paths it need not: the
// variables win over go's env file and defaults, and UserCaches takes
// them first. Otherwise go's answer is kept in the user's cache directory
// (goEnvMemo) for as long as what it depends on is unchanged: a go
// process is ~4 ms of CPU on the way to the first check.
func goEnv(ctx context.Context, from []string) func(string) string {
	vals := map[string]string{}
	get := func(k string) string { return vals[k] }
	if c, m := environ.Get(from, "GOCACHE"), environ.Get(from, "GOMODCACHE"); filepath.IsAbs(c) && filepath.IsAbs(m) {
		vals["GOCACHE"], vals["GOMODCACHE"] = c, m
		return get
	}
	goBin, err := lookPathIn("go", environ.Get(from, "PATH"))
	if err != nil {
		return get
	}
	memo := goEnvMemo(from, goBin, time.Now())
	if c, m, ok := memo.read(); ok {
		vals["GOCACHE"], vals["GOMODCACHE"] = c, m
		return get
	}
	cmd := exec.CommandContext(ctx, goBin, "env", "GOCACHE", "GOMODCACHE")
	cmd.Env = from
	// Outside any module: the answer is the user's, not a project's, and
	// go does not switch (or download) a toolchain a go.mod asks for.
	cmd.Dir = string(filepath.Separator)
	out, err := cmd.Output()
	if err != nil {
		return get
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) == 2 {
		vals["GOCACHE"], vals["GOMODCACHE"] = lines[0], lines[1]
		memo.write(lines[0], lines[1])
	}
	return get
}

// goMemo is where go's answer is kept, and the digest of what it depends
// on; file is "" when it cannot be kept.
type goMemo struct{ file, key string }

// goEnvMemo describes what `go env GOCACHE GOMODCACHE`, run outside any
// module, depends on: the go binary (path, the file it resolves to, size,
// modification time), the environment variables go reads for them (GO*,
// HOME, XDG_CONFIG_HOME, XDG_CACHE_HOME), go's env file (`go env -w`) and
// GOROOT/go.env. The key is a digest: GO* values can hold credentials
// (GOPROXY, GOAUTH). A file modified in the last two seconds could change
// again within the same timestamp, so nothing is kept then (as git does
// for its index).
func goEnvMemo(from []string, goBin string, now time.Time) goMemo {
	cacheDir := userCacheDir(from)
	if cacheDir == "" {
		return goMemo{}
	}
	var b strings.Builder
	recent := false
	stat := func(what, p string) {
		fi, err := os.Stat(p)
		if err != nil {
			fmt.Fprintf(&b, "%s %q missing\n", what, p)
			return
		}
		if now.Sub(fi.ModTime()) < 2*time.Second {
			recent = true
		}
		fmt.Fprintf(&b, "%s %q %d %d %v\n", what, p, fi.Size(), fi.ModTime().UnixNano(), fi.Mode())
	}
	if abs, err := filepath.Abs(goBin); err == nil {
		goBin = abs
	}
	stat("go", goBin)
	real, err := filepath.EvalSymlinks(goBin)
	if err != nil {
		return goMemo{}
	}
	stat("go-real", real)
	var vars []string
	for _, kv := range from {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "GO") || k == "HOME" || k == "XDG_CONFIG_HOME" || k == "XDG_CACHE_HOME" {
			vars = append(vars, k)
		}
	}
	slices.Sort(vars)
	for _, k := range slices.Compact(vars) {
		fmt.Fprintf(&b, "env %q\n", k+"="+environ.Get(from, k))
	}
	switch envFile := environ.Get(from, "GOENV"); {
	case envFile == "off":
	case envFile != "":
		stat("envfile", envFile)
	default:
		if dir := userConfigDir(from); dir != "" {
			stat("envfile", filepath.Join(dir, "go", "env"))
		}
	}
	goroot := environ.Get(from, "GOROOT")
	if goroot == "" {
		goroot = filepath.Dir(filepath.Dir(real))
	}
	stat("go.env", filepath.Join(goroot, "go.env"))
	if recent {
		return goMemo{}
	}
	sum := sha256.Sum256([]byte(b.String()))
	return goMemo{file: filepath.Join(cacheDir, "git-proof", "go-env"), key: hex.EncodeToString(sum[:])}
}

func (m goMemo) read() (gocache, gomodcache string, ok bool) {
	if m.file == "" {
		return "", "", false
	}
	b, err := os.ReadFile(m.file)
	if err != nil {
		return "", "", false
	}
	lines := strings.Split(string(b), "\n")
	if len(lines) != 3 || lines[0] != m.key || !filepath.IsAbs(lines[1]) || !filepath.IsAbs(lines[2]) {
		return "", "", false
	}
	return lines[1], lines[2], true
}

// write keeps the answer, best effort: a failed write only means asking
// go again next time.
func (m goMemo) write(gocache, gomodcache string) {
	if m.file == "" || !filepath.IsAbs(gocache) || !filepath.IsAbs(gomodcache) || strings.ContainsRune(gocache+gomodcache, '\n') {
		return
	}
	if err := os.MkdirAll(filepath.Dir(m.file), 0o700); err != nil {
		return
	}
	_ = atomicfile.Write(m.file, []byte(m.key+"\n"+gocache+"\n"+gomodcache))
}

// userCacheDir and userConfigDir are os.UserCacheDir and os.UserConfigDir
// (on Unix) for the environment from; "" when it has none.
func userCacheDir(from []string) string  { return xdgDir(from, "XDG_CACHE_HOME", ".cache") }
func userConfigDir(from []string) string { return xdgDir(from, "XDG_CONFIG_HOME", ".config") }

func xdgDir(from []string, xdg, underHome string) string {
	if d := environ.Get(from, xdg); d != "" {
		if filepath.IsAbs(d) {
			return d
		}
		return ""
	}
	if home := environ.Get(from, "HOME"); filepath.IsAbs(home) {
		return filepath.Join(home, underHome)
	}
	return ""
}
