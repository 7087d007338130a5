package policy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/git-proof/git-proof/internal/gittest"
)

// writeTree writes files (slash path → content) under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, c := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func names(mods []Module) []string {
	out := []string{}
	for _, m := range mods {
		out = append(out, m.Name)
	}
	return out
}

func TestLoadDir(t *testing.T) {
	t.Parallel()
	const rule = "package proof\n"
	tests := []struct {
		name  string
		build func(t *testing.T, dir string) // dir exists, empty
		mods  []string
		tests []string
		err   string // part of the error; "" = no error
	}{
		{name: "empty", build: func(*testing.T, string) {}, mods: []string{}, tests: []string{}},
		{
			name: "rego files, tests apart, others ignored, nested, lexical order",
			build: func(t *testing.T, dir string) {
				writeTree(t, dir, map[string]string{
					"b.rego": rule, "a.rego": rule, "a_test.rego": rule, "README.md": "x", "data.json": "{}",
					"lib/util.rego": rule, "lib/util_test.rego": rule, "x.rego.bak": rule, "test.rego": rule,
				})
			},
			mods:  []string{"a.rego", "b.rego", "lib/util.rego", "test.rego"},
			tests: []string{"a_test.rego", "lib/util_test.rego"},
		},
		{
			name: "hidden directories skipped",
			build: func(t *testing.T, dir string) {
				writeTree(t, dir, map[string]string{".git/x.rego": rule, ".a.rego": rule})
			},
			mods: []string{".a.rego"}, tests: []string{},
		},
		{
			name: "exactly the size limit",
			build: func(t *testing.T, dir string) {
				writeTree(t, dir, map[string]string{"big.rego": rule + strings.Repeat("#", MaxModuleBytes-len(rule))})
			},
			mods: []string{"big.rego"}, tests: []string{},
		},
		{
			name: "over the size limit",
			build: func(t *testing.T, dir string) {
				writeTree(t, dir, map[string]string{"big.rego": strings.Repeat("#", MaxModuleBytes+1)})
			},
			err: "over the 1048576 byte limit",
		},
		{
			name: "too many entries",
			build: func(t *testing.T, dir string) {
				files := map[string]string{}
				for i := range MaxDirEntries + 1 {
					files[fmt.Sprintf("f%03d.txt", i)] = ""
				}
				writeTree(t, dir, files)
			},
			err: "more than 256 files",
		},
		{
			name: "symlink to a file inside",
			build: func(t *testing.T, dir string) {
				writeTree(t, dir, map[string]string{"real/x.rego": rule})
				symlink(t, "real/x.rego", filepath.Join(dir, "link.rego"))
			},
			mods: []string{"link.rego", "real/x.rego"}, tests: []string{},
		},
		{
			name: "symlink escaping the directory",
			build: func(t *testing.T, dir string) {
				outside := filepath.Join(t.TempDir(), "evil.rego")
				writeTree(t, filepath.Dir(outside), map[string]string{"evil.rego": rule})
				symlink(t, outside, filepath.Join(dir, "evil.rego"))
			},
			err: "evil.rego",
		},
		{
			name: "relative symlink escaping the directory",
			build: func(t *testing.T, dir string) {
				writeTree(t, filepath.Dir(dir), map[string]string{"sibling.rego": rule})
				symlink(t, "../sibling.rego", filepath.Join(dir, "up.rego"))
			},
			err: "up.rego",
		},
		{
			name: "symlinked directory not followed",
			build: func(t *testing.T, dir string) {
				other := t.TempDir()
				writeTree(t, other, map[string]string{"x.rego": rule})
				symlink(t, other, filepath.Join(dir, "lib"))
			},
			mods: []string{}, tests: []string{},
		},
		{
			name:  "dangling symlink",
			build: func(t *testing.T, dir string) { symlink(t, "nowhere", filepath.Join(dir, "d.rego")) },
			err:   "d.rego",
		},
		{
			name: "symlink loop",
			build: func(t *testing.T, dir string) {
				symlink(t, "b.rego", filepath.Join(dir, "a.rego"))
				symlink(t, "a.rego", filepath.Join(dir, "b.rego"))
			},
			err: "a.rego",
		},
		{
			name: "fifo named .rego",
			build: func(t *testing.T, dir string) {
				if err := syscall.Mkfifo(filepath.Join(dir, "pipe.rego"), 0o644); err != nil {
					t.Skip("mkfifo:", err)
				}
			},
			err: "not a regular file",
		},
		{
			name:  "directory named .rego is walked",
			build: func(t *testing.T, dir string) { writeTree(t, dir, map[string]string{"d.rego/x.rego": rule}) },
			mods:  []string{"d.rego/x.rego"}, tests: []string{},
		},
		{
			name:  "control character in a name",
			build: func(t *testing.T, dir string) { writeTree(t, dir, map[string]string{"a\nb.rego": rule}) },
			err:   "control characters",
		},
		{
			name:  "binary content is read (OPA refuses it later)",
			build: func(t *testing.T, dir string) { writeTree(t, dir, map[string]string{"bin.rego": "\x00\xff\xfe"}) },
			mods:  []string{"bin.rego"}, tests: []string{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "policy")
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			tc.build(t, dir)
			mods, tests, err := LoadDir(dir)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || !errors.Is(err, ErrPolicy) {
					t.Fatalf("LoadDir() error = %v; want ErrPolicy containing %q", err, tc.err)
				}
				t.Logf("LoadDir() error = %v", err)
				return
			}
			if err != nil {
				t.Fatalf("LoadDir() error = %v", err)
			}
			if got := names(mods); !slices.Equal(got, tc.mods) {
				t.Errorf("LoadDir() modules = %q; want %q", got, tc.mods)
			}
			if got := names(tests); !slices.Equal(got, tc.tests) {
				t.Errorf("LoadDir() tests = %q; want %q", got, tc.tests)
			}
		})
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skip("symlink:", err)
	}
}

