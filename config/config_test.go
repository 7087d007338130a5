package config

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	t.Parallel()
	src := `# comment
tests: ["**/*_test.go", "tests/**"]
sensitive: ["deploy/**"]
checks:
  - name: unit
    kind: test
    run: go test -json ./...
    format: go-test-json
    timeout: 10m
  - name: lint
    kind: lint
    run: go vet ./...
`
	cfg, err := Parse(strings.NewReader(src), "c.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Tests) != 2 || len(cfg.Checks) != 2 || len(cfg.Sensitive) != 1 {
		t.Fatalf("Parse = %+v", cfg)
	}
	u, l := cfg.Checks[0], cfg.Checks[1]
	if u.Name != "unit" || u.Run != "go test -json ./..." || u.Format != "go-test-json" || u.Timeout != 10*time.Minute || u.Line != 5 {
		t.Errorf("check 0 = %+v", u)
	}
	if l.Kind != "lint" || l.Format != "" || l.Timeout != 0 || l.Line != 10 {
		t.Errorf("check 1 = %+v", l)
	}
	for _, empty := range []string{"", "# only a comment\n", "---\n"} {
		cfg, err := Parse(strings.NewReader(empty), "c.yaml")
		if err != nil || cfg.Tests != nil || len(cfg.Checks) != 0 {
			t.Errorf("Parse(%q) = %+v, %v; want an empty config", empty, cfg, err)
		}
	}
	// The full check shape.
	full := "checks:\n  - name: unit\n    run: pytest --junitxml=out/junit.xml\n    format: junit\n    report: out/*.xml\n    coverage: coverage.lcov\n    repeat: 3\n    env: [PYTHONPATH, GOFLAGS]\n    network: true\n"
	cfg, err = Parse(strings.NewReader(full), "c.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c := cfg.Checks[0]; c.Format != "junit" || c.Report != "out/*.xml" || c.Coverage != "coverage.lcov" || c.Repeat != 3 || len(c.Env) != 2 || !c.Network {
		t.Errorf("full check = %+v", c)
	}
	// kind defaults to test; repeat to 1; network to off.
	cfg, err = Parse(strings.NewReader("checks:\n  - name: a\n    run: true\n"), "c.yaml")
	if err != nil || cfg.Checks[0].Kind != "test" || cfg.Checks[0].Repeat != 1 || cfg.Checks[0].Network {
		t.Errorf("default kind: %+v, %v", cfg, err)
	}
}

func TestParseMalformed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		line int
		msg  string
	}{
		{"not a mapping", "- a\n- b\n", 1, "must be a mapping"},
		{"scalar", "hello\n", 1, "must be a mapping"},
		{"unknown key", "tests: []\nchecks: []\nextra: 1\n", 3, "field extra not found"},
		{"unknown check key", "checks:\n  - name: a\n    run: x\n    shell: bash\n", 4, "field shell not found"},
		{"bad yaml", "checks: [\n", 0, ""},
		{"tab indentation", "checks:\n\t- name: a\n", 2, ""},
		{"tests not a list", "tests: 3\n", 1, "cannot unmarshal"},
		{"bad glob", "tests: [\"a/[b\"]\n", 1, "not a valid glob"},
		{"absolute glob", "tests: [\"/abs/**\"]\n", 1, "not a valid glob"},
		{"bad sensitive glob", "sensitive:\n  - ok/**\n  - \"a/[b\"\n", 3, "sensitive: \"a/[b\" is not a valid glob"},
		{"empty sensitive glob", "sensitive: [\"\"]\n", 1, "sensitive"},
		{"empty name", "checks:\n  - run: x\n", 2, "name \"\" must be"},
		{"name with space", "checks:\n  - name: a b\n    run: x\n", 2, "must be 1-64"},
		{"duplicate name", "checks:\n  - name: a\n    run: x\n  - name: a\n    run: y\n", 4, "used twice"},
		{"empty run", "checks:\n  - name: a\n    run: \"  \"\n", 3, "run is empty"},
		{"bad kind", "checks:\n  - name: a\n    run: x\n    kind: fuzz\n", 4, "kind \"fuzz\""},
		{"bad format", "checks:\n  - name: a\n    run: x\n    format: xml\n", 4, "format \"xml\""},
		{"bad timeout", "checks:\n  - name: a\n    run: x\n    timeout: soon\n", 4, "timeout \"soon\""},
		{"negative timeout", "checks:\n  - name: a\n    run: x\n    timeout: -1s\n", 4, "positive duration"},
		{"repeat zero", "checks:\n  - name: a\n    run: x\n    repeat: 0\n", 4, "repeat 0 must be 1 to 20"},
		{"repeat too high", "checks:\n  - name: a\n    run: x\n    repeat: 21\n", 4, "repeat 21"},
		{"repeat not a number", "checks:\n  - name: a\n    run: x\n    repeat: many\n", 4, "cannot unmarshal"},
		{"credential in env", "checks:\n  - name: a\n    run: x\n    env: [GOFLAGS, GITHUB_TOKEN]\n", 4, "GITHUB_TOKEN\" looks like a credential"},
		{"secret in env", "checks:\n  - name: a\n    run: x\n    env:\n      - AWS_SECRET_ACCESS_KEY\n", 4, "looks like a credential"},
		{"bad env name", "checks:\n  - name: a\n    run: x\n    env: [\"A=B\"]\n", 4, "not a variable name"},
		{"report without format", "checks:\n  - name: a\n    run: x\n    report: out.xml\n", 2, "give its format"},
		{"report outside the tree", "checks:\n  - name: a\n    run: x\n    format: junit\n    report: ../out.xml\n", 5, "inside the tree"},
		{"absolute coverage", "checks:\n  - name: a\n    run: x\n    coverage: /tmp/c.out\n", 4, "inside the tree"},
		{"network not a bool", "checks:\n  - name: a\n    run: x\n    network: maybe\n", 4, "cannot unmarshal"},
		{"too large", "tests: []\n" + strings.Repeat("# padding\n", MaxBytes/10+1), 0, "over 262144 bytes"},
		{"binary", "\x00\x01\x02", 0, ""},
		{"alias bomb", "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse(strings.NewReader(tt.src), "cfg.yaml")
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("Parse(%q) = %v; want a *config.Error", tt.src, err)
			}
			if ce.File != "cfg.yaml" || (tt.line != 0 && ce.Line != tt.line) || !strings.Contains(ce.Msg, tt.msg) {
				t.Errorf("Parse(%q) = %q (line %d); want line %d with %q", tt.src, err, ce.Line, tt.line, tt.msg)
			}
			if tt.line != 0 && !strings.HasPrefix(err.Error(), "cfg.yaml:") {
				t.Errorf("error %q does not start with file:line", err)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"",
		"tests: [\"**/*_test.go\"]\nchecks:\n  - name: unit\n    run: go test ./...\n    timeout: 1m\n",
		"checks:\n  - name: a\n    run: x\n    kind: lint\n    format: exit-code\n",
		"- a\n",
		"checks: [\n",
		"a: &a [x]\nb: [*a, *a]\n",
		"reviewers:\n  - name: a\n    preset: claude\n  - name: b\n    kind: openai\n    model: m\n    url: http://x\nreview:\n  exclude: [\"*.pem\"]\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse(strings.NewReader(string(data)), "f.yaml")
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("Parse error %v is not a *config.Error", err)
			}
			return
		}
		seen := map[string]bool{}
		for _, c := range cfg.Checks {
			if !nameRE.MatchString(c.Name) || seen[c.Name] || strings.TrimSpace(c.Run) == "" || !kinds[c.Kind] || !formats[c.Format] || c.Timeout < 0 ||
				c.Repeat < 1 || c.Repeat > MaxRepeat || slices.ContainsFunc(c.Env, LooksLikeCredential) {
				t.Fatalf("Parse accepted an invalid check %+v", c)
			}
			seen[c.Name] = true
		}
		names := map[string]bool{}
		for _, r := range cfg.Reviewers {
			if !reviewerNameRE.MatchString(r.Name) || names[r.Name] || !reviewerKinds[r.Kind] || r.Vendor == "" || r.Timeout <= 0 ||
				(r.Kind == "command") == (r.Preset == "" && len(r.Command) == 0) || (r.Model != "" && !modelRE.MatchString(r.Model)) {
				t.Fatalf("Parse accepted an invalid reviewer %+v", r)
			}
			names[r.Name] = true
		}
	})
}

