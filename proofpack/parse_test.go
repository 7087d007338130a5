package proofpack_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/git-proof/git-proof/proofpack"
)

// envelopeCase is one input of ParseEnvelope. want is the sentinel the error
// must match; nil means the line must parse.
type envelopeCase struct {
	name string
	line string
	want error
}

func envelopeCases(t testing.TB) []envelopeCase {
	payload := b64(statementPayload(t))
	valid := envelopeLine(proofpack.PayloadType, payload, fakeSig)
	// padTo pads valid with JSON whitespace after '{' to exactly n bytes.
	padTo := func(n int) string { return "{" + strings.Repeat(" ", n-len(valid)) + valid[1:] }
	return []envelopeCase{
		{"valid", valid, nil},
		{"valid unsigned", envelopeLine(proofpack.PayloadType, payload), nil},
		{"signatures null", `{"payloadType":"application/vnd.in-toto+json","payload":"` + payload + `","signatures":null}`, nil},
		{"signatures absent", `{"payloadType":"application/vnd.in-toto+json","payload":"` + payload + `"}`, nil},
		{"trailing whitespace", valid + " \t", nil},
		{"exactly MaxRecordBytes", padTo(proofpack.MaxRecordBytes), nil},
		{"one byte over MaxRecordBytes", padTo(proofpack.MaxRecordBytes + 1), proofpack.ErrEnvelope},
		{"payload over MaxRecordBytes", envelopeLine(proofpack.PayloadType, strings.Repeat("A", proofpack.MaxRecordBytes), fakeSig), proofpack.ErrEnvelope},
		{"empty", "", proofpack.ErrEnvelope},
		{"garbage", "proof: AUTO_OK · not json", proofpack.ErrEnvelope},
		{"lone brace", "{", proofpack.ErrEnvelope},
		{"truncated", valid[:len(valid)/2], proofpack.ErrEnvelope},
		{"truncated before last brace", valid[:len(valid)-1], proofpack.ErrEnvelope},
		{"binary", "\x00\xff\xfe\x80{}\x01", proofpack.ErrEnvelope},
		{"NUL inside string", strings.Replace(valid, `"payloadType":"`, "\"payloadType\":\"\x00", 1), proofpack.ErrEnvelope},
		{"NUL after value", valid + "\x00", proofpack.ErrEnvelope},
		{"invalid UTF-8 payloadType", strings.Replace(valid, "in-toto+json", "in-toto+json\xff", 1), proofpack.ErrEnvelope},
		{"null", "null", proofpack.ErrEnvelope},
		{"array", "[]", proofpack.ErrEnvelope},
		{"string", `"payload"`, proofpack.ErrEnvelope},
		{"empty object", "{}", proofpack.ErrEnvelope},
		{"wrong payloadType", envelopeLine("application/json", payload, fakeSig), proofpack.ErrEnvelope},
		{"payloadType case differs", envelopeLine("application/vnd.in-toto+JSON", payload, fakeSig), proofpack.ErrEnvelope},
		{"payloadType missing", `{"payload":"` + payload + `","signatures":[]}`, proofpack.ErrEnvelope},
		{"payloadType null", `{"payloadType":null,"payload":"` + payload + `","signatures":[]}`, proofpack.ErrEnvelope},
		{"payloadType number", `{"payloadType":1,"payload":"` + payload + `","signatures":[]}`, proofpack.ErrEnvelope},
		{"payload missing", `{"payloadType":"application/vnd.in-toto+json","signatures":[]}`, proofpack.ErrEnvelope},
		{"payload null", `{"payloadType":"application/vnd.in-toto+json","payload":null,"signatures":[]}`, proofpack.ErrEnvelope},
		{"payload not base64", envelopeLine(proofpack.PayloadType, "!!not base64!!", fakeSig), proofpack.ErrEnvelope},
		{"payload URL-safe base64", envelopeLine(proofpack.PayloadType, "-_-_", fakeSig), proofpack.ErrEnvelope},
		{"payload unpadded base64", envelopeLine(proofpack.PayloadType, "YWJj"+"ZA", fakeSig), proofpack.ErrEnvelope},
		{"payload with escaped CRLF", envelopeLine(proofpack.PayloadType, payload[:8]+"\r\n"+payload[8:], fakeSig), proofpack.ErrEnvelope},
		{"payload with stray padding bits", envelopeLine(proofpack.PayloadType, "aGl=", fakeSig), proofpack.ErrEnvelope},
		{"payload with spaces", envelopeLine(proofpack.PayloadType, " "+payload, fakeSig), proofpack.ErrEnvelope},
		{"sig not base64", envelopeLine(proofpack.PayloadType, payload, "%%%"), proofpack.ErrEnvelope},
		{"sig with escaped newline", envelopeLine(proofpack.PayloadType, payload, fakeSig[:4]+"\n"+fakeSig[4:]), proofpack.ErrEnvelope},
		{"sig with stray padding bits", envelopeLine(proofpack.PayloadType, payload, "aGl="), proofpack.ErrEnvelope},
		{"sig empty", envelopeLine(proofpack.PayloadType, payload, ""), proofpack.ErrEnvelope},
		{"two signatures", envelopeLine(proofpack.PayloadType, payload, fakeSig, fakeSig), proofpack.ErrSignatureCount},
		{"three signatures", envelopeLine(proofpack.PayloadType, payload, fakeSig, fakeSig, fakeSig), proofpack.ErrSignatureCount},
		{"signatures object", `{"payloadType":"application/vnd.in-toto+json","payload":"` + payload + `","signatures":{}}`, proofpack.ErrEnvelope},
		{"signature not object", `{"payloadType":"application/vnd.in-toto+json","payload":"` + payload + `","signatures":["x"]}`, proofpack.ErrEnvelope},
		{"unknown field", strings.Replace(valid, `{"payloadType"`, `{"extra":1,"payloadType"`, 1), proofpack.ErrEnvelope},
		{"unknown signature field", strings.Replace(valid, `{"keyid"`, `{"cert":"x","keyid"`, 1), proofpack.ErrEnvelope},
		{"trailing object", valid + "{}", proofpack.ErrEnvelope},
		{"trailing second envelope", valid + " " + valid, proofpack.ErrEnvelope},
		{"trailing garbage", valid + "x", proofpack.ErrEnvelope},
		{"trailing close brace", valid + "}", proofpack.ErrEnvelope},
	}
}