func TestLoadDirMissingAndNotADirectory(t *testing.T) {
	t.Parallel()
	_, _, err := LoadDir(filepath.Join(t.TempDir(), "nope"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("LoadDir(missing) error = %v; want fs.ErrNotExist", err)
	}
	f := filepath.Join(t.TempDir(), "file")
	writeTree(t, filepath.Dir(f), map[string]string{"file": "x"})
	if _, _, err := LoadDir(f); err == nil {
		t.Errorf("LoadDir(a file) error = nil; want an error")
	}
}

// evalSimple evaluates a signed record with a fixed test and no failures:
// AUTO_OK under the default policy.
func evalSimple(t *testing.T, e *Engine) *Result {
	t.Helper()
	pp := `{"checks":[{"name":"unit","base":{"status":"pass"},"head":{"status":"pass"},"fixed":["m.T"],"regressed":[],"added":["m.T"],"removed":[],"flaky":[],"counts":{"fixed":1}}]}`
	r, err := e.Eval(context.Background(), &Input{Proofpack: json.RawMessage(pp), Signer: Signer{Signed: true, Verified: true, Trusted: true}, Context: "verify"})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestLoadComposition(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tmp := t.TempDir()
	repoDir := filepath.Join(tmp, "repo", ".proof", "policy")
	adminDir := filepath.Join(tmp, "admin")
	cliDir := filepath.Join(tmp, "cli")
	writeTree(t, repoDir, map[string]string{
		"strict.rego":      "package proof\n\ndeny contains \"no Fridays\" if true\n",
		"strict_test.rego": "package proof_test\n\ntest_x if true\n",
	})
	writeTree(t, adminDir, map[string]string{"admin.rego": "package proof\n\nreview contains \"admin says look\" if input.context == \"pre-receive\"\n"})
	writeTree(t, cliDir, map[string]string{"own.rego": "package proof\n\ndecision := \"AUTO_OK\"\n"})

	tests := []struct {
		name     string
		opts     LoadOptions
		sources  []string
		modules  []string
		decision string // for evalSimple; "" = Engine must fail
		reason   string
	}{
		{
			name:     "default only",
			opts:     LoadOptions{RepoPolicyDir: filepath.Join(tmp, "none")},
			sources:  []string{"default"},
			modules:  []string{"default/proof.rego"},
			decision: "AUTO_OK",
		},
		{
			name:     "repo policy tightens the default",
			opts:     LoadOptions{RepoPolicyDir: repoDir},
			sources:  []string{"default", ".proof/policy"},
			modules:  []string{"default/proof.rego", ".proof/policy/strict.rego"},
			decision: "BLOCK", reason: "no Fridays",
		},
		{
			name:     "server ignores the repo policy",
			opts:     LoadOptions{RepoPolicyDir: repoDir, AdminDir: adminDir, Server: true},
			sources:  []string{"default", "proof.policy"},
			modules:  []string{"default/proof.rego", "proof.policy/admin.rego"},
			decision: "AUTO_OK",
		},
		{
			name:     "all three, in order",
			opts:     LoadOptions{RepoPolicyDir: repoDir, AdminDir: adminDir},
			sources:  []string{"default", ".proof/policy", "proof.policy"},
			modules:  []string{"default/proof.rego", ".proof/policy/strict.rego", "proof.policy/admin.rego"},
			decision: "BLOCK", reason: "no Fridays",
		},
		{
			name:    "--policy replaces repo and admin",
			opts:    LoadOptions{RepoPolicyDir: repoDir, AdminDir: adminDir, PolicyDir: repoDir},
			sources: []string{"default", "dir"},
			modules: []string{"default/proof.rego", "dir/strict.rego"},
			// The same files under another source name: same decision.
			decision: "BLOCK", reason: "no Fridays",
		},
		{
			name:     "no default, own decision",
			opts:     LoadOptions{NoDefault: true, PolicyDir: cliDir},
			sources:  []string{"dir"},
			modules:  []string{"dir/own.rego"},
			decision: "AUTO_OK",
		},
		{
			name:    "no default, no decision",
			opts:    LoadOptions{NoDefault: true, RepoPolicyDir: repoDir},
			sources: []string{".proof/policy"},
			modules: []string{".proof/policy/strict.rego"},
			reason:  "no module defines decision",
		},
		{
			name:    "no default, nothing else",
			opts:    LoadOptions{NoDefault: true},
			sources: []string{},
			modules: []string{},
			reason:  "no policy modules",
		},
		{
			name:    "default cannot be loosened: a second decision conflicts",
			opts:    LoadOptions{PolicyDir: cliDir},
			sources: []string{"default", "dir"},
			modules: []string{"default/proof.rego", "dir/own.rego"},
			reason:  "", // checked below: evaluation errors
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			eff, err := Load(ctx, tc.opts)
			if err != nil {
				t.Fatalf("Load() error = %v", err)
			}
			var srcs []string
			for _, s := range eff.Sources {
				srcs = append(srcs, s.Name)
			}
			if !slices.Equal(append([]string{}, srcs...), tc.sources) {
				t.Errorf("Load() sources = %q; want %q", srcs, tc.sources)
			}
			if got := names(eff.Modules); !slices.Equal(got, tc.modules) {
				t.Errorf("Load() modules = %q; want %q", got, tc.modules)
			}
			if want := Digest(eff.Modules); eff.Digest != want {
				t.Errorf("Load().Digest = %s; want Digest(modules) %s", eff.Digest, want)
			}
			e, err := eff.Engine(ctx)
			if tc.decision == "" && tc.reason != "" {
				if !errors.Is(err, ErrPolicy) || !strings.Contains(err.Error(), tc.reason) {
					t.Fatalf("Engine() error = %v; want ErrPolicy containing %q", err, tc.reason)
				}
				return
			}
			if err != nil {
				t.Fatalf("Engine() error = %v", err)
			}
			if e.Digest() != eff.Digest {
				t.Errorf("Engine().Digest() = %s; want Load().Digest %s", e.Digest(), eff.Digest)
			}
			if tc.decision == "" {
				_, err := e.Eval(ctx, &Input{Proofpack: json.RawMessage(`{"checks":[]}`)})
				if err == nil {
					t.Fatalf("Eval() with two decisions: no error; want a conflict")
				}
				return
			}
			r := evalSimple(t, e)
			if r.Decision != tc.decision {
				t.Errorf("Eval() = %s %q; want %s", r.Decision, r.Reasons(), tc.decision)
			}
			if tc.reason != "" && !slices.Contains(r.Reasons(), tc.reason) {
				t.Errorf("Eval() reasons = %q; want %q", r.Reasons(), tc.reason)
			}
		})
	}

	t.Run("missing admin or --policy dir is an error", func(t *testing.T) {
		for _, opts := range []LoadOptions{{AdminDir: filepath.Join(tmp, "gone")}, {PolicyDir: filepath.Join(tmp, "gone")}} {
			if _, err := Load(ctx, opts); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("Load(%+v) error = %v; want fs.ErrNotExist", opts, err)
			}
		}
	})
	t.Run("default only has the default's digest", func(t *testing.T) {
		eff, err := Load(ctx, LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if eff.Digest != Digest(Default()) || len(eff.Tests) != len(DefaultTests()) {
			t.Errorf("Load({}).Digest = %s; want %s", eff.Digest, Digest(Default()))
		}
	})
	t.Run("data", func(t *testing.T) {
		eff, err := Load(ctx, LoadOptions{Data: map[string]any{"riskThreshold": 0.4}})
		if err != nil {
			t.Fatal(err)
		}
		e, err := eff.Engine(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if eff.Digest == Digest(Default()) || e.Digest() != eff.Digest {
			t.Errorf("data: Load().Digest = %s, Engine().Digest() = %s, default %s", eff.Digest, e.Digest(), Digest(Default()))
		}
	})
	t.Run("broken repo policy is an error, not ignored", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "p")
		writeTree(t, dir, map[string]string{"bad.rego": "package proof\n\ndeny contains x if {\n"})
		eff, err := Load(ctx, LoadOptions{RepoPolicyDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := eff.Engine(ctx); !errors.Is(err, ErrPolicy) || !strings.Contains(err.Error(), ".proof/policy/bad.rego") {
			t.Errorf("Engine() error = %v; want ErrPolicy naming .proof/policy/bad.rego", err)
		}
	})
}

func TestClientAndServerOptions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := gittest.New(t)
	g := r.Open()

	opts, err := ClientOptions(ctx, g)
	if err != nil {
		t.Fatal(err)
	}
	want := LoadOptions{RepoPolicyDir: filepath.Join(g.TopLevel(), ".proof", "policy")}
	if fmt.Sprint(opts) != fmt.Sprint(want) {
		t.Errorf("ClientOptions() = %+v; want %+v", opts, want)
	}

	r.Git("config", "proof.policy", "admin-policy")
	r.Git("config", "proof.policyDefault", "off")
	opts, err = ServerOptions(ctx, g)
	if err != nil {
		t.Fatal(err)
	}
	want = LoadOptions{AdminDir: filepath.Join(g.CommonDir(), "admin-policy"), NoDefault: true, Server: true}
	if fmt.Sprint(opts) != fmt.Sprint(want) {
		t.Errorf("ServerOptions() = %+v; want %+v", opts, want)
	}

	r.Git("config", "proof.policy", "/abs/policy")
	r.Git("config", "proof.policyDefault", "yes")
	opts, err = ClientOptions(ctx, g)
	if err != nil {
		t.Fatal(err)
	}
	if opts.AdminDir != "/abs/policy" || opts.NoDefault {
		t.Errorf("ClientOptions() = %+v; want AdminDir /abs/policy with the default", opts)
	}

	r.Git("config", "proof.riskThreshold", "0.5")
	if opts, err := ServerOptions(ctx, g); err != nil || fmt.Sprint(opts.Data) != "map[riskThreshold:0.5]" {
		t.Errorf("ServerOptions() with proof.riskThreshold=0.5: %+v, %v; want data riskThreshold 0.5", opts, err)
	}
	for _, bad := range []string{"0", "1.5", "high", "NaN"} {
		r.Git("config", "proof.riskThreshold", bad)
		if _, err := ClientOptions(ctx, g); err == nil || !strings.Contains(err.Error(), "proof.riskThreshold") {
			t.Errorf("ClientOptions() with proof.riskThreshold=%s: error = %v; want one naming the key", bad, err)
		}
	}
	r.Git("config", "--unset", "proof.riskThreshold")

	r.Git("config", "proof.policyDefault", "maybe")
	if _, err := ClientOptions(ctx, g); err == nil || !strings.Contains(err.Error(), "proof.policyDefault") {
		t.Errorf("ClientOptions() with proof.policyDefault=maybe: error = %v; want one naming the key", err)
	}

	bare := gittest.New(t)
	bare.Git("init", "-q", "--bare", "b.git")
	bg := (&gittest.Repo{T: t, Dir: filepath.Join(bare.Dir, "b.git"), Env: bare.Env}).Open()
	if opts, err := ClientOptions(ctx, bg); err != nil || opts.RepoPolicyDir != "" {
		t.Errorf("ClientOptions(bare) = %+v, %v; want no repo policy", opts, err)
	}
}
