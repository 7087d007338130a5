package review

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/git-proof/git-proof/sarif"
)

// Verdict is a reviewer's answer.
type Verdict struct {
	Verdict  string    `json:"verdict"` // approve | concerns | reject
	Findings []Finding `json:"findings"`
	Summary  string    `json:"summary"`
}

// Finding is one problem a reviewer reports.
type Finding struct {
	File     string `json:"file"`
	Line     int    `json:"line"`     // new-side line; 0 if none
	Severity string `json:"severity"` // critical | major | minor | info
	Category string `json:"category"`
	Message  string `json:"message"`
	// Evidence quotes the diff's added or context lines.
	Evidence string `json:"evidence"`
}

// Limits on an answer. Text over a limit is cut, not refused.
const (
	MaxAnswerBytes   = 1 << 20
	MaxFindings      = 200
	MaxLine          = 1 << 24
	MaxTextBytes     = 4 << 10 // message, evidence, file
	MaxSummaryBytes  = 2 << 10
	maxAnswerNesting = 8
)

// ErrMalformed is wrapped by every ParseVerdict error.
var ErrMalformed = errors.New("malformed verdict")

// ParseVerdict reads a reviewer's answer strictly: one JSON object with
// exactly the keys verdict, findings and summary, each finding with exactly
// file, line, severity, category, message and evidence; no duplicate keys,
// no trailing data; enums as in AnswerSchema; line an integer from 0 to
// MaxLine; at most MaxFindings findings. Long texts are cut to their limits.
// Errors wrap ErrMalformed.
func ParseVerdict(data []byte) (*Verdict, error) {
	if len(data) > MaxAnswerBytes {
		return nil, fmt.Errorf("%w: answer is %d bytes, over the %d-byte limit", ErrMalformed, len(data), MaxAnswerBytes)
	}
	if err := checkJSON(data); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil || top == nil {
		return nil, fmt.Errorf("%w: the answer is not a JSON object", ErrMalformed)
	}
	if err := exactKeys(top, "verdict", "findings", "summary"); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	v := &Verdict{}
	if err := jsonString(top["verdict"], &v.Verdict); err != nil || !validVerdict(v.Verdict) {
		return nil, fmt.Errorf("%w: verdict %s is not one of approve, concerns, reject", ErrMalformed, clip(string(top["verdict"]), 60))
	}
	if err := jsonString(top["summary"], &v.Summary); err != nil {
		return nil, fmt.Errorf("%w: summary: %w", ErrMalformed, err)
	}
	v.Summary = cut(v.Summary, MaxSummaryBytes)
	var items []json.RawMessage
	if raw := top["findings"]; bytes.Equal(bytes.TrimSpace(raw), []byte("null")) || json.Unmarshal(raw, &items) != nil {
		return nil, fmt.Errorf("%w: findings is not an array", ErrMalformed)
	}
	if len(items) > MaxFindings {
		return nil, fmt.Errorf("%w: %d findings, over the limit of %d", ErrMalformed, len(items), MaxFindings)
	}
	v.Findings = make([]Finding, 0, len(items))
	for i, raw := range items {
		f, err := parseFinding(raw)
		if err != nil {
			return nil, fmt.Errorf("%w: findings[%d]: %w", ErrMalformed, i, err)
		}
		v.Findings = append(v.Findings, f)
	}
	return v, nil
}

