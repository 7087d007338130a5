package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/bmatcuk/doublestar/v4"
	"gopkg.in/yaml.v3"
)

// Path is where the project config lives in a tree.
const Path = ".proof/config.yaml"

// MaxBytes bounds the config file.
const MaxBytes = 256 << 10

// Config is .proof/config.yaml.
type Config struct {
	// Tests are globs naming test files; nil means the defaults.
	Tests []string `yaml:"tests"`
	// Sensitive are globs of paths the policy treats with care (risk
	// category "custom"), in addition to the defaults.
	Sensitive []string `yaml:"sensitive"`
	Checks    []Check  `yaml:"checks"`
}

// Check is one configured check.
type Check struct {
	Name   string
	Kind   string // test | lint | build | custom
	Run    string // the command, run with sh -c in the tree
	Format string // go-test-json | junit | tap | sarif | exit-code; "" detects go-test-json, else exit-code
	// Report is a glob (relative to the tree) of the files the check writes
	// its report to; "" reads the report from the command's output.
	Report string
	// Coverage is a Go coverprofile or LCOV file the command writes.
	Coverage string
	Timeout  time.Duration // 0: none
	Repeat   int           // runs per tree (≥ 1); more than one finds flaky tests
	// Env names variables passed through from git-proof's environment
	// beyond the hermetic defaults. Credential-like names are refused.
	Env []string
	// Network lets the check reach the network; by default it runs in a
	// network namespace of its own (where the kernel allows it).
	Network bool
	// Line is where the check starts, for later error messages.
	Line int
}

// Limits of a check's settings.
const (
	MaxRepeat = 20
)

// Error is a validation error at a place in the file.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

var (
	nameRE   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	kinds    = map[string]bool{"test": true, "lint": true, "build": true, "custom": true}
	formats  = map[string]bool{"": true, "go-test-json": true, "junit": true, "tap": true, "sarif": true, "exit-code": true}
	envName  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
)

// Parse reads and validates a config; file names the source in errors.
func Parse(r io.Reader, file string) (*Config, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, &Error{File: file, Msg: err.Error()}
	}
	if len(data) > MaxBytes {
		return nil, &Error{File: file, Msg: fmt.Sprintf("file is over %d bytes; keep the config small", MaxBytes)}
	}
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return &Config{}, nil
		}
		return nil, yamlError(file, err)
	}
	if len(root.Content) == 0 {
		return &Config{}, nil
	}
	doc := root.Content[0]
	if doc.Kind == yaml.ScalarNode && doc.Tag == "!!null" {
		return &Config{}, nil // "---" and nothing else
	}
	if doc.Kind != yaml.MappingNode {
		return nil, &Error{File: file, Line: doc.Line, Msg: "the config must be a mapping with keys tests and checks"}
	}
	var raw struct {
		Tests     []string `yaml:"tests"`
		Sensitive []string `yaml:"sensitive"`
		Checks    []struct {
			Name     string   `yaml:"name"`
			Kind     string   `yaml:"kind"`
			Run      string   `yaml:"run"`
			Format   string   `yaml:"format"`
			Report   string   `yaml:"report"`
			Coverage string   `yaml:"coverage"`
			Timeout  string   `yaml:"timeout"`
			Repeat   *int     `yaml:"repeat"`
			Env      []string `yaml:"env"`
			Network  bool     `yaml:"network"`
		} `yaml:"checks"`
	}
	strict := yaml.NewDecoder(bytes.NewReader(data))
	strict.KnownFields(true)
	if err := strict.Decode(&raw); err != nil {
		return nil, yamlError(file, err)
	}
	cfg := &Config{Tests: raw.Tests, Sensitive: raw.Sensitive}
	for _, key := range []string{"tests", "sensitive"} {
		globs := raw.Tests
		if key == "sensitive" {
			globs = raw.Sensitive
		}
		for i, g := range globs {
			if g == "" || !doublestar.ValidatePattern(g) || strings.HasPrefix(g, "/") {
				return nil, &Error{File: file, Line: seqItemLine(doc, key, i), Msg: fmt.Sprintf("%s: %q is not a valid glob (use slash paths like \"**/*_test.go\")", key, g)}
			}
		}
	}
	seen := map[string]bool{}
	for i, c := range raw.Checks {
		line := seqItemLine(doc, "checks", i)
		bad := func(key, format string, a ...any) error {
			l := line
			if fl := checkFieldLine(doc, i, key); fl > 0 {
				l = fl
			}
			return &Error{File: file, Line: l, Msg: fmt.Sprintf("checks[%d]: ", i) + fmt.Sprintf(format, a...)}
		}
		if !nameRE.MatchString(c.Name) {
			return nil, bad("name", "name %q must be 1-64 letters, digits, '.', '_' or '-'", c.Name)
		}
		if seen[c.Name] {
			return nil, bad("name", "name %q is used twice; names identify checks across runs", c.Name)
		}
		seen[c.Name] = true
		if strings.TrimSpace(c.Run) == "" {
			return nil, bad("run", "run is empty; give the command, e.g. run: go test -json ./...")
		}
		if c.Kind == "" {
			c.Kind = "test"
		}
		if !kinds[c.Kind] {
			return nil, bad("kind", "kind %q is not one of test, lint, build, custom", c.Kind)
		}
		if !formats[c.Format] {
			return nil, bad("format", "format %q is not one of go-test-json, junit, tap, sarif, exit-code", c.Format)
		}
		for _, f := range []struct{ key, val string }{{"report", c.Report}, {"coverage", c.Coverage}} {
			if f.val != "" && (!doublestar.ValidatePattern(f.val) || strings.HasPrefix(f.val, "/") || strings.Contains(f.val, "..")) {
				return nil, bad(f.key, "%s %q must be a path or glob inside the tree, e.g. %s", f.key, f.val, map[string]string{"report": "reports/*.xml", "coverage": "cover.out"}[f.key])
			}
		}
		if c.Report != "" && c.Format == "" {
			return nil, bad("format", "report is set, so give its format (junit, tap, sarif or go-test-json)")
		}
		var to time.Duration
		if c.Timeout != "" {
			d, err := time.ParseDuration(c.Timeout)
			if err != nil || d <= 0 {
				return nil, bad("timeout", "timeout %q is not a positive duration such as 10m", c.Timeout)
			}
			to = d
		}
		repeat := 1
		if c.Repeat != nil {
			repeat = *c.Repeat
			if repeat < 1 || repeat > MaxRepeat {
				return nil, bad("repeat", "repeat %d must be 1 to %d", repeat, MaxRepeat)
			}
		}
		for _, e := range c.Env {
			if !envName.MatchString(e) {
				return nil, bad("env", "env %q is not a variable name", e)
			}
			if LooksLikeCredential(e) {
				return nil, bad("env", "env %q looks like a credential; git-proof never passes credentials to checks (give the check what it needs another way)", e)
			}
		}
		cfg.Checks = append(cfg.Checks, Check{Name: c.Name, Kind: c.Kind, Run: c.Run, Format: c.Format, Report: c.Report,
			Coverage: c.Coverage, Timeout: to, Repeat: repeat, Env: c.Env, Network: c.Network, Line: line})
	}
	return cfg, nil
}

