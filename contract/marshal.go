package contract

import (
	"bytes"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Marshal writes a contract as YAML that Parse reads back to an equal
// contract; it is how `contract redact -o OUT` writes the redacted copy.
// The first line is a comment saying which copy it is. Prose with line
// breaks is written as block scalars, checks on one line each.
func Marshal(c *Contract) ([]byte, error) {
	n := normalize(c)
	if err := validate(n, "", nil); err != nil {
		return nil, fmt.Errorf("marshal contract: %w", err)
	}
	var head string
	switch {
	case n.HoldoutCommitment != nil:
		head = fmt.Sprintf("# Redacted copy of contract %s: its %d holdouts are hidden, bound by holdoutCommitment. Edits change its hash.\n", n.ID, n.HoldoutCommitment.Count)
	case len(n.Holdouts) > 0:
		head = fmt.Sprintf("# Author's copy of contract %s: it holds the holdouts; give the implementer the redacted copy instead.\n", n.ID)
	default:
		head = fmt.Sprintf("# Redacted copy of contract %s: it has no holdouts, so it is also the author's copy.\n", n.ID)
	}
	return marshalChecked(n, head, func(b []byte) (any, error) { return Parse(b, "marshalled contract") })
}

// MarshalHoldouts writes a holdouts file as YAML that ParseHoldouts reads
// back to an equal value.
func MarshalHoldouts(h *HoldoutsFile) ([]byte, error) {
	if err := h.Validate(); err != nil {
		return nil, fmt.Errorf("marshal holdouts: %w", err)
	}
	n := *h
	n.Holdouts = normalizeHoldouts(h.Holdouts)
	head := fmt.Sprintf("# Holdouts of contract %s, with the salt of its commitment: keep this file out of the repository until the proof is made.\n", n.Contract)
	return marshalChecked(&n, head, func(b []byte) (any, error) { return ParseHoldouts(b, "marshalled holdouts") })
}

// marshalChecked encodes v readably, then checks that parse reads it back
// to an equal value; if the readable styles lose anything (yaml.v3 has
// corner cases, such as a string that is only a line break), it encodes
// again with every string double-quoted, which escapes everything.
func marshalChecked[T any](v *T, head string, parse func([]byte) (any, error)) ([]byte, error) {
	var lastErr error
	for _, plain := range []bool{false, true} {
		b, err := encode(v, head, plain)
		if err != nil {
			return nil, err
		}
		back, err := parse(b)
		if err != nil {
			lastErr = err
			continue
		}
		if p, ok := back.(*T); ok && reflect.DeepEqual(p, v) {
			return b, nil
		}
		lastErr = fmt.Errorf("the YAML reads back differently")
	}
	return nil, fmt.Errorf("marshal: %w", lastErr)
}

func encode(v any, head string, quoteAll bool) ([]byte, error) {
	var n *yaml.Node
	switch v := v.(type) {
	case *Contract:
		n = contractNode(v)
	case *HoldoutsFile:
		n = holdoutsFileNode(v)
	default:
		return nil, fmt.Errorf("marshal: cannot encode %T", v)
	}
	style(n, false, quoteAll)
	var buf bytes.Buffer
	buf.WriteString(head)
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return nil, fmt.Errorf("marshal: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("marshal: %w", err)
	}
	return buf.Bytes(), nil
}

// The YAML is built node by node, in the order of the format, because
// yaml.v3's own struct encoding goes through text and loses strings such
// as a lone line break.

func strNode(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

func intNode(i int) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(i)}
}

func seqNode(flow bool, items ...*yaml.Node) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: items}
	if flow {
		n.Style = yaml.FlowStyle
	}
	return n
}

func strsNode(flow bool, ss []string) *yaml.Node {
	items := make([]*yaml.Node, len(ss))
	for i, s := range ss {
		items[i] = strNode(s)
	}
	return seqNode(flow, items...)
}

// mapNode builds a mapping from key, value pairs, leaving out nil values.
func mapNode(flow bool, pairs ...any) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	if flow {
		n.Style = yaml.FlowStyle
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		if v, _ := pairs[i+1].(*yaml.Node); v != nil {
			n.Content = append(n.Content, strNode(pairs[i].(string)), v)
		}
	}
	return n
}

// optStr and optStrs give nil for empty values, which mapNode leaves out.
func optStr(s string) *yaml.Node {
	if s == "" {
		return nil
	}
	return strNode(s)
}

func optStrs(flow bool, ss []string) *yaml.Node {
	if len(ss) == 0 {
		return nil
	}
	return strsNode(flow, ss)
}

func checkNode(ch Check) *yaml.Node {
	return mapNode(true, "run", strsNode(true, ch.Run), "expect", mapNode(true, "exit", intNode(ch.Expect.Exit)), "timeoutSec", intNode(ch.TimeoutSec))
}

