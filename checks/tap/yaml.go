package tap

import (
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// yamlBlock is a YAML diagnostic block being read: the lines between "---"
// and "...", indented two spaces past their test point.
type yamlBlock struct {
	indent int
	pt     *point
	lines  []string
	size   int
	full   bool // past MaxYAMLBytes: the rest is skipped
}

// yamlLine reads a line inside a YAML block. It says true when the line is
// not part of the block (the block was not closed) and must be read as TAP.
func (p *parser) yamlLine(s string) bool {
	y := p.yaml
	ind := len(s) - len(strings.TrimLeft(s, " "))
	rest := strings.TrimRight(s[ind:], " \t")
	switch {
	case rest == "":
		y.add("")
		return false
	case ind < y.indent:
		p.endYAML()
		return true
	case ind == y.indent && rest == "...":
		p.endYAML()
		return false
	}
	y.add(s[y.indent:])
	return false
}

func (y *yamlBlock) add(l string) {
	if y.full || y.size+len(l)+1 > MaxYAMLBytes {
		y.full = true
		return
	}
	y.lines = append(y.lines, l)
	y.size += len(l) + 1
}

// endYAML takes what the test point needs from the block: node's
// duration_ms, and for a failure the message (the message key, else
// node's error key).
func (p *parser) endYAML() {
	y := p.yaml
	p.yaml = nil
	hasMsg := false
	for _, l := range y.lines {
		if v, ok := strings.CutPrefix(l, "duration_ms:"); ok {
			if ms, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && ms > 0 && ms < 1e12 {
				y.pt.dur = time.Duration(ms * float64(time.Millisecond))
			}
		}
		hasMsg = hasMsg || strings.HasPrefix(l, "message:") || strings.HasPrefix(l, "error:")
	}
	if hasMsg && y.pt.status == StatusFail && !y.full {
		y.pt.msg = yamlMessage(strings.Join(y.lines, "\n"))
	}
}

// yamlMessage returns the message key of a YAML mapping, else its error
// key, when it is a scalar; "" for anything else, YAML that does not parse
// included. The document is read as nodes, so aliases are not expanded.
func yamlMessage(doc string) (msg string) {
	defer func() {
		if recover() != nil {
			msg = "" // a diagnostic is never worth a crash
		}
	}()
	var n yaml.Node
	if yaml.Unmarshal([]byte(doc), &n) != nil || n.Kind != yaml.DocumentNode || len(n.Content) == 0 {
		return ""
	}
	m := n.Content[0]
	if m.Kind != yaml.MappingNode {
		return ""
	}
	var errMsg string
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if v.Kind != yaml.ScalarNode {
			continue
		}
		switch k.Value {
		case "message":
			return v.Value
		case "error":
			errMsg = v.Value
		}
	}
	return errMsg
}