func parseFinding(raw json.RawMessage) (Finding, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return Finding{}, fmt.Errorf("not an object")
	}
	if err := exactKeys(m, "file", "line", "severity", "category", "message", "evidence"); err != nil {
		return Finding{}, err
	}
	var f Finding
	for _, s := range []struct {
		key string
		dst *string
	}{{"file", &f.File}, {"severity", &f.Severity}, {"category", &f.Category}, {"message", &f.Message}, {"evidence", &f.Evidence}} {
		if err := jsonString(m[s.key], s.dst); err != nil {
			return Finding{}, fmt.Errorf("%s: %w", s.key, err)
		}
	}
	var n json.Number
	if t := bytes.TrimSpace(m["line"]); len(t) == 0 || (t[0] != '-' && (t[0] < '0' || t[0] > '9')) {
		return Finding{}, fmt.Errorf("line is not a number")
	}
	dec := json.NewDecoder(bytes.NewReader(m["line"]))
	dec.UseNumber()
	if err := dec.Decode(&n); err != nil {
		return Finding{}, fmt.Errorf("line is not a number")
	}
	line, err := n.Int64()
	if err != nil || line < 0 || line > MaxLine {
		return Finding{}, fmt.Errorf("line %s is not an integer from 0 to %d", clip(n.String(), 40), MaxLine)
	}
	f.Line = int(line)
	if !validSeverity(f.Severity) {
		return Finding{}, fmt.Errorf("severity %q is not one of critical, major, minor, info", clip(f.Severity, 40))
	}
	if !validCategory(f.Category) {
		return Finding{}, fmt.Errorf("category %q is not one of the schema's", clip(f.Category, 40))
	}
	f.File, f.Message, f.Evidence = cut(f.File, MaxTextBytes), cut(f.Message, MaxTextBytes), cut(f.Evidence, MaxTextBytes)
	return f, nil
}

// jsonString decodes a JSON string (not null, not another type).
func jsonString(raw json.RawMessage, dst *string) error {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || t[0] != '"' {
		return fmt.Errorf("not a string")
	}
	if err := json.Unmarshal(t, dst); err != nil {
		return fmt.Errorf("not a string")
	}
	*dst = strings.ToValidUTF8(*dst, "\uFFFD")
	return nil
}

// exactKeys checks that m has exactly the given keys.
func exactKeys(m map[string]json.RawMessage, keys ...string) error {
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			return fmt.Errorf("key %q is missing", k)
		}
	}
	if len(m) != len(keys) {
		for k := range m {
			if !containsString(keys, k) {
				return fmt.Errorf("unknown key %q", clip(k, 40))
			}
		}
	}
	return nil
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// checkJSON checks that data is exactly one JSON value with no duplicate
// object keys and at most maxAnswerNesting levels of nesting: encoding/json
// keeps the last of two equal keys, so {"verdict":"reject","verdict":"approve"}
// would otherwise read as approve.
func checkJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := checkValue(dec, 0); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("data after the JSON value")
	}
	return nil
}

func checkValue(dec *json.Decoder, depth int) error {
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("not valid JSON: %s", clip(err.Error(), 100))
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	if depth >= maxAnswerNesting {
		return fmt.Errorf("nested deeper than %d levels", maxAnswerNesting)
	}
	switch d {
	case '{':
		seen := map[string]bool{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return fmt.Errorf("not valid JSON: %s", clip(err.Error(), 100))
			}
			k, _ := kt.(string)
			if seen[k] {
				return fmt.Errorf("key %q appears twice", clip(k, 40))
			}
			seen[k] = true
			if err := checkValue(dec, depth+1); err != nil {
				return err
			}
		}
	case '[':
		for dec.More() {
			if err := checkValue(dec, depth+1); err != nil {
				return err
			}
		}
	}
	if _, err := dec.Token(); err != nil { // the closing delimiter
		return fmt.Errorf("not valid JSON: %s", clip(err.Error(), 100))
	}
	return nil
}

// cut keeps at most n bytes of s, at a rune boundary.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// extractJSON finds the answer in a text that may wrap it: the whole text
// when it is a JSON object, else the first ```/```json fenced block. Used
// for outputs with no schema enforcement (gemini CLI, explicit commands).
func extractJSON(text []byte) ([]byte, error) {
	t := bytes.TrimSpace(text)
	if len(t) > 0 && t[0] == '{' {
		return t, nil
	}
	i := bytes.Index(t, []byte("```"))
	if i < 0 {
		return nil, fmt.Errorf("%w: no JSON object and no fenced block in the answer", ErrMalformed)
	}
	rest := t[i+3:]
	nl := bytes.IndexByte(rest, '\n')
	if nl < 0 {
		return nil, fmt.Errorf("%w: unterminated fenced block", ErrMalformed)
	}
	if lang := strings.TrimSpace(string(rest[:nl])); lang != "" && !strings.EqualFold(lang, "json") {
		return nil, fmt.Errorf("%w: fenced block is %q, not json", ErrMalformed, clip(lang, 20))
	}
	body := rest[nl+1:]
	end := bytes.Index(body, []byte("```"))
	if end < 0 {
		return nil, fmt.Errorf("%w: unterminated fenced block", ErrMalformed)
	}
	return bytes.TrimSpace(body[:end]), nil
}

