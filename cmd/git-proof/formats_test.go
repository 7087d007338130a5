package main

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/git-proof/git-proof/internal/gittest"
	"github.com/git-proof/git-proof/proofpack"
)

// jsFix commits a JavaScript calculator with a bug and a passing test,
// then the fix with a test that catches the bug.
func jsFix(r *proofRepo, config string) {
	r.Write(map[string]string{
		".proof/config.yaml": config,
		"package.json":       `{"name":"calc","version":"1.0.0","private":true}` + "\n",
		"src/calc.js":        "exports.add = (a, b) => a - b;\n",
		"test/calc.test.js":  "const test = require('node:test');\nconst assert = require('node:assert');\nconst { add } = require('../src/calc.js');\ntest('add zero', () => assert.strictEqual(add(0, 0), 0));\n",
		".gitignore":         "out/\n",
	})
	r.Commit("calc")
	r.Write(map[string]string{
		"src/calc.js":       "exports.add = (a, b) => a + b;\n",
		"test/calc.test.js": "const test = require('node:test');\nconst assert = require('node:assert');\nconst { add } = require('../src/calc.js');\ntest('add zero', () => assert.strictEqual(add(0, 0), 0));\ntest('add two numbers', () => assert.strictEqual(add(2, 3), 5));\n",
	})
	r.Commit("calc: fix add")
}

// TestRunNodeReports: node's own test runner, read as JUnit (from a
// report file) and as TAP (from its output).
func TestRunNodeReports(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not installed")
	}
	for _, tt := range []struct{ name, config string }{
		{"junit report file", "checks:\n  - name: unit\n    run: mkdir -p out && node --test --test-reporter=junit --test-reporter-destination=out/junit.xml test/\n    format: junit\n    report: out/*.xml\n"},
		{"tap output", "checks:\n  - name: unit\n    run: node --test --test-reporter=tap test/\n    format: tap\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newProofRepo(t)
			r.Signing("alice@example.com")
			jsFix(r, tt.config)
			p := r.runJSON(0).Predicate
			c := p.Checks[0]
			if p.Decision != proofpack.AutoOK || strings.Join(c.Fixed, ",") != "add two numbers" || c.Head.Passed != 2 || c.Repro.Failed != 1 {
				t.Fatalf("decision %s fixed %v head %+v repro %+v; want AUTO_OK fixing %q", p.Decision, c.Fixed, c.Head, c.Repro, "add two numbers")
			}
			r.must(0, "verify")
		})
	}
}

// goModule commits a Go module: code, and a test that covers part of it.
func goModule(r *proofRepo, config, code string) {
	r.Write(map[string]string{
		".proof/config.yaml": config,
		"go.mod":             "module example.com/m\n\ngo 1.21\n",
		"m.go":               code,
		"m_test.go":          "package m\n\nimport \"testing\"\n\nfunc TestSign(t *testing.T) {\n\tif Sign(2) != 1 || Sign(0) != 0 {\n\t\tt.Fatal(Sign(2), Sign(0))\n\t}\n}\n",
		".gitignore":         "cover.out\n",
	})
	r.Commit("m")
}

// TestRunVetFindings: a SARIF-format check reading `go vet` output counts
// only findings that are new at head, with their severity.
func TestRunVetFindings(t *testing.T) {
	t.Parallel()
	r := newProofRepo(t)
	r.Signing("alice@example.com")
	cfg := "checks:\n  - name: vet\n    kind: lint\n    run: go vet ./... 2>&1\n    format: sarif\n"
	old := "package m\n\nimport \"fmt\"\n\n// Sign is the sign of x.\nfunc Sign(x int) int {\n\tif x > 0 {\n\t\treturn 1\n\t}\n\tfmt.Printf(\"%d\\n\", \"old bug\")\n\treturn 0\n}\n"
	goModule(r, cfg, old)
	// Head moves the old finding down a line and adds a new one.
	r.Write(map[string]string{"m.go": "package m\n\nimport \"fmt\"\n\n// Sign is the sign of x.\n\nfunc Sign(x int) int {\n\tif x > 0 {\n\t\treturn 1\n\t}\n\tfmt.Printf(\"%d\\n\", \"old bug\")\n\tfmt.Printf(\"%s\\n\", 42)\n\treturn 0\n}\n"})
	r.Commit("a new printf bug")
	p := r.runJSON(1).Predicate
	f := p.Checks[0].Findings
	if f == nil || f.New != 1 || f.Unchanged != 1 || f.NewByLevel["error"] != 1 || len(f.NewList) != 1 || f.NewList[0].Line != 12 {
		t.Fatalf("findings = %+v; want 1 new (line 12), 1 unchanged", f)
	}
	if p.Decision != proofpack.Block || !strings.Contains(strings.Join(p.Policy.Reasons, "\n"), "new error-level finding") {
		t.Errorf("decision %s %v; want BLOCK for the new finding", p.Decision, p.Policy.Reasons)
	}
	if h := p.Checks[0].Head; h.Status != "pass" {
		t.Errorf("head status %s (exit %d, %q); a linter that reported its findings ran fine", h.Status, h.ExitCode, h.ParseError)
	}
	res := r.must(1, "show")
	contains(t, "show", res.stdout, "findings  1 new, 0 fixed, 1 unchanged", "error vet m.go:12 fmt.Printf format %s has arg 42 of wrong type int")
}

