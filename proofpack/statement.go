package proofpack

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	intoto "github.com/in-toto/attestation/go/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/structpb"
)

// Subject names used in a statement.
const (
	SubjectCommit = "commit"
	SubjectTree   = "tree"
)

// NewStatementPayload builds the in-toto Statement v1 bytes for p, with the
// in-toto project's own types. The subject binds both the commit (for
// lookup) and its tree (the binding that survives a reword or squash).
func NewStatementPayload(p *Predicate) ([]byte, error) {
	p.Normalize()
	return statementPayload(PredicateType, p.Commit, p.Tree, p)
}

// statementPayload builds the compact statement bytes for a predicate of
// predType about commit and its tree.
func statementPayload(predType, commit, tree string, predicate any) ([]byte, error) {
	pj, err := json.Marshal(predicate)
	if err != nil {
		return nil, fmt.Errorf("encode predicate: %w", err)
	}
	pred := &structpb.Struct{}
	if err := protojson.Unmarshal(pj, pred); err != nil {
		return nil, fmt.Errorf("encode predicate: %w", err)
	}
	st := &intoto.Statement{
		Type: intoto.StatementTypeUri,
		Subject: []*intoto.ResourceDescriptor{
			{Name: SubjectCommit, Digest: map[string]string{"gitCommit": commit}},
			{Name: SubjectTree, Digest: map[string]string{"gitTree": tree}},
		},
		PredicateType: predType,
		Predicate:     pred,
	}
	out, err := protojson.MarshalOptions{}.Marshal(st)
	if err != nil {
		return nil, fmt.Errorf("encode statement: %w", err)
	}
	// protojson may add random spaces to discourage byte comparisons; we
	// sign and store these exact bytes, so compact them once for size.
	var buf bytes.Buffer
	if err := json.Compact(&buf, out); err != nil {
		return nil, fmt.Errorf("encode statement: %w", err)
	}
	return buf.Bytes(), nil
}

// Statement is a parsed in-toto Statement v1 whose predicate is a proofpack.
type Statement struct {
	Type          string          `json:"_type"`
	Subject       []Subject       `json:"subject"`
	PredicateType string          `json:"predicateType"`
	Predicate     json.RawMessage `json:"predicate"`
	// Parsed is set for a proof record (PredicateType), Approval for a
	// sign-off (ApprovalPredicateType); exactly one of them.
	Parsed   *Predicate `json:"-"`
	Approval *Approval  `json:"-"`
}

// Subject is one in-toto ResourceDescriptor (name + digests).
type Subject struct {
	Name   string            `json:"name"`
	Digest map[string]string `json:"digest"`
}

// Digest returns the subject digest named alg ("gitCommit", "gitTree").
func (s *Statement) Digest(alg string) string {
	for _, sub := range s.Subject {
		if d, ok := sub.Digest[alg]; ok {
			return d
		}
	}
	return ""
}

// Errors of statement parsing.
var (
	// ErrNotProofpack: the statement is not a git-proof proofpack; it may be
	// another tool's attestation stored under refs/notes/proof by mistake.
	ErrNotProofpack = errors.New("not a git-proof proofpack statement")
)

// ParseStatement parses payload bytes. It checks the statement type,
// predicate type and schema version, and that the subject agrees with the
// predicate; it does not check signatures.
func ParseStatement(payload []byte) (*Statement, error) {
	var st Statement
	// Unmarshal, not a Decoder: it refuses trailing data too, and does not
	// copy the payload through a growing buffer (a third of parse time).
	if err := json.Unmarshal(payload, &st); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) && strings.HasSuffix(se.Error(), "after top-level value") {
			return nil, fmt.Errorf("parse statement: trailing data after JSON value: %w", err)
		}
		return nil, fmt.Errorf("parse statement: %w", err)
	}
	if st.Type != StatementType {
		return nil, fmt.Errorf("%w: _type %q, want %q", ErrNotProofpack, st.Type, StatementType)
	}
	switch st.PredicateType {
	case PredicateType:
	case ApprovalPredicateType:
		a, err := parseApproval(&st)
		if err != nil {
			return nil, err
		}
		st.Approval = a
		return &st, nil
	default:
		return nil, fmt.Errorf("%w: predicateType %q, want %q or %q", ErrNotProofpack, st.PredicateType, PredicateType, ApprovalPredicateType)
	}
	var p Predicate
	if err := json.Unmarshal(st.Predicate, &p); err != nil {
		return nil, fmt.Errorf("parse predicate: %w", err)
	}
	if p.SchemaVersion != SchemaVersion {
		return nil, fmt.Errorf("%w: schemaVersion %d, this git-proof reads %d (upgrade git-proof)", ErrNotProofpack, p.SchemaVersion, SchemaVersion)
	}
	if c := st.Digest("gitCommit"); c == "" || c != p.Commit {
		return nil, fmt.Errorf("parse statement: subject gitCommit %q does not match predicate commit %q", c, p.Commit)
	}
	if t := st.Digest("gitTree"); t == "" || t != p.Tree {
		return nil, fmt.Errorf("parse statement: subject gitTree %q does not match predicate tree %q", t, p.Tree)
	}
	if p.Base.Tree == "" || p.Diff.SHA256 == "" {
		return nil, fmt.Errorf("parse statement: predicate lacks base tree or diff digest")
	}
	// A record made by an older git-proof lacks the lists added since:
	// give them their empty value, so a policy sees [] and never null.
	// (The signed bytes are untouched; only the parsed view changes.)
	p.Normalize()
	st.Parsed = &p
	return &st, nil
}

// decodeStrict decodes exactly one JSON value from b and refuses trailing
// data (and, when known is set, unknown fields).
func decodeStrict(b []byte, v any, known bool) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if known {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after JSON value")
	}
	return nil
}
