package sarif_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/git-proof/git-proof/sarif"
)

func TestParseSamples(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ file, root string }{
		{"golangci-lint.sarif", ""},
		{"golangci-lint-old-empty.sarif", ""},
		{"semgrep.sarif", ""},
		{"codeql.sarif", ""},
		{"eslint.sarif", "/home/runner/work/webapp/webapp"},
		{"messagestrings.sarif", ""},
	} {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			fs := parseFile(t, tc.file, tc.root)
			golden(t, strings.TrimSuffix(tc.file, ".sarif")+".json", fs)
		})
	}
}

func TestParseGolangciLint(t *testing.T) {
	t.Parallel()
	fs := parseFile(t, "golangci-lint.sarif", "")
	if len(fs) != 5 {
		t.Fatalf("Parse(golangci-lint.sarif) gave %d findings; want 5", len(fs))
	}
	f := byRule(fs)["errcheck"]
	want := sarif.Finding{Tool: "golangci-lint", RuleID: "errcheck", Level: "error",
		Message: "Error return value of `f.Close` is not checked", File: "cmd/app/main.go", StartLine: 31, EndLine: 31}
	f.Fingerprint, f.ContentHash = "", ""
	if f != want {
		t.Errorf("errcheck finding = %+v; want %+v", f, want)
	}
	if u := byRule(fs)["unused"]; u.Level != "warning" {
		t.Errorf("unused level = %q; want warning (kept from the result)", u.Level)
	}
	if fs := parseFile(t, "golangci-lint-old-empty.sarif", ""); len(fs) != 0 {
		t.Errorf(`"results": null gave %d findings; want 0`, len(fs))
	}
}

func TestParseSemgrep(t *testing.T) {
	t.Parallel()
	fs := parseFile(t, "semgrep.sarif", "")
	if len(fs) != 3 {
		t.Fatalf("got %d findings; want 3", len(fs))
	}
	// No result has a level: each comes from its rule's defaultConfiguration.
	if got := fs[0].Level; got != "warning" {
		t.Errorf("sql finding level = %q; want warning (rule default)", got)
	}
	if got := fs[1].Level; got != "error" {
		t.Errorf("eqeq finding level = %q; want error (rule default)", got)
	}
	if fs[1].File != "app/util.py" || fs[1].StartLine != 3 {
		t.Errorf("eqeq location = %s:%d; want app/util.py:3 (%%SRCROOT%% stripped)", fs[1].File, fs[1].StartLine)
	}
	if fs[1].Suppressed || !fs[2].Suppressed {
		t.Errorf("suppressed = %v, %v; want false, true (nosemgrep)", fs[1].Suppressed, fs[2].Suppressed)
	}
	// semgrep's placeholder fingerprints ("requires login") must not merge
	// findings: without partialFingerprints the content hash is the key.
	if fs[1].Fingerprint == fs[2].Fingerprint || !strings.HasPrefix(fs[1].Fingerprint, sarif.ContentHashPrefix) {
		t.Errorf("fingerprints %q, %q; want distinct content hashes", fs[1].Fingerprint, fs[2].Fingerprint)
	}
}

func TestParseCodeQL(t *testing.T) {
	t.Parallel()
	fs := parseFile(t, "codeql.sarif", "")
	if len(fs) != 2 {
		t.Fatalf("got %d findings; want 2", len(fs))
	}
	// Rules live in the codeql/go-queries extension, named by toolComponent.
	if fs[0].Level != "error" || fs[1].Level != "warning" {
		t.Errorf("levels = %q, %q; want error, warning (extension rules' defaults)", fs[0].Level, fs[1].Level)
	}
	if fs[0].Tool != "CodeQL" || fs[0].File != "server/files.go" || fs[0].StartLine != 27 {
		t.Errorf("first finding = %+v", fs[0])
	}
	for _, f := range fs {
		if !strings.HasPrefix(f.Fingerprint, sarif.PartialFingerprintPrefix) {
			t.Errorf("%s fingerprint %q; want one from partialFingerprints", f.RuleID, f.Fingerprint)
		}
	}
}

func TestParseESLint(t *testing.T) {
	t.Parallel()
	fs := parseFile(t, "eslint.sarif", "/home/runner/work/webapp/webapp")
	files := []string{fs[0].File, fs[1].File, fs[2].File}
	want := []string{"src/cart.js", "src/cart.js", "src/ui/render list.js"}
	if strings.Join(files, "|") != strings.Join(want, "|") {
		t.Errorf("files = %q; want %q (file:// under root made relative, %%20 decoded)", files, want)
	}
	if !fs[2].Suppressed {
		t.Error("eslint-disable'd finding not Suppressed")
	}
	// Without the root the paths stay absolute.
	if got := parseFile(t, "eslint.sarif", "")[0].File; got != "/home/runner/work/webapp/webapp/src/cart.js" {
		t.Errorf("File without root = %q", got)
	}
}