// checkEvidence keeps the findings whose evidence, whitespace-normalised,
// occurs in the added or context lines of the diff, in the finding's file
// when it names one of the diff's files, else anywhere (and then the file
// is set to where it was found). It returns the kept findings and how many
// it dropped.
func checkEvidence(fs []Finding, files map[string]string) (kept []Finding, dropped int) {
	for _, f := range fs {
		ev := evidenceForms(f.Evidence)
		if len(ev) == 0 {
			dropped++
			continue
		}
		path, named := diffFile(f.File, files)
		found := ""
		if named {
			if containsAny(files[path], ev) {
				found = path
			}
		} else {
			for p, text := range files {
				if containsAny(text, ev) && (found == "" || p < found) {
					found = p
				}
			}
		}
		if found == "" {
			dropped++
			continue
		}
		f.File = found
		kept = append(kept, f)
	}
	return kept, dropped
}

// evidenceForms are the normalised forms evidence is looked up in: as
// given, and with a leading diff marker (+, space) removed from each line.
func evidenceForms(ev string) []string {
	a := normalizeSpace(ev)
	if a == "" {
		return nil
	}
	lines := strings.Split(ev, "\n")
	for i, l := range lines {
		l = strings.TrimLeft(l, " \t")
		lines[i] = strings.TrimPrefix(l, "+")
	}
	b := normalizeSpace(strings.Join(lines, "\n"))
	if b != "" && b != a {
		return []string{a, b}
	}
	return []string{a}
}

func containsAny(text string, forms []string) bool {
	for _, f := range forms {
		if strings.Contains(text, f) {
			return true
		}
	}
	return false
}

// diffFile maps a finding's file to one of the diff's paths: as given, or
// without a leading "./", "a/" or "b/".
func diffFile(file string, files map[string]string) (string, bool) {
	if _, ok := files[file]; ok && file != "" {
		return file, true
	}
	for _, p := range []string{"./", "b/", "a/", "/"} {
		if rest, ok := strings.CutPrefix(file, p); ok {
			if _, ok := files[rest]; ok {
				return rest, true
			}
		}
	}
	return "", false
}

// Counts are findings by severity.
type Counts struct {
	Critical int `json:"critical"`
	Major    int `json:"major"`
	Minor    int `json:"minor"`
	Info     int `json:"info"`
}

func countFindings(fs []Finding) Counts {
	var c Counts
	for _, f := range fs {
		switch f.Severity {
		case SeverityCritical:
			c.Critical++
		case SeverityMajor:
			c.Major++
		case SeverityMinor:
			c.Minor++
		case SeverityInfo:
			c.Info++
		}
	}
	return c
}

// RuleIDPrefix starts the SARIF rule id of a review finding: "review/"
// and the category.
const RuleIDPrefix = "review/"

// sarifRun is a reviewer's kept findings as one SARIF run: tool = reviewer
// name, version = the model that answered, rule = review/<category>, level
// error (critical, major), warning (minor) or note (info), the message
// prefixed with the severity (SARIF levels merge critical and major).
func sarifRun(name, model string, fs []Finding) sarif.Run {
	run := sarif.Run{Tool: name, Version: model, Findings: make([]sarif.Finding, 0, len(fs))}
	for _, f := range fs {
		level := sarif.LevelNote
		switch f.Severity {
		case SeverityCritical, SeverityMajor:
			level = sarif.LevelError
		case SeverityMinor:
			level = sarif.LevelWarning
		}
		sf := sarif.Finding{Tool: name, RuleID: RuleIDPrefix + f.Category, Level: level,
			Message: cut(f.Severity+": "+f.Message, sarif.MaxMessageBytes), File: f.File, StartLine: f.Line, EndLine: f.Line}
		sf.Identify(f.Evidence, nil)
		run.Findings = append(run.Findings, sf)
	}
	return run
}
