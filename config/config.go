package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"

	"github.com/git-proof/git-proof/internal/lazyre"
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
	// Reviewers are the models that review a change (package review).
	Reviewers []Reviewer `yaml:"reviewers"`
	// Review holds what every reviewer gets: which files are left out of
	// the prompt and how large a diff may be.
	Review Review `yaml:"review"`
}

// Reviewer is one configured model reviewer. Its review is an input to the
// policy, never a decision.
type Reviewer struct {
	// Name identifies the reviewer across runs: 1-64 of a-z, 0-9 and '-'.
	Name string
	// Vendor is who makes the model (anthropic, openai, google, …); the
	// policy counts one vote per vendor. Defaults from the kind or preset.
	Vendor string
	// Kind is command (a CLI run with the prompt on stdin), openai,
	// anthropic or gemini (that vendor's HTTP API).
	Kind string
	// Preset is claude, codex or gemini for kind command: the CLI's own
	// non-interactive invocation. Exactly one of Preset and Command is set
	// for kind command.
	Preset string
	// Model is the model asked for; required for the HTTP kinds, optional
	// (the CLI's default) for commands.
	Model string
	// Command is an explicit argv for kind command. "{model}" and
	// "{schemaFile}" in an argument are replaced by the model and the path of
	// the answer schema.
	Command []string
	// URL overrides the API's base URL (a local server, a proxy).
	URL string
	// APIKeyEnv names the environment variable holding the API key; it is
	// the only credential a reviewer gets. Defaults: OPENAI_API_KEY,
	// ANTHROPIC_API_KEY, GEMINI_API_KEY by kind; for presets
	// ANTHROPIC_API_KEY (claude), CODEX_API_KEY (codex), GEMINI_API_KEY
	// (gemini); none for an explicit command.
	APIKeyEnv string
	// Timeout bounds the reviewer, retries included (default 3m).
	Timeout time.Duration
	// Line is where the reviewer starts, for later error messages.
	Line int
}

// Review is the review: section.
type Review struct {
	// Exclude are globs of paths whose diffs never reach a reviewer
	// (".env*", "**/*.pem").
	Exclude []string
	// MaxDiffBytes bounds the diff sent; a larger one is not reviewed. 0
	// (unset) means DefaultMaxDiffBytes.
	MaxDiffBytes int
}

// Reviewer defaults and limits.
const (
	DefaultReviewerTimeout = 3 * time.Minute
	MaxReviewerTimeout     = time.Hour
	DefaultMaxDiffBytes    = 1 << 20
	MaxMaxDiffBytes        = 64 << 20
)