func TestParseEnvelope(t *testing.T) {
	t.Parallel()
	for _, tc := range envelopeCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			line := []byte(tc.line)
			env, err := proofpack.ParseEnvelope(line)
			if tc.want != nil {
				if !errors.Is(err, tc.want) {
					t.Fatalf("ParseEnvelope(%.80q) = %v; want %v", tc.line, err, tc.want)
				}
				if env != nil {
					t.Errorf("ParseEnvelope(%.80q) returned an envelope with error %v", tc.line, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseEnvelope(%.80q) = %v; want nil", tc.line, err)
			}
			if !bytes.Equal(env.Raw, line) {
				t.Errorf("ParseEnvelope(%.80q).Raw = %.80q; want the input", tc.line, env.Raw)
			}
			if got, want := env.Digest, sha256Hex(line); got != want {
				t.Errorf("ParseEnvelope(%.80q).Digest = %s; want %s", tc.line, got, want)
			}
			if !bytes.Equal(env.Payload, statementPayload(t)) {
				t.Errorf("ParseEnvelope(%.80q).Payload = %.80q; want the statement", tc.line, env.Payload)
			}
			if env.Unsigned() != (env.Signature == nil) {
				t.Errorf("ParseEnvelope(%.80q): Unsigned() = %v with Signature %x", tc.line, env.Unsigned(), env.Signature)
			}
			if !env.Unsigned() && (env.KeyID != "SHA256:test" || string(env.Signature) != "not really an sshsig blob") {
				t.Errorf("ParseEnvelope(%.80q) = keyid %q sig %q; want the stored ones", tc.line, env.KeyID, env.Signature)
			}
		})
	}
}

// TestParseEnvelopeUnsigned pins that a record without signatures parses
// (so `show` can display it) but is marked unsigned for the verifier.
func TestParseEnvelopeUnsigned(t *testing.T) {
	t.Parallel()
	line := envelopeLine(proofpack.PayloadType, b64(statementPayload(t)))
	env, err := proofpack.ParseEnvelope([]byte(line))
	if err != nil {
		t.Fatalf("ParseEnvelope(%.80q) = %v; want nil", line, err)
	}
	if !env.Unsigned() || env.Signature != nil || env.KeyID != "" {
		t.Errorf("ParseEnvelope(unsigned) = Unsigned %v, Signature %x, KeyID %q; want true, nil, \"\"", env.Unsigned(), env.Signature, env.KeyID)
	}
}

