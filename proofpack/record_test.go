package proofpack_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/git-proof/git-proof/proofpack"
	"github.com/git-proof/git-proof/sign"
	"golang.org/x/crypto/ssh"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestRecordRoundTrip signs a statement with a real SSH key, encodes the
// record, and parses it back: same payload bytes, a signature over the PAE
// that verifies, and a summary that names the envelope's digest.
func TestRecordRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := sshSigner(t)
	p := testPredicate()
	payload, err := proofpack.NewStatementPayload(p)
	if err != nil {
		t.Fatalf("NewStatementPayload: %v", err)
	}
	env, err := proofpack.SignPayload(ctx, payload, s)
	if err != nil {
		t.Fatalf("SignPayload: %v", err)
	}
	rec, err := proofpack.EncodeRecord(p, env)
	if err != nil {
		t.Fatalf("EncodeRecord: %v", err)
	}
	lines := strings.Split(string(rec), "\n")
	if len(lines) != 3 || lines[2] != "" {
		t.Fatalf("EncodeRecord(...) = %q; want exactly two newline-terminated lines", rec)
	}

	recs, err := proofpack.ParseNote(rec)
	if err != nil || len(recs) != 1 {
		t.Fatalf("ParseNote(record) = %d records, %v; want 1, nil", len(recs), err)
	}
	r := recs[0]
	if r.Err != nil {
		t.Fatalf("ParseNote(record)[0].Err = %v; want nil", r.Err)
	}
	if r.Line != 2 {
		t.Errorf("ParseNote(record)[0].Line = %d; want 2", r.Line)
	}
	if !bytes.Equal(r.Envelope.Payload, payload) {
		t.Errorf("ParseNote(record) payload = %q; want the signed bytes %q", r.Envelope.Payload, payload)
	}
	if !bytes.Equal(r.Envelope.Raw, []byte(lines[1])) {
		t.Errorf("ParseNote(record).Raw = %q; want line 2 %q", r.Envelope.Raw, lines[1])
	}
	if got, want := r.Envelope.Digest, sha256Hex([]byte(lines[1])); got != want {
		t.Errorf("ParseNote(record).Digest = %s; want %s", got, want)
	}
	if got := lines[0][strings.LastIndex(lines[0], " ")+1:]; got != r.Envelope.Digest[:8] {
		t.Errorf("summary %q ends in %q; want the envelope digest's %q", lines[0], got, r.Envelope.Digest[:8])
	}
	keyID, _ := s.KeyID()
	if r.Envelope.KeyID != keyID || !strings.HasPrefix(keyID, "SHA256:") {
		t.Errorf("ParseNote(record).KeyID = %q; want the signer's %q", r.Envelope.KeyID, keyID)
	}
	pub, err := sign.VerifySSHSIG(r.Envelope.PAE(), r.Envelope.Signature, sign.Namespace)
	if err != nil {
		t.Fatalf("VerifySSHSIG(PAE, sig) = %v; want nil", err)
	}
	if !bytes.Equal(pub.Marshal(), s.PublicKey().Marshal()) {
		t.Errorf("VerifySSHSIG(...) key = %s; want %s", ssh.FingerprintSHA256(pub), keyID)
	}
	// The predicate survives the trip through in-toto's protobuf types.
	if !reflect.DeepEqual(r.Statement.Parsed, p) {
		t.Errorf("ParseNote(record).Parsed = %+v; want %+v", r.Statement.Parsed, p)
	}

	// A second writer's record appended the way `git notes append` joins
	// them: both parse, each keeps its own bytes.
	p2 := testPredicate()
	p2.CreatedAt = "2026-03-04T05:06:07Z"
	payload2, err := proofpack.NewStatementPayload(p2)
	if err != nil {
		t.Fatal(err)
	}
	env2, err := proofpack.SignPayload(ctx, payload2, s)
	if err != nil {
		t.Fatal(err)
	}
	rec2, err := proofpack.EncodeRecord(p2, env2)
	if err != nil {
		t.Fatal(err)
	}
	both := append(append(append([]byte{}, rec...), '\n'), rec2...)
	recs, err = proofpack.ParseNote(both)
	if err != nil || len(recs) != 2 || recs[0].Err != nil || recs[1].Err != nil {
		t.Fatalf("ParseNote(two records) = %d records, %v; want 2 usable", len(recs), err)
	}
	if !bytes.Equal(recs[0].Envelope.Payload, payload) || !bytes.Equal(recs[1].Envelope.Payload, payload2) {
		t.Errorf("ParseNote(two records) payloads differ from the signed ones")
	}
}

