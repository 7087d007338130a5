package main

import (
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-proof/git-proof/internal/gittest"
)

// needPolicyCommand skips the end-to-end policy tests until main.go lists
// policyCommand().
func needPolicyCommand(t *testing.T) {
	t.Helper()
	if newApp(io.Discard, io.Discard).Command("policy") == nil {
		t.Fatal("the policy command is not registered: add policyCommand(), to the Commands in main.go")
	}
}

// policyEvalOut is `git proof policy eval --json`.
type policyEvalOut struct {
	MediaType    string   `json:"mediaType"`
	Commit       string   `json:"commit"`
	Decision     string   `json:"decision"`
	Deny         []string `json:"deny"`
	Review       []string `json:"review"`
	PolicySHA256 string   `json:"policySha256"`
	Sources      []string `json:"sources"`
	FailedStep   string   `json:"failedStep"`
	Error        string   `json:"error"`
	Input        *struct {
		Proofpack struct {
			Commit string `json:"commit"`
			Policy struct {
				SHA256 string `json:"sha256"`
			} `json:"policy"`
		} `json:"proofpack"`
		Signer struct {
			Signed, Verified, Trusted bool
			Principal                 string `json:"principal"`
		} `json:"signer"`
		Commit struct {
			ID      string   `json:"id"`
			Parents []string `json:"parents"`
		} `json:"commit"`
		Ref     string `json:"ref"`
		Context string `json:"context"`
	} `json:"input"`
}

// policyShowOut is `git proof policy show --json`.
type policyShowOut struct {
	MediaType    string `json:"mediaType"`
	PolicySHA256 string `json:"policySha256"`
	Sources      []struct {
		Name    string `json:"name"`
		Dir     string `json:"dir"`
		Modules []struct {
			Name   string `json:"name"`
			SHA256 string `json:"sha256"`
		} `json:"modules"`
		Tests []struct {
			Name string `json:"name"`
		} `json:"tests"`
	} `json:"sources"`
	Data map[string]any `json:"data"`
}

func decodeJSON[T any](t *testing.T, res result) *T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(res.stdout), &v); err != nil {
		t.Fatalf("decode JSON: %v\n%s", err, res)
	}
	return &v
}

func (s *policyShowOut) sourceNames() string {
	var names []string
	for _, src := range s.Sources {
		names = append(names, src.Name)
	}
	return strings.Join(names, ",")
}

// provenRepo is a repository with a signed AUTO_OK proof on HEAD.
func provenRepo(t *testing.T) (*proofRepo, *runJSON) {
	t.Helper()
	r := newProofRepo(t)
	r.Signing("alice@example.com")
	r.ShellBugFix()
	return r, r.runJSON(0, "--test", gittest.ShellCheck)
}