// statementCase is one input of ParseStatement. A case with neither want
// nor msg must parse; msg is a substring of the error for failures that
// have no sentinel.
type statementCase struct {
	name    string
	payload []byte
	want    error
	msg     string
}

func statementCases(t testing.TB) []statementCase {
	valid := statementPayload(t)
	with := func(edit func(st, pred map[string]any)) []byte { return statementWith(t, edit) }
	return []statementCase{
		{name: "valid", payload: valid},
		{name: "unknown statement field", payload: with(func(st, _ map[string]any) { st["extra"] = true })},
		{name: "unknown predicate field", payload: with(func(_, p map[string]any) { p["future"] = map[string]any{"x": 1} })},
		{name: "extra subject", payload: with(func(st, _ map[string]any) {
			st["subject"] = append(st["subject"].([]any), map[string]any{"name": "other", "digest": map[string]any{"sha256": testDiffSHA}})
		})},
		{name: "empty", payload: nil, msg: "parse statement"},
		{name: "garbage", payload: []byte("hello"), msg: "parse statement"},
		{name: "truncated", payload: valid[:len(valid)/2], msg: "parse statement"},
		{name: "binary", payload: []byte{0, 0xff, 0xfe, '{', 0x80}, msg: "parse statement"},
		{name: "NUL in string", payload: bytes.Replace(valid, []byte(`"commit"`), []byte("\"com\x00mit\""), 1), msg: "parse statement"},
		{name: "trailing data", payload: append(append([]byte{}, valid...), "{}"...), msg: "trailing data"},
		{name: "trailing second statement", payload: append(append(append([]byte{}, valid...), '\n'), valid...), msg: "trailing data"},
		{name: "array", payload: []byte("[]"), msg: "parse statement"},
		{name: "null", payload: []byte("null"), want: proofpack.ErrNotProofpack},
		{name: "wrong _type", payload: with(func(st, _ map[string]any) { st["_type"] = "https://in-toto.io/Statement/v0.1" }), want: proofpack.ErrNotProofpack},
		{name: "missing _type", payload: with(func(st, _ map[string]any) { delete(st, "_type") }), want: proofpack.ErrNotProofpack},
		{name: "wrong predicateType", payload: with(func(st, _ map[string]any) { st["predicateType"] = "https://slsa.dev/provenance/v1" }), want: proofpack.ErrNotProofpack},
		{name: "predicateType of a future schema", payload: with(func(st, _ map[string]any) { st["predicateType"] = "https://git-proof.dev/proofpack/v2" }), want: proofpack.ErrNotProofpack},
		{name: "schemaVersion 2", payload: with(func(_, p map[string]any) { p["schemaVersion"] = 2 }), want: proofpack.ErrNotProofpack},
		{name: "schemaVersion 0", payload: with(func(_, p map[string]any) { p["schemaVersion"] = 0 }), want: proofpack.ErrNotProofpack},
		{name: "schemaVersion missing", payload: with(func(_, p map[string]any) { delete(p, "schemaVersion") }), want: proofpack.ErrNotProofpack},
		{name: "schemaVersion string", payload: with(func(_, p map[string]any) { p["schemaVersion"] = "1" }), msg: "parse predicate"},
		{name: "predicate null", payload: with(func(st, _ map[string]any) { st["predicate"] = nil }), want: proofpack.ErrNotProofpack},
		{name: "predicate missing", payload: with(func(st, _ map[string]any) { delete(st, "predicate") }), msg: "parse predicate"},
		{name: "predicate array", payload: with(func(st, _ map[string]any) { st["predicate"] = []any{} }), msg: "parse predicate"},
		{name: "subject gitCommit differs", payload: with(func(st, _ map[string]any) { subjectDigest(st, "gitCommit", testBaseCommit) }), msg: "subject gitCommit"},
		{name: "subject gitTree differs", payload: with(func(st, _ map[string]any) { subjectDigest(st, "gitTree", testBaseTree) }), msg: "subject gitTree"},
		{name: "predicate commit differs", payload: with(func(_, p map[string]any) { p["commit"] = testBaseCommit }), msg: "subject gitCommit"},
		{name: "predicate tree differs", payload: with(func(_, p map[string]any) { p["tree"] = testBaseTree }), msg: "subject gitTree"},
		{name: "subject empty", payload: with(func(st, _ map[string]any) { st["subject"] = []any{} }), msg: "subject gitCommit"},
		{name: "subject without gitTree", payload: with(func(st, _ map[string]any) { st["subject"] = st["subject"].([]any)[:1] }), msg: "subject gitTree"},
		{name: "commit empty on both sides", payload: with(func(st, p map[string]any) { subjectDigest(st, "gitCommit", ""); p["commit"] = "" }), msg: "subject gitCommit"},
		{name: "tree empty on both sides", payload: with(func(st, p map[string]any) { subjectDigest(st, "gitTree", ""); p["tree"] = "" }), msg: "subject gitTree"},
		{name: "base tree missing", payload: with(func(_, p map[string]any) { delete(p, "base") }), msg: "lacks base tree"},
		{name: "base tree empty", payload: with(func(_, p map[string]any) { p["base"] = map[string]any{"commit": testBaseCommit, "tree": ""} }), msg: "lacks base tree"},
		{name: "diff digest missing", payload: with(func(_, p map[string]any) { delete(p, "diff") }), msg: "lacks base tree or diff digest"},
		{name: "diff digest empty", payload: with(func(_, p map[string]any) { p["diff"].(map[string]any)["sha256"] = "" }), msg: "lacks base tree or diff digest"},
		{name: "checks not a list", payload: with(func(_, p map[string]any) { p["checks"] = "none" }), msg: "parse predicate"},
	}
}

