package proofpack_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/git-proof/git-proof/internal/gittest"
	"github.com/git-proof/git-proof/proofpack"
	"github.com/git-proof/git-proof/sign"
)

// Fixed ids of the test predicate; they only need to look like sha1 ids.
const (
	testCommit     = "1111111111111111111111111111111111111111"
	testTree       = "2222222222222222222222222222222222222222"
	testBaseCommit = "3333333333333333333333333333333333333333"
	testBaseTree   = "4444444444444444444444444444444444444444"
	testReproTree  = "5555555555555555555555555555555555555555"
	testDiffSHA    = "6666666666666666666666666666666666666666666666666666666666666666"
	testCreatedAt  = "2026-01-02T03:04:05Z"
)

// testPredicate is a fixed, fully populated predicate.
func testPredicate() *proofpack.Predicate {
	return &proofpack.Predicate{
		SchemaVersion: proofpack.SchemaVersion,
		CreatedAt:     testCreatedAt,
		Tool:          proofpack.Tool{Name: "git-proof", Version: "v0.0.0-test"},
		Creator:       proofpack.Identity{Name: "Alice Example", Email: "alice@example.com"},
		Commit:        testCommit,
		Tree:          testTree,
		Base:          proofpack.Base{Commit: testBaseCommit, Tree: testBaseTree},
		Repro:         proofpack.Repro{Tree: testReproTree, TestGlobs: []string{"*_test.go"}, TestFiles: 1},
		Diff:          proofpack.Diff{SHA256: testDiffSHA, Files: 2, Additions: 10, Deletions: 3},
		Contract:      proofpack.Contract{Status: "none"},
		Environment:   proofpack.Environment{OS: "linux", Arch: "amd64", GitVersion: "2.39.5", GoVersion: "go1.26.8"},
		Checks: []proofpack.Check{{
			Name: "unit", Kind: "test", Command: "go test -json ./...", Format: "go-test-json",
			Base:      &proofpack.TreeResult{Tree: testBaseTree, Status: "fail", ExitCode: 1, DurationMS: 1200, OutputSHA256: testDiffSHA, OutputBytes: 512, Passed: 3, Failed: 1, FailedTests: []string{"TestA"}},
			Head:      &proofpack.TreeResult{Tree: testTree, Status: "fail", ExitCode: 1, DurationMS: 1300, OutputSHA256: testDiffSHA, OutputBytes: 600, Passed: 2, Failed: 2, FailedTests: []string{"TestB", "TestC"}},
			Fixed:     []string{"TestA"},
			Regressed: []string{"TestB", "TestC"},
		}},
		Policy:   proofpack.PolicyResult{SHA256: testDiffSHA, Decision: proofpack.Review, Reasons: []string{"2 tests regressed"}},
		Decision: proofpack.Review,
	}
}

// statementPayload returns the statement bytes of testPredicate.
func statementPayload(t testing.TB) []byte {
	t.Helper()
	b, err := proofpack.NewStatementPayload(testPredicate())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// statementWith returns the test statement after edit changed its decoded
// JSON form (keys "_type", "subject", "predicateType", "predicate").
func statementWith(t testing.TB, edit func(st map[string]any, pred map[string]any)) []byte {
	t.Helper()
	var st map[string]any
	if err := json.Unmarshal(statementPayload(t), &st); err != nil {
		t.Fatal(err)
	}
	pred, _ := st["predicate"].(map[string]any)
	edit(st, pred)
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// envelopeLine builds an envelope line from raw JSON fragments, so tests
// can make any shape a hostile writer could.
func envelopeLine(payloadType, payloadB64 string, sigs ...string) string {
	var b strings.Builder
	b.WriteString(`{"payloadType":`)
	b.WriteString(quote(payloadType))
	b.WriteString(`,"payload":`)
	b.WriteString(quote(payloadB64))
	b.WriteString(`,"signatures":[`)
	for i, s := range sigs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"keyid":"SHA256:test","sig":`)
		b.WriteString(quote(s))
		b.WriteByte('}')
	}
	b.WriteString(`]}`)
	return b.String()
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// fakeSig is a base64 "signature": ParseEnvelope does not verify it.
var fakeSig = b64([]byte("not really an sshsig blob"))

// validLine is a well-formed envelope line around the test statement.
func validLine(t testing.TB) string {
	return envelopeLine(proofpack.PayloadType, b64(statementPayload(t)), fakeSig)
}

// record returns a summary line plus envelope line, as a writer stores them.
func record(line string) string {
	sum := sha256.Sum256([]byte(line))
	return "proof: REVIEW · tests 1 fixed 2 regressed · alice@example.com · " + testCreatedAt + " · " + hex.EncodeToString(sum[:])[:8] + "\n" + line + "\n"
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// sshSigner makes a fresh ed25519 key with ssh-keygen and a signer for it.
func sshSigner(t testing.TB) *sign.SSHSigner {
	t.Helper()
	key, _ := gittest.SSHKey(t, t.TempDir(), "alice")
	// No agent: the key file is signed with directly.
	s, err := sign.NewSSHSigner(context.Background(), sign.SSHSignerOptions{Key: key, Env: []string{"SSH_AUTH_SOCK="}})
	if err != nil {
		t.Fatalf("NewSSHSigner: %v", err)
	}
	return s
}

var (
	realOnce sync.Once
	realNote []byte
)

// realRecord is one record signed with a real SSH key, made once per test
// binary (key generation and signing each spawn ssh-keygen).
func realRecord(t testing.TB) []byte {
	t.Helper()
	realOnce.Do(func() {
		s := sshSigner(t)
		p := testPredicate()
		payload, err := proofpack.NewStatementPayload(p)
		if err != nil {
			t.Fatal(err)
		}
		env, err := proofpack.SignPayload(context.Background(), payload, s)
		if err != nil {
			t.Fatal(err)
		}
		realNote, err = proofpack.EncodeRecord(p, env)
		if err != nil {
			t.Fatal(err)
		}
	})
	if realNote == nil {
		t.Fatal("no real record (an earlier attempt to make one failed)")
	}
	return realNote
}