func TestLooksLikeCredential(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{
		"GITHUB_TOKEN": true, "NPM_TOKEN": true, "AWS_SECRET_ACCESS_KEY": true, "AWS_ACCESS_KEY_ID": true,
		"DB_PASSWORD": true, "PGPASSWORD": true, "SSH_AUTH_SOCK": true, "OPENAI_API_KEY": true, "ANTHROPIC_APIKEY": true,
		"GH_PAT": true, "PAT_FOR_CI": true, "VAULT_TOKEN": true, "GIT_ASKPASS": true, "SESSION_ID": true, "DOCKER_AUTH_CONFIG": true,
		"PATH": false, "GOFLAGS": false, "HOME": false, "PYTHONPATH": false, "GOPATH": false, "NODE_OPTIONS": false,
		"LANG": false, "CI": false, "CGO_ENABLED": false, "JAVA_HOME": false,
	} {
		if got := LooksLikeCredential(name); got != want {
			t.Errorf("LooksLikeCredential(%q) = %v; want %v", name, got, want)
		}
	}
}

func TestParseReviewers(t *testing.T) {
	t.Parallel()
	src := `reviewers:
  - name: claude
    preset: claude
    model: sonnet
  - name: gpt
    kind: openai
    model: gpt-5
    url: http://127.0.0.1:8080
    timeout: 30s
  - name: local-llm
    kind: command
    vendor: meta
    command: [llm, -m, "{model}", --schema, "{schemaFile}"]
  - name: gem
    kind: gemini
    model: gemini-2.5-pro
    apiKeyEnv: MY_GEMINI_KEY
review:
  exclude: [".env*", "**/*.pem"]
  maxDiffBytes: 4096
`
	cfg, err := Parse(strings.NewReader(src), "c.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Reviewers) != 4 {
		t.Fatalf("reviewers = %+v", cfg.Reviewers)
	}
	c, g, l, gm := cfg.Reviewers[0], cfg.Reviewers[1], cfg.Reviewers[2], cfg.Reviewers[3]
	if c.Kind != "command" || c.Preset != "claude" || c.Vendor != "anthropic" || c.APIKeyEnv != "ANTHROPIC_API_KEY" || c.Timeout != DefaultReviewerTimeout || c.Line != 2 {
		t.Errorf("claude = %+v", c)
	}
	if g.Kind != "openai" || g.Vendor != "openai" || g.APIKeyEnv != "OPENAI_API_KEY" || g.URL != "http://127.0.0.1:8080" || g.Timeout != 30*time.Second || g.Line != 5 {
		t.Errorf("gpt = %+v", g)
	}
	if l.Vendor != "meta" || len(l.Command) != 5 || l.APIKeyEnv != "" || l.Preset != "" {
		t.Errorf("local = %+v", l)
	}
	if gm.Vendor != "google" || gm.APIKeyEnv != "MY_GEMINI_KEY" {
		t.Errorf("gemini = %+v", gm)
	}
	if len(cfg.Review.Exclude) != 2 || cfg.Review.MaxDiffBytes != 4096 {
		t.Errorf("review = %+v", cfg.Review)
	}
	cfg, err = Parse(strings.NewReader("reviewers:\n  - name: x\n    preset: codex\n"), "c.yaml")
	if err != nil || cfg.Reviewers[0].Vendor != "openai" || cfg.Reviewers[0].APIKeyEnv != "CODEX_API_KEY" || cfg.Review.MaxDiffBytes != 0 {
		t.Errorf("codex preset = %+v, %v", cfg, err)
	}
}