// subjectDigest sets the digest alg of every subject that has one.
func subjectDigest(st map[string]any, alg, value string) {
	for _, s := range st["subject"].([]any) {
		d := s.(map[string]any)["digest"].(map[string]any)
		if _, ok := d[alg]; ok {
			d[alg] = value
		}
	}
}

func TestParseStatement(t *testing.T) {
	t.Parallel()
	for _, tc := range statementCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st, err := proofpack.ParseStatement(tc.payload)
			switch {
			case tc.want != nil:
				if !errors.Is(err, tc.want) {
					t.Fatalf("ParseStatement(%.80q) = %v; want %v", tc.payload, err, tc.want)
				}
			case tc.msg != "":
				if err == nil || !strings.Contains(err.Error(), tc.msg) {
					t.Fatalf("ParseStatement(%.80q) = %v; want an error containing %q", tc.payload, err, tc.msg)
				}
				if errors.Is(err, proofpack.ErrNotProofpack) {
					t.Errorf("ParseStatement(%.80q) = %v; want no ErrNotProofpack: it is a proofpack, only a damaged one", tc.payload, err)
				}
			default:
				if err != nil {
					t.Fatalf("ParseStatement(%.80q) = %v; want nil", tc.payload, err)
				}
				if st.Parsed == nil || st.Parsed.Commit != testCommit || st.Parsed.Tree != testTree {
					t.Fatalf("ParseStatement(valid).Parsed = %+v; want commit %s tree %s", st.Parsed, testCommit, testTree)
				}
				return
			}
			if st != nil {
				t.Errorf("ParseStatement(%.80q) returned a statement with error %v", tc.payload, err)
			}
		})
	}
}

// noteCase is one input of ParseNote: want is the note-level error (nil =
// none), recs the per-record outcome in order: nil for a usable record, or
// the sentinel its Err must match (errAny: any error).
type noteCase struct {
	name  string
	note  string
	want  error
	recs  []error
	lines []int // expected Record.Line values, when given
}

var errAny = errors.New("any error")

