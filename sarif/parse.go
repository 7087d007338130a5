package sarif

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// The subset of SARIF 2.1.0 this package reads. Unknown fields are ignored;
// the fields below must have their specified JSON types.
type (
	sarifLog struct {
		Version json.RawMessage `json:"version"`
		Runs    json.RawMessage `json:"runs"`
	}

	run struct {
		Tool struct {
			Driver     *toolComponent  `json:"driver"`
			Extensions []toolComponent `json:"extensions"`
		} `json:"tool"`
		Invocations []struct {
			ExecutionSuccessful *bool          `json:"executionSuccessful"`
			ToolExecutionNotes  []notification `json:"toolExecutionNotifications"`
			ToolConfigNotes     []notification `json:"toolConfigurationNotifications"`
		} `json:"invocations"`
		Artifacts []struct {
			Location artifactLocation `json:"location"`
		} `json:"artifacts"`
		OriginalURIBaseIDs map[string]artifactLocation `json:"originalUriBaseIds"`
		Results            []json.RawMessage           `json:"results"`
	}

	toolComponent struct {
		Name                 *string                  `json:"name"`
		Rules                []rule                   `json:"rules"`
		GlobalMessageStrings map[string]messageString `json:"globalMessageStrings"`
	}

	rule struct {
		ID                   string `json:"id"`
		DefaultConfiguration struct {
			Level string `json:"level"`
		} `json:"defaultConfiguration"`
		MessageStrings map[string]messageString `json:"messageStrings"`
	}

	messageString struct {
		Text *string `json:"text"`
	}

	notification struct {
		Level   string `json:"level"`
		Message struct {
			Text string `json:"text"`
		} `json:"message"`
	}

	toolComponentRef struct {
		Name  string `json:"name"`
		Index *int   `json:"index"`
	}

	result struct {
		RuleID    *string `json:"ruleId"`
		RuleIndex *int    `json:"ruleIndex"`
		Rule      *struct {
			ID            *string           `json:"id"`
			Index         *int              `json:"index"`
			ToolComponent *toolComponentRef `json:"toolComponent"`
		} `json:"rule"`
		Kind    string `json:"kind"`
		Level   string `json:"level"`
		Message *struct {
			Text      *string  `json:"text"`
			ID        *string  `json:"id"`
			Arguments []string `json:"arguments"`
		} `json:"message"`
		Locations []struct {
			PhysicalLocation *struct {
				ArtifactLocation *artifactLocation `json:"artifactLocation"`
				Region           *struct {
					StartLine *int `json:"startLine"`
					EndLine   *int `json:"endLine"`
					Snippet   *struct {
						Text string `json:"text"`
					} `json:"snippet"`
				} `json:"region"`
			} `json:"physicalLocation"`
		} `json:"locations"`
		PartialFingerprints map[string]string `json:"partialFingerprints"`
		Fingerprints        map[string]string `json:"fingerprints"`
		Suppressions        []struct {
			Status string `json:"status"`
		} `json:"suppressions"`
	}
)

// Keys under result.fingerprints by which Write carries a Finding's match
// keys, so that Parse(Write(fs)) gives fs back. SARIF §3.27.16 reserves
// fingerprints for exactly this: identities computed by a result management
// system, versioned by their key.
const (
	FingerprintKey = "gitProof/v1"
	ContentHashKey = "gitProofContent/v1"
)

// Parse reads one SARIF 2.1.0 log, with any number of runs, and returns its
// findings in log order (runs, then results). root is the directory the tool
// ran in (the worktree): absolute file:// paths under it are made relative to
// it; "" leaves them absolute.
//
// Parse is strict where being lenient could hide a finding or invent one: the
// version must be "2.1.0", runs must be an array, every result needs a rule id
// and a resolvable message, fields must have their SARIF types, and a run
// whose invocation says executionSuccessful=false is an error (ErrToolFailed).
// It is lenient where real tools are sloppy: missing or null results mean no
// results (old golangci-lint), out-of-range artifact and rule indexes are
// ignored when the id or URI is given, unknown fields are ignored. Results of
// kind "pass" or "notApplicable" are not findings and are skipped.
//
// Errors are *ParseError values that name the JSON path and wrap one of
// ErrNotSARIF, ErrVersion, ErrInvalid, ErrLimit or ErrToolFailed.
func Parse(r io.Reader, root string) ([]Finding, error) {
	data, err := readLimited(r)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if err := checkShape(data); err != nil {
		return nil, err
	}
	var log sarifLog
	if err := json.Unmarshal(data, &log); err != nil {
		return nil, jsonError("", data, err)
	}
	if err := checkVersion(log.Version); err != nil {
		return nil, err
	}
	runs, err := splitRuns(log.Runs)
	if err != nil {
		return nil, err
	}
	var out []Finding
	for i, raw := range runs {
		out, err = parseRun(out, fmt.Sprintf("runs[%d]", i), raw, root)
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// readLimited reads all of r, failing past MaxReportBytes.
func readLimited(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxReportBytes+1))
	if err != nil {
		return nil, &ParseError{Err: fmt.Errorf("read report: %w", err)}
	}
	if len(data) > MaxReportBytes {
		return nil, errAt("", ErrLimit, "report larger than %d bytes", MaxReportBytes)
	}
	return data, nil
}