func TestParseReviewersMalformed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		line int
		msg  string
	}{
		{"bad name", "reviewers:\n  - name: Claude\n    preset: claude\n", 2, "lowercase"},
		{"duplicate", "reviewers:\n  - name: a\n    preset: claude\n  - name: a\n    preset: codex\n", 4, "used twice"},
		{"no kind", "reviewers:\n  - name: a\n", 2, "kind \"\" is not one of"},
		{"bad kind", "reviewers:\n  - name: a\n    kind: bard\n", 3, "kind \"bard\""},
		{"bad preset", "reviewers:\n  - name: a\n    preset: copilot\n", 3, "preset \"copilot\""},
		{"command no argv", "reviewers:\n  - name: a\n    kind: command\n", 3, "needs a preset"},
		{"preset and command", "reviewers:\n  - name: a\n    preset: claude\n    command: [x]\n", 4, "not both"},
		{"empty argv0", "reviewers:\n  - name: a\n    vendor: x\n    command: [\"\"]\n", 4, "command[0] is empty"},
		{"command without vendor", "reviewers:\n  - name: a\n    command: [llm]\n", 3, "vendor is empty"},
		{"http without model", "reviewers:\n  - name: a\n    kind: openai\n", 2, "needs a model"},
		{"http with command", "reviewers:\n  - name: a\n    kind: anthropic\n    model: m\n    command: [x]\n", 3, "preset and command are for kind command"},
		{"url on command", "reviewers:\n  - name: a\n    preset: claude\n    url: http://x\n", 4, "url is for the HTTP kinds"},
		{"bad url", "reviewers:\n  - name: a\n    kind: openai\n    model: m\n    url: ftp://x\n", 5, "http or https"},
		{"url with key", "reviewers:\n  - name: a\n    kind: openai\n    model: m\n    url: http://u:p@x\n", 5, "without credentials"},
		{"option-like model", "reviewers:\n  - name: a\n    preset: claude\n    model: --dangerously-skip-permissions\n", 4, "model \"--dangerously"},
		{"bad vendor", "reviewers:\n  - name: a\n    preset: claude\n    vendor: Anthropic Inc\n", 4, "vendor \"Anthropic Inc\""},
		{"bad key env", "reviewers:\n  - name: a\n    preset: claude\n    apiKeyEnv: A-B\n", 4, "not a variable name"},
		{"bad timeout", "reviewers:\n  - name: a\n    preset: claude\n    timeout: 2h\n", 4, "up to 1h"},
		{"unknown field", "reviewers:\n  - name: a\n    preset: claude\n    temperature: 0\n", 4, "field temperature not found"},
		{"bad exclude", "review:\n  exclude:\n    - ok\n    - \"a/[b\"\n", 4, "review.exclude"},
		{"max diff zero", "review:\n  maxDiffBytes: 0\n", 2, "must be 1 to"},
		{"unknown review key", "review:\n  providers: [a]\n", 2, "field providers not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse(strings.NewReader(tt.src), "cfg.yaml")
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("Parse(%q) = %v; want a *config.Error", tt.src, err)
			}
			if ce.File != "cfg.yaml" || ce.Line != tt.line || !strings.Contains(ce.Msg, tt.msg) {
				t.Errorf("Parse(%q) = %q (line %d); want line %d with %q", tt.src, err, ce.Line, tt.line, tt.msg)
			}
		})
	}
}
