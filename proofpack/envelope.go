package proofpack

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/secure-systems-lab/go-securesystemslib/dsse"
)

// Limits on untrusted input, in one place.
const (
	// MaxNoteBytes bounds a whole note; larger notes are refused unread.
	MaxNoteBytes = 1 << 20
	// MaxRecordBytes bounds one envelope line.
	MaxRecordBytes = 256 << 10
	// MaxRecordsPerNote bounds how many records one note may hold.
	MaxRecordsPerNote = 64
)

// Signer makes the signature of a record over DSSE's PAE bytes. It is the
// dsse.Signer interface; sign.SSHSigner implements it.
type Signer = dsse.Signer

// SignPayload wraps payload in a DSSE envelope signed by s. A nil s makes an
// unsigned envelope (no signatures), which every verifier refuses.
func SignPayload(ctx context.Context, payload []byte, s Signer) (*dsse.Envelope, error) {
	if s == nil {
		return &dsse.Envelope{PayloadType: PayloadType, Payload: base64.StdEncoding.EncodeToString(payload), Signatures: []dsse.Signature{}}, nil
	}
	es, err := dsse.NewEnvelopeSigner(s)
	if err != nil {
		return nil, fmt.Errorf("sign record: %w", err)
	}
	env, err := es.SignPayload(ctx, PayloadType, payload)
	if err != nil {
		return nil, fmt.Errorf("sign record: %w", err)
	}
	return env, nil
}

// EncodeEnvelope returns the compact one-line JSON form stored in a note.
func EncodeEnvelope(env *dsse.Envelope) ([]byte, error) {
	b, err := json.Marshal(env)
	if err != nil {
		return nil, fmt.Errorf("encode envelope: %w", err)
	}
	return b, nil
}

// Envelope-level parse errors.
var (
	// ErrEnvelope: the note line is not a DSSE envelope git-proof made; run
	// `git proof run` again to add a valid record.
	ErrEnvelope = errors.New("malformed envelope")
	// ErrSignatureCount: a record must carry exactly one signature.
	ErrSignatureCount = errors.New("record must carry exactly one signature")
)

// Envelope is a parsed DSSE envelope line with its exact bytes.
type Envelope struct {
	Raw       []byte // the line as stored
	Digest    string // hex sha256 of Raw
	DSSE      dsse.Envelope
	Payload   []byte // decoded payload bytes
	Signature []byte // decoded signature (when exactly one)
	KeyID     string
}

// PAE returns the bytes the signature covers.
func (e *Envelope) PAE() []byte { return dsse.PAE(e.DSSE.PayloadType, e.Payload) }

// Unsigned reports whether the envelope carries no signature.
func (e *Envelope) Unsigned() bool { return len(e.DSSE.Signatures) == 0 }

// ParseEnvelope parses one stored envelope line. It decodes strictly
// (unknown fields and trailing data refused, standard base64 only) and keeps
// the exact bytes: nothing is re-serialised before verification. An
// unsigned envelope parses (so it can be shown) but has no Signature.
func ParseEnvelope(line []byte) (*Envelope, error) {
	if len(line) > MaxRecordBytes {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrEnvelope, len(line), MaxRecordBytes)
	}
	sum := sha256.Sum256(line)
	e := &Envelope{Raw: line, Digest: hex.EncodeToString(sum[:])}
	var raw struct {
		PayloadType *string          `json:"payloadType"`
		Payload     *string          `json:"payload"`
		Signatures  []dsse.Signature `json:"signatures"`
	}
	if err := decodeStrict(line, &raw, true); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrEnvelope, err)
	}
	if raw.PayloadType == nil || raw.Payload == nil {
		return nil, fmt.Errorf("%w: payloadType and payload are required", ErrEnvelope)
	}
	if *raw.PayloadType != PayloadType {
		return nil, fmt.Errorf("%w: payloadType %q, want %q", ErrEnvelope, *raw.PayloadType, PayloadType)
	}
	e.DSSE = dsse.Envelope{PayloadType: *raw.PayloadType, Payload: *raw.Payload, Signatures: raw.Signatures}
	p, err := base64.StdEncoding.DecodeString(*raw.Payload)
	if err != nil {
		return nil, fmt.Errorf("%w: payload is not base64: %v", ErrEnvelope, err)
	}
	// Go's decoder also skips line breaks and ignores stray padding bits;
	// refuse those, so one signed record has one encoding and one digest.
	if base64.StdEncoding.EncodeToString(p) != *raw.Payload {
		return nil, fmt.Errorf("%w: payload is not canonical base64", ErrEnvelope)
	}
	e.Payload = p
	switch len(raw.Signatures) {
	case 0:
	case 1:
		s, err := base64.StdEncoding.DecodeString(raw.Signatures[0].Sig)
		if err != nil || len(s) == 0 || base64.StdEncoding.EncodeToString(s) != raw.Signatures[0].Sig {
			return nil, fmt.Errorf("%w: signature is not canonical base64", ErrEnvelope)
		}
		e.Signature = s
		e.KeyID = raw.Signatures[0].KeyID
	default:
		return nil, fmt.Errorf("%w: it has %d", ErrSignatureCount, len(raw.Signatures))
	}
	return e, nil
}
