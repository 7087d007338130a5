package review

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/git-proof/git-proof/config"
	"github.com/git-proof/git-proof/sarif"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// threeVendors are one reviewer per HTTP kind, all answering ok.
func threeVendors(url string) []config.Reviewer {
	return []config.Reviewer{httpReviewer("openai", "ok", url), httpReviewer("anthropic", "ok", url), httpReviewer("gemini", "ok", url)}
}

func TestRunBlindedParallel(t *testing.T) {
	t.Parallel()
	srv := newVendorServer(t)
	f := newFakes(t)
	f.set("claude", "ok", claudeResult(testAnswer), 0, "")
	opts := httpOptions(&sleepRecorder{})
	path := f.options().Getenv("PATH")
	opts.Getenv = func(k string) string {
		if k == "PATH" {
			return path
		}
		return testKey
	}
	reviewers := append(threeVendors(srv.URL), presetReviewer("claude", "ok"))
	rep, err := Run(context.Background(), reviewers, testInput(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Reviewers) != 4 {
		t.Fatalf("%d results", len(rep.Reviewers))
	}
	// Blinding: every reviewer got the same bytes.
	for i, res := range rep.Reviewers {
		if res.Name != reviewers[i].Name || res.Status != StatusOK || res.PromptSHA256 != rep.PromptSHA256 || res.SchemaSHA256 != SchemaSHA256 {
			t.Errorf("result %d: %+v %+v", i, res, res.Failure)
		}
	}
	var system, user []string
	for _, vendor := range []string{"openai", "anthropic", "gemini"} {
		srv.mu.Lock()
		body := srv.last[vendor]
		srv.mu.Unlock()
		s, u := promptOf(t, vendor, body)
		system, user = append(system, s), append(user, u)
	}
	stdin := f.recorded("claude", "ok", "stdin")
	for i := range system {
		if system[i] != system[0] || user[i] != user[0] || string(promptBytes(system[i], user[i])) != stdin {
			t.Fatalf("reviewer %d got another prompt", i)
		}
	}
	// SARIF: one run per reviewer, valid against the official schema,
	// each run's digest recorded.
	validateSARIF(t, rep.SARIF)
	if rep.SARIFSHA256 != sha256Hex(rep.SARIF) {
		t.Error("sarifSha256 is not the SARIF's digest")
	}
	var log struct {
		Runs []json.RawMessage `json:"runs"`
	}
	if err := json.Unmarshal(rep.SARIF, &log); err != nil || len(log.Runs) != 4 {
		t.Fatalf("SARIF runs: %d, %v", len(log.Runs), err)
	}
	findings, err := sarif.Parse(bytes.NewReader(rep.SARIF), "")
	if err != nil {
		t.Fatal(err)
	}
	for i, res := range rep.Reviewers {
		var one bytes.Buffer
		var kept []sarif.Finding
		for _, fd := range findings {
			if fd.Tool == res.Name {
				kept = append(kept, fd)
			}
		}
		if err := sarif.Write(&one, sarif.Run{Tool: res.Name, Version: res.Model, Findings: kept}); err != nil {
			t.Fatal(err)
		}
		if len(kept) != 1 || res.FindingsSHA256 != sha256Hex(one.Bytes()) {
			t.Errorf("reviewer %d: %d findings, findingsSha256 %s, SARIF run digest %s", i, len(kept), res.FindingsSHA256, sha256Hex(one.Bytes()))
		}
	}
}

// promptOf reads the system and user prompt out of a vendor request.
func promptOf(t *testing.T, vendor string, body []byte) (system, user string) {
	t.Helper()
	switch vendor {
	case "openai":
		var r struct{ Messages []struct{ Content string } }
		json.Unmarshal(body, &r)
		return r.Messages[0].Content, r.Messages[1].Content
	case "anthropic":
		var r struct {
			System   string
			Messages []struct{ Content string }
		}
		json.Unmarshal(body, &r)
		return r.System, r.Messages[0].Content
	}
	var r struct {
		SystemInstruction struct{ Parts []struct{ Text string } } `json:"systemInstruction"`
		Contents          []struct{ Parts []struct{ Text string } }
	}
	json.Unmarshal(body, &r)
	return r.SystemInstruction.Parts[0].Text, r.Contents[0].Parts[0].Text
}

func validateSARIF(t *testing.T, data []byte) {
	t.Helper()
	const url = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	f, err := os.Open("../sarif/testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Fatalf("SARIF does not validate: %v", err)
	}
}

func TestRunCache(t *testing.T) {
	t.Parallel()
	srv := newVendorServer(t)
	cache := t.TempDir()
	opts := httpOptions(&sleepRecorder{})
	opts.CacheDir = cache
	reviewers := append(threeVendors(srv.URL), httpReviewer("openai", "500", srv.URL))
	reviewers[3].Name = "failing"
	first, err := Run(context.Background(), reviewers, testInput(), opts)
	if err != nil {
		t.Fatal(err)
	}
	second, err := Run(context.Background(), reviewers, testInput(), opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"openai", "anthropic", "gemini"} {
		if n := srv.requests(v, "ok"); n != 1 {
			t.Errorf("%s was asked %d times; the second run should use the cache", v, n)
		}
	}
	for i := range 3 {
		a, b := first.Reviewers[i], second.Reviewers[i]
		if a.Cached || !b.Cached {
			t.Errorf("reviewer %d: cached %v then %v", i, a.Cached, b.Cached)
		}
		b.Cached = false
		if mustJSON(t, a) != mustJSON(t, b) {
			t.Errorf("reviewer %d: cached result differs:\n%s\n%s", i, mustJSON(t, a), mustJSON(t, b))
		}
	}
	if !bytes.Equal(first.SARIF, second.SARIF) {
		t.Error("the cached run's SARIF differs")
	}
	// The failing reviewer was asked both times: failures are never cached.
	if n := srv.requests("openai", "500"); n != 6 || second.Reviewers[3].Cached || second.Reviewers[3].Status != StatusUnavailable {
		t.Errorf("failing reviewer: %d requests, %+v", n, second.Reviewers[3])
	}
	// Another diff, another model, another url: misses.
	in := testInput()
	in.Diff = []byte(strings.Replace(testDiff, "a + b", "b + a", 1))
	third, err := Run(context.Background(), reviewers[:1], in, opts)
	if err != nil {
		t.Fatal(err)
	}
	if third.Reviewers[0].Cached || srv.requests("openai", "ok") != 2 {
		t.Error("a changed diff hit the cache")
	}
	changed := reviewers[0]
	changed.URL = srv.URL + "/"
	if fourth, err := Run(context.Background(), []config.Reviewer{changed}, testInput(), opts); err != nil || fourth.Reviewers[0].Cached {
		t.Errorf("a changed url hit the cache: %v", err)
	}
	// A damaged entry is a miss, not an error.
	entries, _ := filepath.Glob(filepath.Join(cache, "*.json"))
	for _, e := range entries {
		os.WriteFile(e, []byte("{garbage"), 0o644)
	}
	if fifth, err := Run(context.Background(), reviewers[:1], testInput(), opts); err != nil || fifth.Reviewers[0].Cached || fifth.Reviewers[0].Status != StatusOK {
		t.Errorf("damaged cache: %+v, %v", fifth, err)
	}
}

func TestRunSecretSkipsAll(t *testing.T) {
	t.Parallel()
	srv := newVendorServer(t)
	diff := testDiff + strings.Join([]string{
		"diff --git a/deploy/config.go b/deploy/config.go",
		"--- a/deploy/config.go",
		"+++ b/deploy/config.go",
		"@@ -40,2 +40,3 @@",
		" package deploy",
		"+const awsKey = \"" + fake("AKIA", "Z7QX4N2LKD5RWT3M") + "\"",
		" var x = 1",
	}, "\n") + "\n"
	in := testInput()
	in.Diff = []byte(diff)
	rep, err := Run(context.Background(), threeVendors(srv.URL), in, httpOptions(&sleepRecorder{}))
	if err != nil {
		t.Fatal(err)
	}
	for _, res := range rep.Reviewers {
		if res.Status != StatusSkipped || res.Failure.Class != ClassSecret || !strings.Contains(res.Failure.Message, "deploy/config.go:41: aws-access-key-id") || res.PromptSHA256 != "" || res.Attempts != 0 {
			t.Errorf("%s: %+v %+v", res.Name, res, res.Failure)
		}
	}
	if !rep.SecretScan.Scanned || len(rep.SecretScan.Hits) != 1 || rep.SecretScan.Hits[0].File != "deploy/config.go" || rep.SecretScan.Hits[0].Line != 41 {
		t.Errorf("secret scan %+v", rep.SecretScan)
	}
	for _, v := range []string{"openai", "anthropic", "gemini"} {
		if n := srv.requests(v, "ok"); n != 0 {
			t.Errorf("%s was sent a prompt with a secret", v)
		}
	}
	if strings.Contains(mustJSON(t, rep), "Z7QX4N2LKD5RWT3M") {
		t.Error("the report holds the secret")
	}
	// Excluding the file lets the review go ahead without it.
	opts := httpOptions(&sleepRecorder{})
	opts.Exclude = []string{"deploy/**"}
	rep, err = Run(context.Background(), threeVendors(srv.URL), in, opts)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Reviewers[0].Status != StatusOK || !slices.Equal(rep.Excluded, []string{"deploy/config.go"}) || rep.DiffSHA256 != sha256Hex([]byte(testDiff)) {
		t.Errorf("excluded secret: %+v", rep)
	}
}

func TestRunSkips(t *testing.T) {
	t.Parallel()
	srv := newVendorServer(t)
	opts := httpOptions(&sleepRecorder{})
	for _, tc := range []struct {
		name    string
		diff    string
		exclude []string
		max     int
		class   string
	}{
		{"empty", "", nil, 0, ClassEmpty},
		{"all excluded", testDiff, []string{"calc/*"}, 0, ClassExcluded},
		{"too large", testDiff, nil, 100, ClassTooLarge},
	} {
		o := opts
		o.Exclude, o.MaxDiffBytes = tc.exclude, tc.max
		in := testInput()
		in.Diff = []byte(tc.diff)
		rep, err := Run(context.Background(), threeVendors(srv.URL), in, o)
		if err != nil {
			t.Fatal(err)
		}
		for _, res := range rep.Reviewers {
			if res.Status != StatusSkipped || res.Failure.Class != tc.class || res.Failure.Transient {
				t.Errorf("%s: %+v %+v", tc.name, res, res.Failure)
			}
		}
		if rep.SecretScan.Scanned {
			t.Errorf("%s: scanned a prompt that was never sent", tc.name)
		}
	}
	for _, v := range []string{"openai", "anthropic", "gemini"} {
		if n := srv.requests(v, "ok"); n != 0 {
			t.Errorf("%s was asked", v)
		}
	}
}

func TestRunErrors(t *testing.T) {
	t.Parallel()
	ok := httpReviewer("openai", "ok", "http://127.0.0.1:1")
	for _, rs := range [][]config.Reviewer{
		{ok, ok},
		{{Name: "Bad Name", Kind: KindOpenAI, Model: "m"}},
		{{Name: "x", Kind: "bard", Model: "m"}},
		{{Name: "x", Kind: KindCommand}},
		{{Name: "x", Kind: KindCommand, Preset: "copilot"}},
		{{Name: "x", Kind: KindAnthropic}},
		{{Name: "x", Kind: KindCommand, Preset: "claude", Model: "--dangerously-skip-permissions"}},
	} {
		if _, err := Run(context.Background(), rs, testInput(), Options{}); err == nil || !strings.Contains(err.Error(), config.Path) {
			t.Errorf("Run(%+v) = %v; want an error naming the config", rs, err)
		}
	}
	full := Input{Diff: []byte(testDiff), Contract: []byte(`{"id":"GP-1","holdouts":[{"id":"H1","ears":"` + holdoutText + `"}]}`)}
	if _, err := Run(context.Background(), []config.Reviewer{ok}, full, Options{}); err == nil || !strings.Contains(err.Error(), "redacted") {
		t.Errorf("a contract with holdouts: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	srv := newVendorServer(t)
	if _, err := Run(ctx, threeVendors(srv.URL), testInput(), httpOptions(&sleepRecorder{})); err == nil {
		t.Error("a cancelled run succeeded")
	}
	// No reviewers: an empty report, a valid empty SARIF log.
	rep, err := Run(context.Background(), nil, testInput(), Options{})
	if err != nil || len(rep.Reviewers) != 0 {
		t.Fatalf("no reviewers: %+v, %v", rep, err)
	}
	validateSARIF(t, rep.SARIF)
}

// TestReportJSON pins the report's JSON shape.
func TestReportJSON(t *testing.T) {
	t.Parallel()
	srv := newVendorServer(t)
	rs := []config.Reviewer{httpReviewer("openai", "ok", srv.URL), httpReviewer("anthropic", "quota", srv.URL)}
	rep, err := Run(context.Background(), rs, testInput(), httpOptions(&sleepRecorder{}))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(mustJSON(t, rep)), &m); err != nil {
		t.Fatal(err)
	}
	keys := func(m map[string]any) []string {
		var k []string
		for key := range m {
			k = append(k, key)
		}
		slices.Sort(k)
		return k
	}
	if got := strings.Join(keys(m), ","); got != "contractId,contractSha256,diffBytes,diffSha256,promptSha256,promptVersion,reviewers,sarifSha256,schemaSha256,secretScan" {
		t.Errorf("report keys: %s", got)
	}
	revs := m["reviewers"].([]any)
	ok, failed := revs[0].(map[string]any), revs[1].(map[string]any)
	if got := strings.Join(keys(ok), ","); got != "attempts,cached,counts,dropped,durationMs,findingsSha256,kind,model,modelRequested,name,promptSha256,responseSha256,retryWaitMs,schemaSha256,status,summary,systemFingerprint,usage,vendor,verdict" {
		t.Errorf("ok result keys: %s", got)
	}
	if got := strings.Join(keys(failed), ","); got != "attempts,cached,counts,dropped,durationMs,failure,kind,modelRequested,name,promptSha256,retryWaitMs,schemaSha256,status,vendor" {
		t.Errorf("failed result keys: %s", got)
	}
	if got := strings.Join(keys(failed["failure"].(map[string]any)), ","); got != "attempts,class,message,transient" {
		t.Errorf("failure keys: %s", got)
	}
}

// TestRunDeadlineIsPerReviewer: a hanging reviewer times out alone; the
// others answer.
func TestRunDeadlineIsPerReviewer(t *testing.T) {
	t.Parallel()
	srv := newVendorServer(t)
	hang := httpReviewer("anthropic", "hang", srv.URL)
	hang.Timeout = 200 * time.Millisecond
	rs := []config.Reviewer{httpReviewer("openai", "ok", srv.URL), hang, httpReviewer("gemini", "ok", srv.URL)}
	rep, err := Run(context.Background(), rs, testInput(), httpOptions(&sleepRecorder{}))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Reviewers[0].Status != StatusOK || rep.Reviewers[1].Failure == nil || rep.Reviewers[1].Failure.Class != ClassTimeout || rep.Reviewers[2].Status != StatusOK {
		t.Fatalf("results: %+v", rep.Reviewers)
	}
}