func noteCases(t testing.TB) []noteCase {
	line := validLine(t)
	rec := record(line)
	other := envelopeLine(proofpack.PayloadType, b64(statementWith(t, func(_, p map[string]any) { p["createdAt"] = "2026-02-03T04:05:06Z" })), fakeSig)
	rec2 := record(other)
	notProof := envelopeLine(proofpack.PayloadType, b64(statementWith(t, func(st, _ map[string]any) { st["predicateType"] = "https://slsa.dev/provenance/v1" })), fakeSig)
	many := func(n int) string { return strings.Repeat(rec, n) }
	// A note of exactly MaxNoteBytes: one record, then summary-like filler.
	fill := proofpack.MaxNoteBytes - len(rec)
	exact := rec + strings.Repeat("x", fill-1) + "\n"
	// The sorted lines cat_sort_uniq leaves when it merges two writers' notes.
	sorted := strings.Join(sortedLines(rec+rec2), "\n") + "\n"
	return []noteCase{
		{name: "one record", note: rec, recs: []error{nil}, lines: []int{2}},
		{name: "no trailing newline", note: strings.TrimSuffix(rec, "\n"), recs: []error{nil}},
		{name: "envelope only", note: line, recs: []error{nil}, lines: []int{1}},
		{name: "CRLF line endings", note: strings.ReplaceAll(rec, "\n", "\r\n"), recs: []error{nil}, lines: []int{2}},
		{name: "blank and summary lines ignored", note: "\n\nproof: whatever\n\nsome text {not json}\n" + rec + "\n\n", recs: []error{nil}, lines: []int{7}},
		{name: "git notes append join", note: rec + "\n" + rec2, recs: []error{nil, nil}, lines: []int{2, 5}},
		{name: "git duplicate-entry concatenation", note: rec + "\n" + strings.TrimSuffix(rec2, "\n"), recs: []error{nil, nil}, lines: []int{2, 5}},
		{name: "cat_sort_uniq merge", note: sorted, recs: []error{nil, nil}, lines: []int{3, 4}},
		{name: "same record twice", note: rec + rec, recs: []error{nil, nil}, lines: []int{2, 4}},
		{name: "empty", note: "", want: proofpack.ErrNoRecords},
		{name: "only newlines", note: "\n\n\r\n", want: proofpack.ErrNoRecords},
		{name: "summary only", note: "proof: AUTO_OK · 1a2b3c4d\n", want: proofpack.ErrNoRecords},
		{name: "indented envelope is not a record", note: " " + line + "\n", want: proofpack.ErrNoRecords},
		{name: "garbage", note: "lorem ipsum\ndolor sit amet\n", want: proofpack.ErrNoRecords},
		{name: "binary", note: "\x00\x01\xff\xfe\n\x80\x81", want: proofpack.ErrNoRecords},
		{name: "NUL line", note: "{\x00}\n", recs: []error{proofpack.ErrEnvelope}},
		{name: "NUL inside a record", note: strings.Replace(rec, `"payload":"`, "\"payload\":\"\x00", 1), recs: []error{proofpack.ErrEnvelope}},
		{name: "truncated record", note: rec[:len(rec)-40], recs: []error{proofpack.ErrEnvelope}},
		{name: "bad record beside good ones", note: rec + "{broken\n" + rec2, recs: []error{nil, proofpack.ErrEnvelope, nil}, lines: []int{2, 3, 5}},
		{name: "two signatures", note: envelopeLine(proofpack.PayloadType, b64(statementPayload(t)), fakeSig, fakeSig) + "\n" + rec, recs: []error{proofpack.ErrSignatureCount, nil}},
		{name: "wrong payloadType", note: envelopeLine("text/plain", b64(statementPayload(t)), fakeSig) + "\n", recs: []error{proofpack.ErrEnvelope}},
		{name: "not a proofpack", note: notProof + "\n" + rec, recs: []error{proofpack.ErrNotProofpack, nil}},
		{name: "envelope over MaxRecordBytes", note: envelopeLine(proofpack.PayloadType, strings.Repeat("QUFB", proofpack.MaxRecordBytes/4+1), fakeSig) + "\n" + rec, recs: []error{proofpack.ErrEnvelope, nil}},
		{name: "statement without diff digest", note: envelopeLine(proofpack.PayloadType, b64(statementWith(t, func(_, p map[string]any) { delete(p, "diff") })), fakeSig), recs: []error{errAny}},
		{name: "exactly MaxRecordsPerNote", note: many(proofpack.MaxRecordsPerNote), recs: repeatErr(nil, proofpack.MaxRecordsPerNote)},
		{name: "more than MaxRecordsPerNote", note: many(proofpack.MaxRecordsPerNote + 3), want: proofpack.ErrTooManyRecords, recs: repeatErr(nil, proofpack.MaxRecordsPerNote)},
		{name: "exactly MaxNoteBytes", note: exact, recs: []error{nil}},
		{name: "over MaxNoteBytes", note: exact + "x", want: proofpack.ErrNoteTooLarge},
		{name: "far over MaxNoteBytes", note: many(proofpack.MaxNoteBytes/len(rec) + 1), want: proofpack.ErrNoteTooLarge},
	}
}

func repeatErr(e error, n int) []error {
	out := make([]error, n)
	for i := range out {
		out[i] = e
	}
	return out
}

func sortedLines(s string) []string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	// Byte order, as sort(1) with LC_ALL=C (what cat_sort_uniq does).
	for i := 1; i < len(lines); i++ {
		for j := i; j > 0 && lines[j] < lines[j-1]; j-- {
			lines[j], lines[j-1] = lines[j-1], lines[j]
		}
	}
	return lines
}