func TestParseMessageStrings(t *testing.T) {
	t.Parallel()
	fs := parseFile(t, "messagestrings.sarif", "")
	got := map[string]sarif.Finding{}
	for _, f := range fs {
		got[f.Tool+"/"+f.RuleID+"/"+f.Level] = f
	}
	if len(fs) != 4 {
		t.Fatalf("got %d findings; want 4 (the kind=pass result skipped): %+v", len(fs), fs)
	}
	for key, want := range map[string]struct{ msg, file string }{
		// ruleIndex only; message.id from the rule; BINROOT resolved under REPOROOT.
		"BinSkim/BA2002/error": {"'engine.dll' was built with a version of zlib 1.2.11 which is subject to the following issues: CVE-2018-25032. To resolve this, upgrade to zlib 1.2.12 or later.", "out/bin/native/engine.dll"},
		// {{ }} escapes; no default level on the rule: warning.
		"BinSkim/BA2008/warning": {"'engine.dll' does not enable the control flow guard (CFG) mitigation. {Enable it} with /guard:cf.", "out/bin/native/engine.dll"},
		// globalMessageStrings; kind informational: level none.
		"BinSkim/BA2002/none": {"'resources.dll' was not evaluated for check 'BA2002'.", ""},
		// rule.id only; text with arguments; an undefined uriBaseId.
		"PSScriptAnalyzer/PSAvoidUsingWriteHost/warning": {"File 'deploy.ps1' uses Write-Host. Avoid using Write-Host because it might not work in all hosts.", "scripts/deploy.ps1"},
	} {
		f, ok := got[key]
		if !ok {
			t.Errorf("no finding %s in %+v", key, fs)
			continue
		}
		if f.Message != want.msg || f.File != want.file {
			t.Errorf("%s = %q at %q; want %q at %q", key, f.Message, f.File, want.msg, want.file)
		}
	}
	if f := got["PSScriptAnalyzer/PSAvoidUsingWriteHost/warning"]; f.StartLine != 8 || f.EndLine != 9 {
		t.Errorf("lines = %d-%d; want 8-9", f.StartLine, f.EndLine)
	}
}

func TestParseMessageTruncated(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 1000) // 2000 bytes
	log := `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}},"results":[{"ruleId":"r","message":{"text":"` + long + `"}}]}]}`
	fs, err := sarif.Parse(strings.NewReader(log), "")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(fs[0].Message); n != 1024 {
		t.Errorf("message kept %d bytes; want 1024 (first KiB, on a rune boundary)", n)
	}
}

func TestParseURIForms(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		loc, bases, root, want string
	}{
		{`{"uri":"a/b.go"}`, ``, "", "a/b.go"},
		{`{"uri":"./a/../b.go"}`, ``, "", "b.go"},
		{`{"uri":"a/b.go","uriBaseId":"%SRCROOT%"}`, ``, "", "a/b.go"},
		{`{"uri":"a/b.go","uriBaseId":"SRCROOT"}`, `{"SRCROOT":{"uri":"file:///work/repo/"}}`, "/elsewhere", "a/b.go"},
		{`{"uri":"b.go","uriBaseId":"PKG"}`, `{"PKG":{"uri":"pkg/a/","uriBaseId":"SRCROOT"}}`, "", "pkg/a/b.go"},
		{`{"uri":"b.go","uriBaseId":"PKG"}`, `{"PKG":{"uri":"file:///w/r/pkg/"}}`, "/w/r", "pkg/b.go"},
		{`{"uri":"file:///w/r/x%20y.go"}`, ``, "/w/r", "x y.go"},
		{`{"uri":"file:///w/r/x.go"}`, ``, "/w/r/", "x.go"},
		{`{"uri":"file:///other/x.go"}`, ``, "/w/r", "/other/x.go"},
		{`{"uri":"file:///C:/src/app/x.js"}`, ``, "C:/src/app", "x.js"},
		{`{"uri":"/w/r/x.go"}`, ``, "/w/r", "x.go"},
		{`{"uri":"https://example.com/x.go"}`, ``, "", "https://example.com/x.go"},
	} {
		bases := ""
		if tc.bases != "" {
			bases = `,"originalUriBaseIds":` + tc.bases
		}
		log := `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}}` + bases +
			`,"results":[{"ruleId":"r","message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":` + tc.loc + `}}]}]}]}`
		fs, err := sarif.Parse(strings.NewReader(log), tc.root)
		if err != nil {
			t.Errorf("Parse(%s) = %v", tc.loc, err)
			continue
		}
		if fs[0].File != tc.want {
			t.Errorf("Parse(%s, bases %s, root %q).File = %q; want %q", tc.loc, tc.bases, tc.root, fs[0].File, tc.want)
		}
	}
}

func BenchmarkParseCodeQL(b *testing.B) {
	data, err := os.ReadFile("testdata/codeql.sarif")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for range b.N {
		if _, err := sarif.Parse(bytes.NewReader(data), ""); err != nil {
			b.Fatal(err)
		}
	}
}