func yamlError(file string, err error) error {
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	msg = strings.TrimPrefix(msg, "yaml: unmarshal errors:\n  ")
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		var line int
		fmt.Sscan(m[1], &line)
		return &Error{File: file, Line: line, Msg: m[2]}
	}
	return &Error{File: file, Msg: msg}
}

// credentialRE matches variable names that hold secrets by convention.
var credentialRE = regexp.MustCompile(`(?i)(token|secret|passw|askpass|credential|api_?key|private_?key|access_?key|auth|session|cookie|signing_?key|_pat$|^pat_)`)

// LooksLikeCredential reports whether a variable's name says it holds a
// secret (GITHUB_TOKEN, AWS_SECRET_ACCESS_KEY, NPM_AUTH…); such variables
// are never passed to checks.
func LooksLikeCredential(name string) bool { return credentialRE.MatchString(name) }

// checkFieldLine finds the line of key in item i of checks, 0 if absent.
func checkFieldLine(doc *yaml.Node, i int, key string) int {
	for k := 0; k+1 < len(doc.Content); k += 2 {
		if doc.Content[k].Value != "checks" {
			continue
		}
		seq := doc.Content[k+1]
		if i >= len(seq.Content) || seq.Content[i].Kind != yaml.MappingNode {
			return 0
		}
		m := seq.Content[i]
		for j := 0; j+1 < len(m.Content); j += 2 {
			if m.Content[j].Value == key {
				return m.Content[j].Line
			}
		}
	}
	return 0
}

// seqItemLine finds the line of item i of the sequence under key.
func seqItemLine(doc *yaml.Node, key string, i int) int {
	for k := 0; k+1 < len(doc.Content); k += 2 {
		if doc.Content[k].Value == key {
			seq := doc.Content[k+1]
			if i < len(seq.Content) {
				return seq.Content[i].Line
			}
			return seq.Line
		}
	}
	return 0
}

// Scaffold is the commented config that `git proof init` writes.
const Scaffold = `# git-proof project config. Committed with the project; read from the
# commit being proven. See https://git-proof.dev for the full reference.

# Test files, as globs over repository paths. The "repro" tree is the base
# commit's code with the head commit's test files: a regression test added by
# a fix must fail there and pass on the fix. Leave unset for the defaults
# (Go, Python, JS/TS, Rust, Java conventions).
# tests: ["**/*_test.go", "tests/**", "**/*.test.js"]

# Paths the policy treats with care: a change to them needs a person (REVIEW).
# .proof/, CI config, hooks and dependency manifests are covered already.
# sensitive: ["deploy/**", "src/auth/**"]

# Checks run on the head, base and repro trees. A command that prints
# ` + "`go test -json`" + ` is compared per test name; any other by exit status.
# checks:
#   - name: unit
#     kind: test              # test | lint | build | custom
#     run: go test -json ./...
#     format: go-test-json    # go-test-json | junit | tap | sarif | exit-code (empty: detect)
#     report: ""              # glob of report files the command writes; empty: read its output
#     coverage: ""            # a Go coverprofile or LCOV file the command writes
#     timeout: 10m
#     repeat: 1               # runs per tree; more than one reports flaky tests
#     env: [GOFLAGS]          # variables passed through beyond the hermetic defaults
#     network: false          # true lets the check reach the network
`

// ValidName reports whether name can name a check.
func ValidName(name string) bool { return nameRE.MatchString(name) }