// TestPolicyDigestIsRecorded: the digest `policy show` prints is the one
// `run` put in the record, and `policy eval` evaluates that policy on the
// verified record and shows the input it evaluated.
func TestPolicyDigestIsRecorded(t *testing.T) {
	needPolicyCommand(t)
	t.Parallel()
	r, run := provenRepo(t)
	recorded := run.Predicate.Policy.SHA256
	if len(recorded) != 64 {
		t.Fatalf("record's policy.sha256 = %q", recorded)
	}

	show := decodeJSON[policyShowOut](t, r.must(0, "policy", "show", "--json"))
	if show.PolicySHA256 != recorded {
		t.Errorf("policy show sha256 = %s; record's policy.sha256 = %s", show.PolicySHA256, recorded)
	}
	if show.MediaType != policyShowMediaType || show.sourceNames() != "default" || show.Data != nil {
		t.Errorf("policy show = %+v; want the default source only, no data", show)
	}
	if m := show.Sources[0].Modules; len(m) == 0 || m[0].Name != "default/proof.rego" || len(m[0].SHA256) != 64 {
		t.Errorf("policy show modules = %+v", m)
	}
	contains(t, "policy show", r.must(0, "policy", "show").stdout,
		"policy sha256:"+recorded, "source default (embedded)", "default/proof.rego  sha256:", "data.config: none")

	// Flags before and after the revision, as reorderArgs moves them.
	for _, args := range [][]string{{"policy", "eval", "--json"}, {"policy", "eval", "HEAD", "--json"}, {"policy", "eval", "--json", "HEAD"}} {
		ev := decodeJSON[policyEvalOut](t, r.must(0, args...))
		if ev.MediaType != policyEvalMediaType || ev.Decision != "AUTO_OK" || len(ev.Deny)+len(ev.Review) != 0 || ev.PolicySHA256 != recorded {
			t.Errorf("%v = %+v; want AUTO_OK under %s", args, ev, recorded)
		}
		in := ev.Input
		if in == nil {
			t.Fatalf("%v: no input", args)
		}
		if in.Commit.ID != run.Commit || in.Proofpack.Commit != run.Commit || in.Proofpack.Policy.SHA256 != recorded ||
			!in.Signer.Trusted || in.Signer.Principal != "alice@example.com" || in.Context != "verify" || len(in.Commit.Parents) != 1 {
			t.Errorf("%v input = %+v", args, in)
		}
	}
	ev := decodeJSON[policyEvalOut](t, r.must(0, "policy", "eval", "--context", "pre-receive", "--ref", "refs/heads/main", "--json"))
	if ev.Input.Context != "pre-receive" || ev.Input.Ref != "refs/heads/main" {
		t.Errorf("policy eval --context pre-receive --ref refs/heads/main: input context %q ref %q", ev.Input.Context, ev.Input.Ref)
	}
	contains(t, "policy eval", r.must(0, "policy", "eval").stdout,
		"commit "+run.Commit, "policy sha256:"+recorded+" (default)", "signed by alice@example.com", "decision: AUTO_OK")

	// Data is part of the policy: another risk threshold, another digest,
	// and the record made under it carries it too.
	r.Git("config", "proof.riskThreshold", "0.9")
	show = decodeJSON[policyShowOut](t, r.must(0, "policy", "show", "--json"))
	if show.PolicySHA256 == recorded || show.Data["riskThreshold"] != 0.9 {
		t.Errorf("policy show with proof.riskThreshold=0.9: sha256 %s (default's %s), data %v", show.PolicySHA256, recorded, show.Data)
	}
	contains(t, "policy show", r.must(0, "policy", "show").stdout, "data.config:", `"riskThreshold": 0.9`)
	again := r.runJSON(0, "--test", gittest.ShellCheck)
	if again.Predicate.Policy.SHA256 != show.PolicySHA256 {
		t.Errorf("run with proof.riskThreshold=0.9 recorded policy %s; policy show says %s", again.Predicate.Policy.SHA256, show.PolicySHA256)
	}
	if ev := decodeJSON[policyEvalOut](t, r.must(0, "policy", "eval", "--json")); ev.PolicySHA256 != show.PolicySHA256 {
		t.Errorf("policy eval sha256 %s; policy show %s", ev.PolicySHA256, show.PolicySHA256)
	}
}