// checkShape rejects what is not a JSON object, and nesting deeper than
// MaxDepth, before the decoder sees it.
func checkShape(data []byte) error {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 {
		return errAt("", ErrNotSARIF, "empty input")
	}
	if trimmed[0] != '{' {
		return errAt(lineCol(data, len(data)-len(trimmed)), ErrNotSARIF, "want a JSON object, found %s", describeByte(trimmed[0]))
	}
	depth, inString, escaped := 0, false, false
	for i, c := range data {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
			if depth > MaxDepth {
				return errAt(lineCol(data, i), ErrLimit, "JSON nested deeper than %d", MaxDepth)
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return nil
}

func describeByte(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return strconv.QuoteRune(rune(c))
	}
	return fmt.Sprintf("byte 0x%02x", c)
}

// lineCol names a byte offset as "line L, column C" (1-based; columns in bytes).
func lineCol(data []byte, off int) string {
	off = min(max(off, 0), len(data))
	line := 1 + bytes.Count(data[:off], []byte{'\n'})
	col := off - bytes.LastIndexByte(data[:off], '\n')
	return fmt.Sprintf("line %d, column %d", line, col)
}

// jsonError turns an encoding/json error into a *ParseError. where is the
// JSON path of the value being decoded; data is the whole input when where is
// empty (so syntax errors get a line and column).
func jsonError(where string, data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		if where == "" {
			where = lineCol(data, int(syn.Offset)-1)
		}
		return &ParseError{Where: where, Err: fmt.Errorf("%w: %v", ErrNotSARIF, syn)}
	case errors.As(err, &typ):
		field := typ.Field
		if where != "" && field != "" {
			field = where + "." + field
		} else if field == "" {
			field = where
		}
		return errAt(field, ErrInvalid, "JSON %s where SARIF wants %s", typ.Value, jsonKind(typ.Type.Kind().String()))
	default:
		return &ParseError{Where: where, Err: fmt.Errorf("%w: %v", ErrInvalid, err)}
	}
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "int", "int64", "float64":
		return "a number"
	case "bool":
		return "a boolean"
	case "slice":
		return "an array"
	case "struct", "map":
		return "an object"
	}
	return goKind
}

func checkVersion(raw json.RawMessage) error {
	if raw == nil {
		return errAt("version", ErrVersion, "missing; want \"2.1.0\"")
	}
	var v string
	if err := json.Unmarshal(raw, &v); err != nil {
		return errAt("version", ErrVersion, "want the string \"2.1.0\", found %s", truncateRaw(raw))
	}
	if v != "2.1.0" {
		return errAt("version", ErrVersion, "%q; want \"2.1.0\"", truncateMessage(v))
	}
	return nil
}

func truncateRaw(raw json.RawMessage) string {
	if len(raw) > 40 {
		return string(raw[:40]) + "…"
	}
	return string(raw)
}

func splitRuns(raw json.RawMessage) ([]json.RawMessage, error) {
	if raw == nil {
		return nil, errAt("runs", ErrInvalid, "missing")
	}
	if bytes.Equal(raw, []byte("null")) {
		return nil, errAt("runs", ErrInvalid, "null: the tool produced no runs")
	}
	var runs []json.RawMessage
	if err := json.Unmarshal(raw, &runs); err != nil {
		return nil, jsonError("runs", raw, err)
	}
	if len(runs) > MaxRuns {
		return nil, errAt("runs", ErrLimit, "%d runs, more than %d", len(runs), MaxRuns)
	}
	return runs, nil
}

func parseRun(out []Finding, where string, raw json.RawMessage, root string) ([]Finding, error) {
	var rn run
	if err := json.Unmarshal(raw, &rn); err != nil {
		return nil, jsonError(where, raw, err)
	}
	d := rn.Tool.Driver
	if d == nil || d.Name == nil {
		return nil, errAt(where+".tool.driver.name", ErrInvalid, "missing")
	}
	if len(*d.Name) > MaxIDBytes {
		return nil, errAt(where+".tool.driver.name", ErrLimit, "longer than %d bytes", MaxIDBytes)
	}
	for k, inv := range rn.Invocations {
		if inv.ExecutionSuccessful != nil && !*inv.ExecutionSuccessful {
			return nil, errAt(fmt.Sprintf("%s.invocations[%d]", where, k), ErrToolFailed,
				"executionSuccessful is false%s", failureReason(inv.ToolExecutionNotes, inv.ToolConfigNotes))
		}
	}
	if len(out)+len(rn.Results) > MaxFindings {
		return nil, errAt(where+".results", ErrLimit, "more than %d results", MaxFindings)
	}
	rp := runParser{run: &rn, root: root, tool: *d.Name}
	for j, rawResult := range rn.Results {
		f, keep, err := rp.result(fmt.Sprintf("%s.results[%d]", where, j), rawResult)
		if err != nil {
			return nil, err
		}
		if keep {
			out = append(out, f)
		}
	}
	return out, nil
}

// failureReason quotes the first error-level notification, if any.
func failureReason(lists ...[]notification) string {
	for _, l := range lists {
		for _, n := range l {
			if n.Level == LevelError && n.Message.Text != "" {
				return ": " + strconv.Quote(truncateMessage(n.Message.Text))
			}
		}
	}
	return ""
}
