package config

import (
	"errors"
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
	// kind defaults to test.
	cfg, err = Parse(strings.NewReader("checks:\n  - name: a\n    run: true\n"), "c.yaml")
	if err != nil || cfg.Checks[0].Kind != "test" {
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
		{"empty run", "checks:\n  - name: a\n    run: \"  \"\n", 2, "run is empty"},
		{"bad kind", "checks:\n  - name: a\n    run: x\n    kind: fuzz\n", 2, "kind \"fuzz\""},
		{"bad format", "checks:\n  - name: a\n    run: x\n    format: xml\n", 2, "format \"xml\""},
		{"bad timeout", "checks:\n  - name: a\n    run: x\n    timeout: soon\n", 2, "timeout \"soon\""},
		{"negative timeout", "checks:\n  - name: a\n    run: x\n    timeout: -1s\n", 2, "positive duration"},
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
			if !nameRE.MatchString(c.Name) || seen[c.Name] || strings.TrimSpace(c.Run) == "" || !kinds[c.Kind] || !formats[c.Format] || c.Timeout < 0 {
				t.Fatalf("Parse accepted an invalid check %+v", c)
			}
			seen[c.Name] = true
		}
	})
}
