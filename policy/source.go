package policy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Source names, in the order sources are loaded. They prefix the names of
// their modules, so a module's name says where it came from and the digest
// does not depend on where a directory happens to live.
const (
	SourceDefault = "default"       // the embedded default policy
	SourceRepo    = ".proof/policy" // the repository's own policy (client side only)
	SourceAdmin   = "proof.policy"  // the directory named by git config proof.policy
	SourceDir     = "dir"           // a directory given on the command line
)

// Limits on a policy directory. A server reads its admin's directory on
// every push, and a client reads .proof/policy from whatever it checked
// out, so both are bounded.
const (
	// MaxModuleBytes is the largest .rego file read.
	MaxModuleBytes = 1 << 20
	// MaxDirEntries bounds the files and directories walked under one
	// policy directory.
	MaxDirEntries = 256
)

// Source is one place policy modules come from.
type Source struct {
	Name    string   // SourceDefault, SourceRepo, SourceAdmin or SourceDir
	Dir     string   // the directory read; "" for the embedded default
	Modules []Module // policy modules, named Name + "/" + path in Dir
	Tests   []Module // *_test.rego files, named the same way; not part of the digest
}

// LoadDir reads the Rego files under dir, recursively: policy modules, and
// test modules (names ending in _test.rego) apart. Module names are the
// slash-separated paths relative to dir; both lists are in lexical order.
//
// Files not ending in .rego are ignored, and so are directories whose
// names start with a dot (.git). Symbolic links are followed only to files
// inside dir (one that leads outside is an error) and never into
// directories. A .rego file that is not a regular file, is over
// MaxModuleBytes, or has control characters in its name is an error, as is
// a tree of more than MaxDirEntries entries. A missing dir is an error
// that satisfies errors.Is(err, fs.ErrNotExist).
func LoadDir(dir string) (modules, tests []Module, err error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("policy directory: %w", err)
	}
	defer root.Close()
	fsys := root.FS()
	entries := 0
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == "." {
			return nil
		}
		if entries++; entries > MaxDirEntries {
			return fmt.Errorf("%w: more than %d files and directories under %s: point the policy at a directory with only its .rego files", ErrPolicy, MaxDirEntries, dir)
		}
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(d.Name(), ".rego") {
			return nil
		}
		src, err := readModule(fsys, p)
		if err != nil {
			return fmt.Errorf("%w: %q: %v", ErrPolicy, filepath.Join(dir, filepath.FromSlash(p)), err)
		}
		m := Module{Name: p, Source: src}
		if isTestFile(d.Name()) {
			tests = append(tests, m)
		} else {
			modules = append(modules, m)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return modules, tests, nil
}

// readModule reads one .rego file of a policy directory within its limits.
func readModule(fsys fs.FS, p string) (string, error) {
	if !utf8.ValidString(p) || strings.ContainsFunc(p, unicode.IsControl) {
		return "", errors.New("file name has control characters or is not UTF-8")
	}
	// Stat follows a symlink, and the root refuses one that leads outside.
	info, err := fs.Stat(fsys, p)
	if err != nil {
		if strings.Contains(err.Error(), "path escapes from parent") {
			return "", errors.New("a symbolic link leads outside the policy directory")
		}
		return "", err
	}
	if !info.Mode().IsRegular() {
		return "", fmt.Errorf("not a regular file (%s)", info.Mode().Type())
	}
	if info.Size() > MaxModuleBytes {
		return "", fmt.Errorf("%d bytes, over the %d byte limit for a policy file", info.Size(), MaxModuleBytes)
	}
	f, err := fsys.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxModuleBytes+1))
	if err != nil {
		return "", err
	}
	if len(b) > MaxModuleBytes {
		return "", fmt.Errorf("over the %d byte limit for a policy file", MaxModuleBytes)
	}
	return string(b), nil
}

func isTestFile(name string) bool { return strings.HasSuffix(name, "_test.rego") }