func criteriaNode(cs []Criterion) *yaml.Node {
	if len(cs) == 0 {
		return nil
	}
	items := make([]*yaml.Node, len(cs))
	for i, cr := range cs {
		var ch *yaml.Node
		if cr.Check != nil {
			ch = checkNode(*cr.Check)
		}
		items[i] = mapNode(false, "id", strNode(cr.ID), "ears", optStr(cr.EARS), "check", ch)
	}
	return seqNode(false, items...)
}

func holdoutsNode(hs []Holdout) *yaml.Node {
	items := make([]*yaml.Node, len(hs))
	for i, h := range hs {
		var files *yaml.Node
		if len(h.Files) > 0 {
			fs := make([]*yaml.Node, len(h.Files))
			for j, f := range h.Files {
				fs[j] = mapNode(false, "path", strNode(f.Path), "content", strNode(f.Content))
			}
			files = seqNode(false, fs...)
		}
		items[i] = mapNode(false, "id", strNode(h.ID), "ears", strNode(h.EARS), "files", files, "check", checkNode(h.Check))
	}
	return seqNode(false, items...)
}

func contractNode(c *Contract) *yaml.Node {
	var risk, bug, scope, holdouts, commitment, maxFiles *yaml.Node
	if c.Risk != "" {
		risk = strNode(string(c.Risk))
	}
	if c.Bug.Current != "" || c.Bug.Expected != "" || len(c.Bug.Unchanged) > 0 {
		bug = mapNode(false, "current", optStr(c.Bug.Current), "expected", optStr(c.Bug.Expected), "unchanged", optStrs(false, c.Bug.Unchanged))
	}
	if c.Scope.MaxFiles != 0 {
		maxFiles = intNode(c.Scope.MaxFiles)
	}
	if len(c.Scope.Allow) > 0 || len(c.Scope.Deny) > 0 || maxFiles != nil {
		scope = mapNode(false, "allow", optStrs(true, c.Scope.Allow), "deny", optStrs(true, c.Scope.Deny), "maxFiles", maxFiles)
	}
	if len(c.Holdouts) > 0 {
		holdouts = holdoutsNode(c.Holdouts)
	}
	if hc := c.HoldoutCommitment; hc != nil {
		commitment = mapNode(false, "count", intNode(hc.Count), "sha256", strNode(hc.SHA256))
	}
	return mapNode(false,
		"apiVersion", strNode(c.APIVersion),
		"id", strNode(c.ID),
		"title", strNode(c.Title),
		"kind", strNode(string(c.Kind)),
		"risk", risk,
		"intent", strNode(c.Intent),
		"bug", bug,
		"scope", scope,
		"nonGoals", optStrs(false, c.NonGoals),
		"repro", criteriaNode(c.Repro),
		"acceptance", criteriaNode(c.Acceptance),
		"holdouts", holdouts,
		"holdoutSalt", optStr(c.HoldoutSalt),
		"holdoutCommitment", commitment,
		"disclosure", mapNode(false, "holdouts", strNode(c.Disclosure.Holdouts)),
	)
}

func holdoutsFileNode(h *HoldoutsFile) *yaml.Node {
	return mapNode(false,
		"apiVersion", strNode(h.APIVersion),
		"contract", strNode(h.Contract),
		"salt", strNode(h.Salt),
		"holdouts", holdoutsNode(h.Holdouts),
	)
}

// style writes multi-line prose as literal blocks where a literal block
// keeps every byte, and double-quotes (with escapes) what it cannot;
// quoteAll double-quotes every string and drops flow style.
func style(n *yaml.Node, inFlow, quoteAll bool) {
	if quoteAll {
		n.Style &^= yaml.FlowStyle
	} else if n.Style&yaml.FlowStyle != 0 {
		inFlow = true
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!str" {
		switch {
		case quoteAll:
			n.Style = yaml.DoubleQuotedStyle
		case strings.Contains(n.Value, "\n") && !inFlow && literalSafe(n.Value):
			n.Style = yaml.LiteralStyle
		case strings.Contains(n.Value, "\n") || !printable(n.Value):
			n.Style = yaml.DoubleQuotedStyle
		}
		return
	}
	for _, c := range n.Content {
		style(c, inFlow, quoteAll)
	}
}

// literalSafe reports whether a literal block scalar (|) keeps s exactly:
// printable text with some content, not starting with white space or a
// line break (those need indentation indicators), no carriage returns.
func literalSafe(s string) bool {
	return strings.Trim(s, "\n") != "" && printable(s) &&
		!strings.HasPrefix(s, " ") && !strings.HasPrefix(s, "\t") && !strings.HasPrefix(s, "\n") &&
		!strings.Contains(s, " \n") && !strings.Contains(s, "\t\n")
}

// printable reports whether s has only characters YAML writes as they
// are: no controls other than tab and line feed, no BOM, no Unicode line
// or paragraph separators.
func printable(s string) bool {
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n':
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f):
			return false
		case r == 0xfeff || r == 0x2028 || r == 0x2029 || r == 0xfffe || r == 0xffff:
			return false
		}
	}
	return true
}
