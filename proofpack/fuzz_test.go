package proofpack_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"testing"

	"github.com/git-proof/git-proof/proofpack"
)

// The fuzz targets parse untrusted bytes as they come from a fetched notes
// ref. Beyond "never panic" each checks what the rest of git-proof relies
// on: exact bytes kept, digests over those bytes, subjects that agree with
// the predicate.

func FuzzParseNote(f *testing.F) {
	f.Add(realRecord(f))
	f.Add(append(append(realRecord(f), '\n'), realRecord(f)...))
	for _, tc := range noteCases(f) {
		if len(tc.note) <= 8<<10 { // small seeds keep mutation and minimising fast
			f.Add([]byte(tc.note))
		}
	}
	f.Fuzz(func(t *testing.T, note []byte) {
		recs, err := proofpack.ParseNote(note)
		if len(note) > proofpack.MaxNoteBytes {
			if !errors.Is(err, proofpack.ErrNoteTooLarge) || recs != nil {
				t.Fatalf("ParseNote(%d bytes) = %d records, %v; want none, ErrNoteTooLarge", len(note), len(recs), err)
			}
			return
		}
		if err == nil && len(recs) == 0 {
			t.Fatalf("ParseNote(%q) = no records and no error; want ErrNoRecords", note)
		}
		if errors.Is(err, proofpack.ErrNoRecords) != (len(recs) == 0) {
			t.Fatalf("ParseNote(%q) = %d records, %v; ErrNoRecords iff none", note, len(recs), err)
		}
		if len(recs) > proofpack.MaxRecordsPerNote {
			t.Fatalf("ParseNote(%q) = %d records; want at most %d", note, len(recs), proofpack.MaxRecordsPerNote)
		}
		lines := bytes.Split(note, []byte("\n"))
		for i, r := range recs {
			if i > 0 && r.Line <= recs[i-1].Line {
				t.Fatalf("ParseNote(%q) lines %d then %d; want increasing", note, recs[i-1].Line, r.Line)
			}
			checkRecord(t, "ParseNote", lines, r)
		}
	})
}

func FuzzParseEnvelope(f *testing.F) {
	rec := realRecord(f)
	f.Add(bytes.SplitN(rec, []byte("\n"), 3)[1])
	for _, tc := range envelopeCases(f) {
		if len(tc.line) <= 8<<10 {
			f.Add([]byte(tc.line))
		}
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		env, err := proofpack.ParseEnvelope(line)
		if err != nil {
			if env != nil {
				t.Fatalf("ParseEnvelope(%q) = an envelope and %v", line, err)
			}
			if !errors.Is(err, proofpack.ErrEnvelope) && !errors.Is(err, proofpack.ErrSignatureCount) {
				t.Fatalf("ParseEnvelope(%q) = %v; want ErrEnvelope or ErrSignatureCount", line, err)
			}
			return
		}
		if len(line) > proofpack.MaxRecordBytes {
			t.Fatalf("ParseEnvelope(%d bytes) = nil; want ErrEnvelope over the limit", len(line))
		}
		if !bytes.Equal(env.Raw, line) {
			t.Fatalf("ParseEnvelope(%q).Raw = %q; want the input", line, env.Raw)
		}
		if got, want := env.Digest, sha256Hex(line); got != want {
			t.Fatalf("ParseEnvelope(%q).Digest = %s; want %s", line, got, want)
		}
		if env.DSSE.PayloadType != proofpack.PayloadType {
			t.Fatalf("ParseEnvelope(%q).PayloadType = %q; want %q", line, env.DSSE.PayloadType, proofpack.PayloadType)
		}
		if base64.StdEncoding.EncodeToString(env.Payload) != env.DSSE.Payload {
			t.Fatalf("ParseEnvelope(%q).Payload = %q; want the decoding of the payload field %q, its only encoding", line, env.Payload, env.DSSE.Payload)
		}
		switch n := len(env.DSSE.Signatures); {
		case n > 1:
			t.Fatalf("ParseEnvelope(%q) kept %d signatures; want at most 1", line, n)
		case n == 0 && (env.Signature != nil || !env.Unsigned()):
			t.Fatalf("ParseEnvelope(%q): no signature but Signature %x, Unsigned %v", line, env.Signature, env.Unsigned())
		case n == 1 && (len(env.Signature) == 0 || base64.StdEncoding.EncodeToString(env.Signature) != env.DSSE.Signatures[0].Sig):
			t.Fatalf("ParseEnvelope(%q): signature %x; want the decoding of %q", line, env.Signature, env.DSSE.Signatures[0].Sig)
		}
	})
}

func FuzzParseStatement(f *testing.F) {
	rec := realRecord(f)
	env, err := proofpack.ParseEnvelope(bytes.SplitN(rec, []byte("\n"), 3)[1])
	if err != nil {
		f.Fatal(err)
	}
	f.Add(env.Payload)
	for _, tc := range statementCases(f) {
		f.Add(tc.payload)
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		st, err := proofpack.ParseStatement(payload)
		if err != nil {
			if st != nil {
				t.Fatalf("ParseStatement(%q) = a statement and %v", payload, err)
			}
			return
		}
		p := st.Parsed
		switch {
		case p == nil:
			t.Fatalf("ParseStatement(%q).Parsed = nil", payload)
		case p.Commit == "" || p.Commit != st.Digest("gitCommit"):
			t.Fatalf("ParseStatement(%q): predicate commit %q, subject gitCommit %q; want equal, non-empty", payload, p.Commit, st.Digest("gitCommit"))
		case p.Tree == "" || p.Tree != st.Digest("gitTree"):
			t.Fatalf("ParseStatement(%q): predicate tree %q, subject gitTree %q; want equal, non-empty", payload, p.Tree, st.Digest("gitTree"))
		case st.Type != proofpack.StatementType || st.PredicateType != proofpack.PredicateType || p.SchemaVersion != proofpack.SchemaVersion:
			t.Fatalf("ParseStatement(%q) accepted _type %q predicateType %q schemaVersion %d", payload, st.Type, st.PredicateType, p.SchemaVersion)
		case p.Base.Tree == "" || p.Diff.SHA256 == "":
			t.Fatalf("ParseStatement(%q) accepted a predicate without base tree or diff digest", payload)
		}
	})
}