// TestEncodeRecordUnsigned checks the record of a nil signer: it parses,
// is marked unsigned, and its summary still names its digest.
func TestEncodeRecordUnsigned(t *testing.T) {
	t.Parallel()
	p := testPredicate()
	payload, err := proofpack.NewStatementPayload(p)
	if err != nil {
		t.Fatal(err)
	}
	env, err := proofpack.SignPayload(context.Background(), payload, nil)
	if err != nil {
		t.Fatalf("SignPayload(nil signer) = %v; want nil", err)
	}
	rec, err := proofpack.EncodeRecord(p, env)
	if err != nil {
		t.Fatalf("EncodeRecord: %v", err)
	}
	recs, err := proofpack.ParseNote(rec)
	if err != nil || recs[0].Err != nil {
		t.Fatalf("ParseNote(unsigned record) = %v, %v; want nil", err, recs[0].Err)
	}
	if !recs[0].Envelope.Unsigned() {
		t.Errorf("ParseNote(unsigned record).Unsigned() = false; want true")
	}
	if !strings.Contains(string(rec), `"signatures":[]`) {
		t.Errorf("EncodeRecord(unsigned) = %q; want an empty signatures list", rec)
	}
}

// The envelope line with its variable parts (payload, key, signature)
// replaced, and the summary with its digest replaced.
var (
	envelopeShape = regexp.MustCompile(`^\{"payloadType":"application/vnd\.in-toto\+json","payload":"[A-Za-z0-9+/]+={0,2}","signatures":\[\{"keyid":"SHA256:[A-Za-z0-9+/]{43}","sig":"[A-Za-z0-9+/]+={0,2}"\}\]\}$`)
	digestTail    = regexp.MustCompile(` · [0-9a-f]{8}$`)
)

// TestRecordGolden pins the summary line and the signed statement's bytes
// (indented for reading) of a fixed predicate. The signature differs per
// key, so the envelope is checked for its shape only.
// Run `go test ./proofpack -run TestRecordGolden -update` after a deliberate change.
func TestRecordGolden(t *testing.T) {
	t.Parallel()
	rec := realRecord(t)
	lines := strings.Split(strings.TrimSuffix(string(rec), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("EncodeRecord(...) = %q; want two lines", rec)
	}
	if !envelopeShape.MatchString(lines[1]) {
		t.Errorf("envelope line %q; want the shape %s", lines[1], envelopeShape)
	}
	env, err := proofpack.ParseEnvelope([]byte(lines[1]))
	if err != nil {
		t.Fatal(err)
	}
	if !digestTail.MatchString(lines[0]) || !strings.HasSuffix(lines[0], env.Digest[:8]) {
		t.Errorf("summary %q; want it to end with \" · %s\"", lines[0], env.Digest[:8])
	}
	summary := digestTail.ReplaceAllString(lines[0], " · <envelope sha256[:8]>") + "\n"
	var stmt bytes.Buffer
	if err := json.Indent(&stmt, env.Payload, "", "  "); err != nil {
		t.Fatalf("statement payload is not JSON: %v", err)
	}
	stmt.WriteByte('\n')
	golden(t, "summary.golden", []byte(summary))
	golden(t, "statement.golden", stmt.Bytes())

	// The golden statement, compacted, is the payload byte for byte: the
	// indent hides nothing.
	want, err := os.ReadFile(filepath.Join("testdata", "statement.golden"))
	if err != nil {
		t.Fatal(err)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, want); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(compact.Bytes(), env.Payload) {
		t.Errorf("payload = %s; want the compacted golden %s", env.Payload, compact.Bytes())
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run with -update after a deliberate change)\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}
