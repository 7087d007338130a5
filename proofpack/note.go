package proofpack

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/secure-systems-lab/go-securesystemslib/dsse"
)

// Note-level errors.
var (
	// ErrNoteTooLarge: the note exceeds MaxNoteBytes; it was not read. Remove
	// it with `git notes --ref=proof remove <commit>` and run again.
	ErrNoteTooLarge = errors.New("note too large")
	// ErrNoRecords: the note holds no line that looks like a record; it is
	// not a git-proof note (or was damaged). Run `git proof run` to add one.
	ErrNoRecords = errors.New("note holds no proof record")
	// ErrTooManyRecords: the note holds more than MaxRecordsPerNote records;
	// ParseNote returns the first ones with it. Remove the note with `git
	// notes --ref=proof remove <commit>` and run again.
	ErrTooManyRecords = errors.New("too many records in note")
)

// Record is one line of a note that looked like an envelope, parsed as far
// as it would go. Err says why it is unusable; the other records of the
// note are unaffected by it.
type Record struct {
	Line      int // 1-based line number in the note
	Envelope  *Envelope
	Statement *Statement
	Err       error
}

// ParseNote splits a note into records. Every line starting with '{' is an
// envelope; all other lines (summaries, blank lines from `git notes
// append`) are ignored, which is what lets cat_sort_uniq and union merges
// of two writers' notes stay readable.
func ParseNote(note []byte) ([]*Record, error) {
	if len(note) > MaxNoteBytes {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrNoteTooLarge, len(note), MaxNoteBytes)
	}
	var recs []*Record
	for i, line := range bytes.Split(note, []byte("\n")) {
		line = bytes.TrimRight(line, "\r \t")
		if len(line) == 0 || line[0] != '{' {
			continue
		}
		if len(recs) == MaxRecordsPerNote {
			return recs, fmt.Errorf("%w: more than %d; the rest were not read", ErrTooManyRecords, MaxRecordsPerNote)
		}
		r := &Record{Line: i + 1}
		recs = append(recs, r)
		env, err := ParseEnvelope(line)
		if err != nil {
			r.Err = err
			continue
		}
		r.Envelope = env
		st, err := ParseStatement(env.Payload)
		if err != nil {
			r.Err = err
			continue
		}
		r.Statement = st
	}
	if len(recs) == 0 {
		return nil, ErrNoRecords
	}
	return recs, nil
}

// Summary is the human line above each envelope, for `git log
// --notes=proof`. Readers never trust it; it ends with the first 8 hex of
// the envelope's sha256 so a reader can pair it with its envelope.
func Summary(p *Predicate, envDigest string) string {
	parts := []string{"proof: " + p.Decision}
	parts = append(parts, fmt.Sprintf("risk %.2f", p.Risk.Score))
	parts = append(parts, fmt.Sprintf("tests %d fixed %d regressed", p.FixedCount(), p.RegressedCount()))
	if p.HunkCounts.Total > 0 {
		parts = append(parts, fmt.Sprintf("hunks %d/%d essential", p.HunkCounts.Essential, p.HunkCounts.Total))
	}
	if h := p.Contract.Holdouts; h != nil {
		parts = append(parts, fmt.Sprintf("holdout %d/%d", h.Passed, h.Total))
	}
	if r := p.Reviews; r != nil && len(r.Reviewers) > 0 {
		parts = append(parts, "reviews "+reviewTally(r))
	}
	if who := p.Creator.Email; who != "" {
		parts = append(parts, Sanitize(who))
	}
	parts = append(parts, p.CreatedAt)
	if len(envDigest) >= 8 {
		parts = append(parts, envDigest[:8])
	}
	return strings.Join(parts, " · ")
}

// reviewTally is "2 approve 1 concerns 1 unavailable", in that order.
func reviewTally(r *Reviews) string {
	n := map[string]int{}
	for _, x := range r.Reviewers {
		k := x.Verdict
		if x.Status != "ok" {
			k = x.Status
		}
		n[k]++
	}
	var out []string
	for _, k := range []string{"approve", "concerns", "reject", "unavailable", "skipped"} {
		if n[k] > 0 {
			out = append(out, fmt.Sprintf("%d %s", n[k], k))
		}
	}
	return strings.Join(out, " ")
}

// EncodeRecord returns the two lines (summary, envelope) that a writer
// appends to a note, with a trailing newline.
func EncodeRecord(p *Predicate, env *dsse.Envelope) ([]byte, error) {
	return encodeLines(env, func(digest string) string { return Summary(p, digest) })
}

// encodeLines encodes env as one line under the summary made from its digest.
func encodeLines(env *dsse.Envelope, summary func(digest string) string) ([]byte, error) {
	line, err := EncodeEnvelope(env)
	if err != nil {
		return nil, err
	}
	e, err := ParseEnvelope(line)
	if err != nil {
		return nil, fmt.Errorf("encode record: %w", err)
	}
	var b bytes.Buffer
	b.WriteString(summary(e.Digest))
	b.WriteByte('\n')
	b.Write(line)
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// Sanitize makes untrusted text safe to print on a terminal: control
// characters (escape sequences, newlines) and invalid UTF-8 are escaped.
func Sanitize(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0x2028 || r == 0x2029 || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
		i += n
	}
	return b.String()
}

// Now returns the time format used in records.
func Now() string { return time.Now().UTC().Format(time.RFC3339) }