// Reviewer kinds and presets.
var (
	reviewerKinds   = map[string]bool{"command": true, "openai": true, "anthropic": true, "gemini": true}
	reviewerPresets = map[string]bool{"claude": true, "codex": true, "gemini": true}
	// defaultVendor is the vendor of each HTTP kind and preset.
	defaultVendor = map[string]string{"openai": "openai", "anthropic": "anthropic", "gemini": "google",
		"preset:claude": "anthropic", "preset:codex": "openai", "preset:gemini": "google"}
	defaultKeyEnv = map[string]string{"openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY", "gemini": "GEMINI_API_KEY",
		"preset:claude": "ANTHROPIC_API_KEY", "preset:codex": "CODEX_API_KEY", "preset:gemini": "GEMINI_API_KEY"}
	reviewerNameRE = lazyre.New(`^[a-z0-9][a-z0-9-]{0,63}$`)
	vendorRE       = lazyre.New(`^[a-z0-9][a-z0-9._-]{0,63}$`)
	modelRE        = lazyre.New(`^[A-Za-z0-9][A-Za-z0-9._:@/+-]{0,127}$`)
)

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
	nameRE   = lazyre.New(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	kinds    = map[string]bool{"test": true, "lint": true, "build": true, "custom": true}
	formats  = map[string]bool{"": true, "go-test-json": true, "junit": true, "tap": true, "sarif": true, "exit-code": true}
	envName  = lazyre.New(`^[A-Za-z_][A-Za-z0-9_]*$`)
	yamlLine = lazyre.New(`^(?:yaml: )?line (\d+): (.*)$`)
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
		return nil, &Error{File: file, Line: doc.Line, Msg: "the config must be a mapping with keys such as tests, checks and reviewers"}
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
		Reviewers []struct {
			Name      string   `yaml:"name"`
			Vendor    string   `yaml:"vendor"`
			Kind      string   `yaml:"kind"`
			Preset    string   `yaml:"preset"`
			Model     string   `yaml:"model"`
			Command   []string `yaml:"command"`
			URL       string   `yaml:"url"`
			APIKeyEnv string   `yaml:"apiKeyEnv"`
			Timeout   string   `yaml:"timeout"`
		} `yaml:"reviewers"`
		Review struct {
			Exclude      []string `yaml:"exclude"`
			MaxDiffBytes *int     `yaml:"maxDiffBytes"`
		} `yaml:"review"`
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
			if fl := itemFieldLine(doc, "checks", i, key); fl > 0 {
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
	for i, r := range raw.Reviewers {
		rv, err := parseReviewer(doc, file, i, reviewerFields{r.Name, r.Vendor, r.Kind, r.Preset, r.Model, r.Command, r.URL, r.APIKeyEnv, r.Timeout})
		if err != nil {
			return nil, err
		}
		for _, prev := range cfg.Reviewers {
			if prev.Name == rv.Name {
				return nil, &Error{File: file, Line: reviewerLine(doc, i, "name"), Msg: fmt.Sprintf("reviewers[%d]: name %q is used twice; names identify reviewers across runs", i, rv.Name)}
			}
		}
		cfg.Reviewers = append(cfg.Reviewers, rv)
	}
	cfg.Review.Exclude = raw.Review.Exclude
	for i, g := range raw.Review.Exclude {
		if g == "" || !doublestar.ValidatePattern(g) || strings.HasPrefix(g, "/") {
			return nil, &Error{File: file, Line: reviewSectionLine(doc, "exclude", i), Msg: fmt.Sprintf("review.exclude: %q is not a valid glob (use slash paths like \"**/*.pem\")", g)}
		}
	}
	if m := raw.Review.MaxDiffBytes; m != nil {
		if *m < 1 || *m > MaxMaxDiffBytes {
			return nil, &Error{File: file, Line: reviewSectionLine(doc, "maxDiffBytes", -1), Msg: fmt.Sprintf("review.maxDiffBytes %d must be 1 to %d", *m, MaxMaxDiffBytes)}
		}
		cfg.Review.MaxDiffBytes = *m
	}
	return cfg, nil
}

type reviewerFields struct {
	Name, Vendor, Kind, Preset, Model string
	Command                           []string
	URL, APIKeyEnv, Timeout           string
}

// parseReviewer validates item i of reviewers and fills in its defaults.
func parseReviewer(doc *yaml.Node, file string, i int, r reviewerFields) (Reviewer, error) {
	bad := func(key, format string, a ...any) error {
		return &Error{File: file, Line: reviewerLine(doc, i, key), Msg: fmt.Sprintf("reviewers[%d]: ", i) + fmt.Sprintf(format, a...)}
	}
	if !reviewerNameRE.MatchString(r.Name) {
		return Reviewer{}, bad("name", "name %q must be 1-64 lowercase letters, digits or '-'", r.Name)
	}
	kind := r.Kind
	if kind == "" && (r.Preset != "" || len(r.Command) > 0) {
		kind = "command"
	}
	if !reviewerKinds[kind] {
		return Reviewer{}, bad("kind", "kind %q is not one of command, openai, anthropic, gemini", r.Kind)
	}
	key := kind // the key of the defaults
	if kind == "command" {
		switch {
		case r.Preset != "" && len(r.Command) > 0:
			return Reviewer{}, bad("command", "give preset or command, not both")
		case r.Preset != "":
			if !reviewerPresets[r.Preset] {
				return Reviewer{}, bad("preset", "preset %q is not one of claude, codex, gemini", r.Preset)
			}
			key = "preset:" + r.Preset
		case len(r.Command) == 0:
			return Reviewer{}, bad("kind", "kind command needs a preset (claude, codex, gemini) or a command (an argv list)")
		default:
			if strings.TrimSpace(r.Command[0]) == "" {
				return Reviewer{}, bad("command", "command[0] is empty; give the program to run")
			}
		}
		if r.URL != "" {
			return Reviewer{}, bad("url", "url is for the HTTP kinds (openai, anthropic, gemini), not kind command")
		}
	} else {
		if r.Preset != "" || len(r.Command) > 0 {
			return Reviewer{}, bad("kind", "kind %s calls the API over HTTP; preset and command are for kind command", kind)
		}
		if r.Model == "" {
			return Reviewer{}, bad("model", "kind %s needs a model, e.g. model: %s", kind, map[string]string{"openai": "gpt-5", "anthropic": "claude-sonnet-4-5", "gemini": "gemini-2.5-pro"}[kind])
		}
	}
	if r.Model != "" && !modelRE.MatchString(r.Model) {
		return Reviewer{}, bad("model", "model %q must start with a letter or digit and hold only letters, digits and ._:@/+-", r.Model)
	}
	if r.URL != "" {
		u, err := url.Parse(r.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			return Reviewer{}, bad("url", "url %q must be an http or https base URL without credentials, query or fragment, e.g. http://127.0.0.1:8080", r.URL)
		}
	}
	vendor := r.Vendor
	if vendor == "" {
		vendor = defaultVendor[key]
	}
	if vendor == "" {
		return Reviewer{}, bad("command", "vendor is empty; say who makes the model (anthropic, openai, google, …): the policy counts one vote per vendor")
	}
	if !vendorRE.MatchString(vendor) {
		return Reviewer{}, bad("vendor", "vendor %q must be 1-64 lowercase letters, digits, '.', '_' or '-'", vendor)
	}
	keyEnv := r.APIKeyEnv
	if keyEnv == "" {
		keyEnv = defaultKeyEnv[key]
	} else if !envName.MatchString(keyEnv) {
		return Reviewer{}, bad("apiKeyEnv", "apiKeyEnv %q is not a variable name", keyEnv)
	}
	to := DefaultReviewerTimeout
	if r.Timeout != "" {
		d, err := time.ParseDuration(r.Timeout)
		if err != nil || d <= 0 || d > MaxReviewerTimeout {
			return Reviewer{}, bad("timeout", "timeout %q is not a positive duration up to 1h such as 3m", r.Timeout)
		}
		to = d
	}
	return Reviewer{Name: r.Name, Vendor: vendor, Kind: kind, Preset: r.Preset, Model: r.Model, Command: r.Command,
		URL: r.URL, APIKeyEnv: keyEnv, Timeout: to, Line: seqItemLine(doc, "reviewers", i)}, nil
}

// reviewerLine is the line of key in item i of reviewers, else of the item.
func reviewerLine(doc *yaml.Node, i int, key string) int {
	if l := itemFieldLine(doc, "reviewers", i, key); l > 0 {
		return l
	}
	return seqItemLine(doc, "reviewers", i)
}

// reviewSectionLine is the line of review.key, or of its item i (i ≥ 0),
// else of review.
func reviewSectionLine(doc *yaml.Node, key string, i int) int {
	for k := 0; k+1 < len(doc.Content); k += 2 {
		if doc.Content[k].Value != "review" {
			continue
		}
		m := doc.Content[k+1]
		if m.Kind != yaml.MappingNode {
			return m.Line
		}
		for j := 0; j+1 < len(m.Content); j += 2 {
			if m.Content[j].Value == key {
				v := m.Content[j+1]
				if i >= 0 && i < len(v.Content) {
					return v.Content[i].Line
				}
				return m.Content[j].Line
			}
		}
		return m.Line
	}
	return 0
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
var credentialRE = lazyre.New(`(?i)(token|secret|passw|askpass|credential|api_?key|private_?key|access_?key|auth|session|cookie|signing_?key|_pat$|^pat_)`)

// LooksLikeCredential reports whether a variable's name says it holds a
// secret (GITHUB_TOKEN, AWS_SECRET_ACCESS_KEY, NPM_AUTH…); such variables
// are never passed to checks.
func LooksLikeCredential(name string) bool { return credentialRE.MatchString(name) }

// itemFieldLine finds the line of key in item i of the sequence under seqKey,
// 0 if absent.
func itemFieldLine(doc *yaml.Node, seqKey string, i int, key string) int {
	for k := 0; k+1 < len(doc.Content); k += 2 {
		if doc.Content[k].Value != seqKey {
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

# Model reviewers: each gets the same blinded prompt (the redacted contract
# and the diff, never holdouts) and answers with a verdict and findings that
# must quote the diff. Reviews are inputs to the policy, never its decision.
# reviewers:
#   - name: claude
#     kind: command           # command | openai | anthropic | gemini
#     preset: claude          # claude | codex | gemini, or command: [argv...]
#     model: sonnet
#     timeout: 3m
#   - name: gpt
#     kind: openai            # the HTTP API; url: overrides the base URL
#     model: gpt-5
#     apiKeyEnv: OPENAI_API_KEY
# review:
#   exclude: [".env*", "**/*.pem"]   # never sent to a reviewer
#   maxDiffBytes: 1048576
`

// ValidName reports whether name can name a check.
func ValidName(name string) bool { return nameRE.MatchString(name) }

// ValidReviewerName reports whether name can name a reviewer.
func ValidReviewerName(name string) bool { return reviewerNameRE.MatchString(name) }

// ValidModel reports whether model is acceptable as a reviewer's model: it
// starts with a letter or digit, so a CLI never reads it as an option.
func ValidModel(model string) bool { return modelRE.MatchString(model) }