// TestPolicyRepoTightens: .proof/policy adds a deny reason to the default's
// (client side); the server's sources ignore it; --policy replaces it.
func TestPolicyRepoTightens(t *testing.T) {
	needPolicyCommand(t)
	t.Parallel()
	r, run := provenRepo(t)
	r.Write(map[string]string{".proof/policy/strict.rego": "package proof\n\ndeny contains \"no Fridays\" if true\n"})

	res := r.must(1, "policy", "eval")
	contains(t, "policy eval", res.stdout, "decision: BLOCK", "deny:   no Fridays", "(default, .proof/policy)")
	ev := decodeJSON[policyEvalOut](t, r.must(1, "policy", "eval", "--json", run.Commit))
	if ev.Decision != "BLOCK" || strings.Join(ev.Deny, "|") != "no Fridays" || ev.PolicySHA256 == run.Predicate.Policy.SHA256 {
		t.Errorf("policy eval --json = %+v; want BLOCK for no Fridays under a new digest", ev)
	}
	show := decodeJSON[policyShowOut](t, r.must(0, "policy", "show", "--json"))
	if show.PolicySHA256 != ev.PolicySHA256 || show.sourceNames() != "default,.proof/policy" ||
		show.Sources[1].Modules[0].Name != ".proof/policy/strict.rego" {
		t.Errorf("policy show = %+v; want default and .proof/policy under %s", show, ev.PolicySHA256)
	}
	// The server never loads .proof/policy.
	r.must(0, "policy", "eval", "--server")
	if s := decodeJSON[policyShowOut](t, r.must(0, "policy", "show", "--server", "--json")); s.PolicySHA256 != run.Predicate.Policy.SHA256 {
		t.Errorf("policy show --server sha256 = %s; want the default's %s", s.PolicySHA256, run.Predicate.Policy.SHA256)
	}

	// --policy DIR replaces .proof/policy (the default stays).
	dir := filepath.Join(t.TempDir(), "p")
	writeFiles(t, dir, map[string]string{"look.rego": "package proof\n\nreview contains \"a person looks at everything\" if true\n"})
	res = r.must(1, "policy", "eval", "--policy", dir)
	contains(t, "policy eval --policy", res.stdout, "decision: REVIEW", "review: a person looks at everything", "(default, dir)")
	if strings.Contains(res.stdout, "no Fridays") {
		t.Errorf("policy eval --policy still loaded .proof/policy:\n%s", res)
	}

	// An admin directory from proof.policy, relative to the git directory,
	// on both sides.
	r.Write(map[string]string{".git/admin-policy/admin.rego": "package proof\n\nreview contains \"admin review\" if input.context == \"pre-receive\"\n"})
	r.Git("config", "proof.policy", "admin-policy")
	show = decodeJSON[policyShowOut](t, r.must(0, "policy", "show", "--server", "--json"))
	if show.sourceNames() != "default,proof.policy" || show.Sources[1].Modules[0].Name != "proof.policy/admin.rego" {
		t.Errorf("policy show --server = %+v; want default and proof.policy", show)
	}
	r.must(0, "policy", "eval", "--server")
	contains(t, "policy eval --server --context pre-receive", r.must(1, "policy", "eval", "--server", "--context", "pre-receive").stdout, "review: admin review")
	r.Git("config", "proof.policy", "missing")
	contains(t, "policy show with a missing proof.policy", r.must(2, "policy", "show").stderr, "proof.policy", "missing")
	r.Git("config", "--unset", "proof.policy")

	// Without the default, the repository's policy must decide.
	r.Git("config", "proof.policyDefault", "false")
	contains(t, "policy show without a decision", r.must(2, "policy", "show").stderr, "no module defines decision")
	r.Write(map[string]string{".proof/policy/decide.rego": "package proof\n\ndecision := \"BLOCK\" if count(deny) > 0\n\ndecision := \"AUTO_OK\" if count(deny) == 0\n"})
	if s := decodeJSON[policyShowOut](t, r.must(0, "policy", "show", "--json")); s.sourceNames() != ".proof/policy" {
		t.Errorf("policy show with proof.policyDefault=false: sources %s; want .proof/policy", s.sourceNames())
	}
	contains(t, "policy eval with proof.policyDefault=false", r.must(1, "policy", "eval").stdout, "deny:   no Fridays")
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	g := &gittest.Repo{T: t, Dir: dir}
	g.Write(files)
}

// TestPolicyEvalWithoutVerifiableRecord: no proof, or no trust, is not a
// policy decision.
func TestPolicyEvalWithoutVerifiableRecord(t *testing.T) {
	needPolicyCommand(t)
	t.Parallel()
	r, _ := provenRepo(t)
	r.Write(map[string]string{"README": "x\n"})
	c := r.Commit("docs")
	contains(t, "policy eval (no note)", r.must(1, "policy", "eval").stdout, c+": no verifiable record (read): no proof note")
	ev := decodeJSON[policyEvalOut](t, r.must(1, "policy", "eval", "--json"))
	if ev.Decision != "" || ev.FailedStep != "read" || ev.Input != nil || ev.Commit != c {
		t.Errorf("policy eval --json (no note) = %+v; want no decision, failed step read", ev)
	}
	r.must(0, "policy", "eval", "HEAD~1")

	r.Git("config", "proof.allowedSignersFile", otherAllowedSigners(t))
	ev = decodeJSON[policyEvalOut](t, r.must(1, "policy", "eval", "--json", "HEAD~1"))
	if ev.Decision != "" || ev.FailedStep != "signer" || ev.Input != nil {
		t.Errorf("policy eval --json (untrusted signer) = %+v; want no decision, failed step signer", ev)
	}
	r.Git("config", "--unset", "proof.allowedSignersFile")
	contains(t, "policy eval without allowed signers", r.must(2, "policy", "eval", "HEAD~1").stderr, "allowed signers")
	r.must(2, "policy", "eval", "nosuchrev")
	r.must(2, "policy", "eval", "HEAD", "HEAD~1")
	r.must(2, "policy", "eval", "--context", "nonsense")
	r.must(2, "policy", "show", "extra")
	r.must(2, "policy", "show", "--ref", "refs/heads/main")
}