// TestRunChangedCoverage: the coverage of the change's own lines, from a
// real Go coverprofile.
func TestRunChangedCoverage(t *testing.T) {
	t.Parallel()
	r := newProofRepo(t)
	r.Signing("alice@example.com")
	cfg := "checks:\n  - name: unit\n    run: go test -json -coverprofile=cover.out ./...\n    format: go-test-json\n    coverage: cover.out\n"
	goModule(r, cfg, "package m\n\n// Sign is the sign of x.\nfunc Sign(x int) int {\n\tif x > 0 {\n\t\treturn 1\n\t}\n\treturn 0\n}\n")
	// Add a negative branch that no test runs.
	r.Write(map[string]string{"m.go": "package m\n\n// Sign is the sign of x.\nfunc Sign(x int) int {\n\tif x > 0 {\n\t\treturn 1\n\t}\n\tif x < 0 {\n\t\treturn -1\n\t}\n\treturn 0\n}\n"})
	r.Commit("negative numbers")
	p := r.runJSON(1).Predicate
	cv := p.Checks[0].Coverage
	if cv == nil || cv.Error != "" || cv.Executable != 3 || cv.Covered != 1 || len(cv.Uncovered) != 1 || cv.Uncovered[0].File != "m.go" || cv.Uncovered[0].Lines != "9-10" {
		t.Fatalf("coverage = %+v; want 1 of 3 changed code lines (Sign(0) runs the new if, not its body or closing brace), m.go 9-10 not run", cv)
	}
	res := r.proof("show")
	contains(t, "show", res.stdout, "coverage  1 of 3 changed code lines ran (33%)", "not run: m.go 9-10")
	// A floor in the policy data sends it to review.
	if strings.Contains(strings.Join(p.Policy.Reasons, "\n"), "changed code lines") {
		t.Fatalf("a coverage reason without a floor: %v", p.Policy.Reasons)
	}
	r.Git("config", "proof.minChangedCoverage", "0.8")
	out := r.proof("policy", "eval", "--json")
	if out.code != 1 || !strings.Contains(out.stdout, "33% of the changed code lines ran at head, below 80%") {
		t.Errorf("policy eval with proof.minChangedCoverage 0.8: %s", out)
	}
}

// TestRunDependencies: a new runtime dependency is recorded with its purl
// and needs a person; a dev dependency only raises the risk.
func TestRunDependencies(t *testing.T) {
	t.Parallel()
	r := newProofRepo(t)
	r.Signing("alice@example.com")
	r.ShellBugFix()
	r.Write(map[string]string{
		"go.mod":       "module example.com/m\n\ngo 1.21\n",
		"package.json": `{"name":"m","version":"1.0.0","dependencies":{},"devDependencies":{}}` + "\n",
	})
	r.Commit("manifests")
	r.Write(map[string]string{
		"go.mod":       "module example.com/m\n\ngo 1.21\n\nrequire example.com/lib v1.2.3\n",
		"package.json": `{"name":"m","version":"1.0.0","dependencies":{},"devDependencies":{"jest":"^29.0.0"}}` + "\n",
	})
	r.Commit("add dependencies")
	p := r.runJSON(1, "--test", gittest.ShellJSONCheck).Predicate
	d := p.Dependencies
	if len(d.Added) != 2 {
		t.Fatalf("dependencies added = %+v; want example.com/lib and jest", d.Added)
	}
	var lib, jest proofpack.DepChange
	for _, c := range d.Added {
		switch c.Name {
		case "example.com/lib":
			lib = c
		case "jest":
			jest = c
		}
	}
	if lib.PURL != "pkg:golang/example.com/lib@v1.2.3" || lib.Manifest != "go.mod" || lib.Scope != "" || jest.Scope != "dev" || jest.Ecosystem != "npm" {
		t.Errorf("lib %+v jest %+v", lib, jest)
	}
	reasons := strings.Join(p.Policy.Reasons, "\n")
	if !strings.Contains(reasons, "new dependencies: example.com/lib v1.2.3 (go.mod)") || strings.Contains(reasons, "jest") {
		t.Errorf("reasons %q; want the runtime dependency named, not the dev one", reasons)
	}
	var depPoints float64
	for _, f := range p.Risk.Factors {
		if f.Name == "dependencies" {
			depPoints = f.Points
		}
	}
	if depPoints <= 0 {
		t.Errorf("risk factors %+v; want a dependencies factor", p.Risk.Factors)
	}
	res := r.proof("show")
	contains(t, "show", res.stdout, "dependencies: 2 added", "+ golang example.com/lib v1.2.3 (go.mod)")
	// A manifest that does not parse is unknown, not empty.
	r.Write(map[string]string{"go.mod": "module example.com/m\n\ngo 1.21\nrequire (\n"})
	r.Commit("broken go.mod")
	p = r.runJSON(1, "--test", gittest.ShellJSONCheck).Predicate
	if len(p.Dependencies.Errors) == 0 || len(p.Dependencies.Removed) != 0 {
		t.Errorf("broken go.mod: %+v; want an error and nothing removed", p.Dependencies)
	}
}