func TestParseNote(t *testing.T) {
	t.Parallel()
	for _, tc := range noteCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			note := []byte(tc.note)
			recs, err := proofpack.ParseNote(note)
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("ParseNote(%.80q) = %v; want %v", tc.note, err, tc.want)
			}
			if len(recs) != len(tc.recs) {
				t.Fatalf("ParseNote(%.80q) = %d records; want %d", tc.note, len(recs), len(tc.recs))
			}
			lines := bytes.Split(note, []byte("\n"))
			for i, r := range recs {
				name := fmt.Sprintf("ParseNote(%.40q)[%d]", tc.note, i)
				if tc.lines != nil && r.Line != tc.lines[i] {
					t.Errorf("%s.Line = %d; want %d", name, r.Line, tc.lines[i])
				}
				checkRecord(t, name, lines, r)
				switch want := tc.recs[i]; {
				case want == nil && r.Err != nil:
					t.Errorf("%s.Err = %v; want nil", name, r.Err)
				case want == errAny && r.Err == nil:
					t.Errorf("%s.Err = nil; want an error", name)
				case want != nil && want != errAny && !errors.Is(r.Err, want):
					t.Errorf("%s.Err = %v; want %v", name, r.Err, want)
				}
			}
		})
	}
}

// checkRecord asserts what holds for every record ParseNote returns.
func checkRecord(t testing.TB, name string, lines [][]byte, r *proofpack.Record) {
	t.Helper()
	if r.Line < 1 || r.Line > len(lines) {
		t.Fatalf("%s.Line = %d; want 1..%d", name, r.Line, len(lines))
	}
	line := bytes.TrimRight(lines[r.Line-1], "\r \t")
	if len(line) == 0 || line[0] != '{' {
		t.Errorf("%s.Line = %d, which holds %.40q; want an envelope line", name, r.Line, line)
	}
	if (r.Err == nil) != (r.Statement != nil) {
		t.Errorf("%s: Err %v with Statement %v; want exactly one", name, r.Err, r.Statement != nil)
	}
	if r.Statement != nil && r.Envelope == nil {
		t.Errorf("%s: a Statement without its Envelope", name)
	}
	if r.Envelope != nil {
		if !bytes.Equal(r.Envelope.Raw, line) {
			t.Errorf("%s.Envelope.Raw = %.40q; want line %d %.40q", name, r.Envelope.Raw, r.Line, line)
		}
		if got, want := r.Envelope.Digest, sha256Hex(line); got != want {
			t.Errorf("%s.Envelope.Digest = %s; want %s", name, got, want)
		}
	}
	if r.Statement != nil {
		if p := r.Statement.Parsed; p == nil || p.Commit != r.Statement.Digest("gitCommit") || p.Tree != r.Statement.Digest("gitTree") {
			t.Errorf("%s.Statement: predicate %+v does not match its subject", name, p)
		}
	}
}

// TestParseNoteDigestPairsSummary checks that each summary line's last
// field is the first 8 hex of the envelope after it, also with CRLF.
func TestParseNoteDigestPairsSummary(t *testing.T) {
	t.Parallel()
	rec := record(validLine(t))
	for _, note := range []string{rec, strings.ReplaceAll(rec, "\n", "\r\n")} {
		recs, err := proofpack.ParseNote([]byte(note))
		if err != nil {
			t.Fatalf("ParseNote(%.40q) = %v; want nil", note, err)
		}
		summary := strings.TrimRight(strings.SplitN(note, "\n", 2)[0], "\r")
		if got := summary[len(summary)-8:]; got != recs[0].Envelope.Digest[:8] {
			t.Errorf("ParseNote(%.40q) digest %s; want the summary's %s", note, recs[0].Envelope.Digest[:8], got)
		}
	}
}

func TestSummarySanitizes(t *testing.T) {
	t.Parallel()
	p := testPredicate()
	p.Creator.Email = "mallory@example.com\n{\"payloadType\":\"x\"}\x1b[2J"
	got := proofpack.Summary(p, sha256Hex(nil))
	if strings.ContainsAny(got, "\n\r\x1b") {
		t.Errorf("Summary(email %q) = %q; want one line without control characters", p.Creator.Email, got)
	}
	if !strings.HasSuffix(got, " · e3b0c442") {
		t.Errorf("Summary(...) = %q; want it to end with the digest's first 8 hex", got)
	}
}