// TestPolicyTestCommand runs *_test.rego files like opa test.
func TestPolicyTestCommand(t *testing.T) {
	needPolicyCommand(t)
	t.Parallel()
	r := newProofRepo(t)
	r.Write(map[string]string{"README": "x\n"})
	r.Commit("init")

	// No DIR and no .proof/policy: the default with its own tests.
	res := r.must(0, "policy", "test")
	contains(t, "policy test (default)", res.stdout, "testing default (policy sha256:", "default/proof_test.rego:", "PASS: ")

	strict := "package proof\n\ndeny contains \"no Fridays\" if input.day == \"Fri\"\n"
	passing := "package proof_test\n\nimport data.proof\n\ntest_friday_blocks if {\n\tproof.decision == \"BLOCK\" with input as {\"day\": \"Fri\"}\n}\n"
	failing := "package proof_test\n\nimport data.proof\n\ntest_friday_is_fine if {\n\tproof.decision == \"AUTO_OK\" with input as {\"day\": \"Fri\", \"signer\": {\"signed\": true}}\n}\n"
	dir := t.TempDir()
	writeFiles(t, filepath.Join(dir, "good"), map[string]string{"strict.rego": strict, "strict_test.rego": passing})
	writeFiles(t, filepath.Join(dir, "mixed"), map[string]string{"strict.rego": strict, "a_test.rego": passing, "b_test.rego": failing})
	writeFiles(t, filepath.Join(dir, "net"), map[string]string{"net_test.rego": "package p_test\n\ntest_net if http.send({\"method\": \"GET\", \"url\": \"http://127.0.0.1:1\"})\n"})
	writeFiles(t, filepath.Join(dir, "notests"), map[string]string{"strict.rego": strict})

	res = r.must(0, "policy", "test", filepath.Join(dir, "good"))
	contains(t, "policy test good", res.stdout, "testing default + dir", "dir/strict_test.rego:5:", "test_friday_blocks: PASS", "PASS: 1/1")

	res = r.must(1, "policy", "test", filepath.Join(dir, "mixed"))
	contains(t, "policy test mixed", res.stdout, "test_friday_blocks: PASS", "test_friday_is_fine: FAIL", "PASS: 1/2", "FAIL: 1/2")

	type testOut struct {
		MediaType               string `json:"mediaType"`
		OK                      bool   `json:"ok"`
		Passed, Failed, Errored int
		Results                 []struct {
			File, Name, Result string
			Row                int
		} `json:"results"`
	}
	out := decodeJSON[testOut](t, r.must(1, "policy", "test", filepath.Join(dir, "mixed"), "--json"))
	if out.MediaType != policyTestMediaType || out.OK || out.Passed != 1 || out.Failed != 1 || len(out.Results) != 2 ||
		out.Results[0].File != "dir/a_test.rego" || out.Results[0].Result != "pass" || out.Results[1].Result != "fail" {
		t.Errorf("policy test --json = %+v", out)
	}

	res = r.must(2, "policy", "test", filepath.Join(dir, "net"))
	contains(t, "policy test net", res.stderr, "http.send", "not available to policies")

	res = r.must(0, "policy", "test", filepath.Join(dir, "notests"))
	contains(t, "policy test notests", res.stderr, "no tests")

	r.must(2, "policy", "test", filepath.Join(dir, "missing"))
	contains(t, "policy test --server", r.must(2, "policy", "test", filepath.Join(dir, "good"), "--server").stderr, "server")
	r.must(2, "policy", "test", "a", "b")

	// Without DIR, .proof/policy is tested, under its own name.
	r.Write(map[string]string{".proof/policy/strict.rego": strict, ".proof/policy/strict_test.rego": passing})
	res = r.must(0, "policy", "test")
	contains(t, "policy test (.proof/policy)", res.stdout, "testing default + .proof/policy", ".proof/policy/strict_test.rego:5:", "PASS: 1/1")
	r.must(0, "policy", "test", filepath.Join(r.Dir, ".proof", "policy"), "--json")

	// Outside a repository, DIR is tested with the default.
	res = r.proofIn(dir, "policy", "test", "good")
	if res.code != 0 || !strings.Contains(res.stdout, "PASS: 1/1") {
		t.Errorf("policy test outside a repository: %s", res)
	}
}