// TestRunHunks: every hunk is labelled; formatting mixed into a fix needs
// a person, and so does a changed public signature.
func TestRunHunks(t *testing.T) {
	t.Parallel()
	r := newProofRepo(t)
	r.Signing("alice@example.com")
	test := "package m\n\nimport \"testing\"\n\nfunc TestSign(t *testing.T) {\n\tif Sign(2) != 1 || Sign(-2) != -1 {\n\t\tt.Fatal(Sign(2), Sign(-2))\n\t}\n}\n"
	r.Write(map[string]string{
		"go.mod":    "module example.com/m\n\ngo 1.21\n",
		"m.go":      "package m\n\n// Sign is the sign of x.\nfunc Sign(x int) int {\n\tif x > 0 {\n\t\treturn 1\n\t}\n\treturn 0\n}\n\n// Twice doubles x.\nfunc Twice(x int) int { return 2 * x }\n",
		"m_test.go": "package m\n",
	})
	r.Commit("m")
	// The fix, plus a reformatting of Twice that changes nothing.
	r.Write(map[string]string{
		"m.go":      "package m\n\n// Sign is the sign of x.\nfunc Sign(x int) int {\n\tif x > 0 {\n\t\treturn 1\n\t}\n\tif x < 0 {\n\t\treturn -1\n\t}\n\treturn 0\n}\n\n// Twice doubles x.\nfunc Twice(x int) int {\n\treturn 2 * x\n}\n",
		"m_test.go": test,
	})
	r.Commit("fix Sign, reformat Twice")
	p := r.runJSON(1, "--test", "go test -json ./...").Predicate
	classes := map[string]string{}
	for _, h := range p.Hunks {
		classes[fmt.Sprintf("%s:%d", h.File, h.NewStart)] = h.Class + " " + h.Decl
	}
	if p.HunkCounts.Total < 3 || p.HunkCounts.Essential >= p.HunkCounts.Total || classes["m.go:15"] != "formatting-only " || classes["m.go:8"] != "code-change func Sign" {
		t.Fatalf("hunks %+v (%v); want Twice's reformatting labelled formatting-only", p.Hunks, classes)
	}
	reasons := strings.Join(p.Policy.Reasons, "\n")
	if !strings.Contains(reasons, "only change formatting or comments, mixed into a change of code: m.go:15 (formatting-only)") {
		t.Errorf("reasons %q; want the formatting hunk named", reasons)
	}
	contains(t, "summary", r.Git("notes", "--ref=proof", "show", "HEAD"), fmt.Sprintf("hunks %d/%d essential", p.HunkCounts.Essential, p.HunkCounts.Total))
	res := r.proof("show")
	contains(t, "show", res.stdout, "hunks:    ", "m.go:15", "formatting-only", "m.go:8", "code-change", "func Sign › body")

	// A changed exported signature.
	r.Write(map[string]string{"m.go": strings.Replace(r.readFile("m.go"), "func Twice(x int) int {", "func Twice(x int64) int64 {", 1)})
	r.Commit("Twice takes int64")
	p = r.runJSON(1, "--test", "go build ./...").Predicate
	if p.API.Signature != 1 || len(p.API.Changed) != 1 || p.API.Changed[0].Name != "Twice" {
		t.Fatalf("api = %+v; want Twice's signature changed", p.API)
	}
	if !strings.Contains(strings.Join(p.Policy.Reasons, "\n"), "public API changed: signature func Twice (m.go)") {
		t.Errorf("reasons %q; want the API change named", p.Policy.Reasons)
	}
}