// LoadSource reads dir with LoadDir as the source called name.
func LoadSource(name, dir string) (Source, error) {
	mods, tests, err := LoadDir(dir)
	if err != nil {
		return Source{}, err
	}
	for i := range mods {
		mods[i].Name = name + "/" + mods[i].Name
	}
	for i := range tests {
		tests[i].Name = name + "/" + tests[i].Name
	}
	return Source{Name: name, Dir: dir, Modules: mods, Tests: tests}, nil
}

// LoadOptions say which sources make up the effective policy. ClientOptions
// and ServerOptions fill them from a repository's configuration.
type LoadOptions struct {
	// RepoPolicyDir is the repository's .proof/policy directory; it is
	// skipped when it does not exist, and always when Server is set.
	RepoPolicyDir string
	// AdminDir is the directory named by proof.policy; it must exist.
	AdminDir string
	// PolicyDir, when set, replaces RepoPolicyDir and AdminDir (git proof
	// policy eval --policy DIR); it must exist.
	PolicyDir string
	// NoDefault leaves the embedded default policy out (proof.policyDefault
	// = false); the other modules must then define decision.
	NoDefault bool
	// Server marks a policy for a server-side check: a repository's own
	// .proof/policy is never loaded, whatever RepoPolicyDir says.
	Server bool
	// Data is exposed to policies as data.config (see WithData).
	Data map[string]any
}

// Effective is the policy that applies: its sources in load order, their
// modules and tests, the data, and the digest of an engine built from them.
type Effective struct {
	Sources []Source
	Modules []Module // all sources' modules, in source order
	Tests   []Module // all sources' tests, in source order
	Data    map[string]any
	Digest  string
}

// Load reads the sources opts name, in order: the embedded default, then
// the repository's .proof/policy (not on a server), then proof.policy's
// directory; or the default and opts.PolicyDir. All modules go into one
// engine under data.proof, so a later source adds deny and review reasons
// to the default's: it can make the policy stricter, not looser.
func Load(ctx context.Context, opts LoadOptions) (*Effective, error) {
	eff := &Effective{Data: opts.Data}
	add := func(s Source) {
		eff.Sources = append(eff.Sources, s)
		eff.Modules = append(eff.Modules, s.Modules...)
		eff.Tests = append(eff.Tests, s.Tests...)
	}
	if !opts.NoDefault {
		add(Source{Name: SourceDefault, Modules: Default(), Tests: DefaultTests()})
	}
	type dirSource struct {
		name, dir string
		optional  bool
	}
	var dirs []dirSource
	if opts.PolicyDir != "" {
		dirs = append(dirs, dirSource{SourceDir, opts.PolicyDir, false})
	} else {
		if opts.RepoPolicyDir != "" && !opts.Server {
			dirs = append(dirs, dirSource{SourceRepo, opts.RepoPolicyDir, true})
		}
		if opts.AdminDir != "" {
			dirs = append(dirs, dirSource{SourceAdmin, opts.AdminDir, false})
		}
	}
	for _, d := range dirs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if d.optional {
			if _, err := os.Stat(d.dir); errors.Is(err, fs.ErrNotExist) {
				continue
			}
		}
		s, err := LoadSource(d.name, d.dir)
		if err != nil {
			switch d.name {
			case SourceAdmin:
				return nil, fmt.Errorf("git config %s: %w", ConfigPolicy, err)
			case SourceRepo:
				return nil, fmt.Errorf("%s: %w", SourceRepo, err)
			}
			return nil, err
		}
		add(s)
	}
	digest, err := DigestWithData(eff.Modules, eff.Data)
	if err != nil {
		return nil, err
	}
	eff.Digest = digest
	return eff, nil
}

// Engine compiles the effective policy with its data; its Digest is
// e.Digest. opts come after WithData(e.Data).
func (e *Effective) Engine(ctx context.Context, opts ...Option) (*Engine, error) {
	if len(e.Modules) == 0 {
		return nil, fmt.Errorf("%w: no policy modules: proof.policyDefault is false and no other source has a module", ErrPolicy)
	}
	return New(ctx, e.Modules, append([]Option{WithData(e.Data)}, opts...)...)
}
