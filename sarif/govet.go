package sarif

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// FromGoVet converts the output of go vet into findings, as if vet had
// written SARIF. tool names the tool in the findings ("go vet" when empty);
// root is the directory vet ran in: positions are relative to it in text
// output and absolute in -json output, and both become repository-relative.
//
// Both of vet's output forms are read, mixed as they come when stdout and
// stderr are captured together:
//
//   - text (stderr): "file:line:col: message" and "file:line: message".
//     The rule id is "vet", or the analyzer or linter name when the message
//     ends in one in parentheses ("… (printf)", "… (SA4006)", as
//     golangci-lint's and staticcheck's text output put it). "vet: " before a
//     position marks a type-checking error; its rule id is "typecheck", so a
//     change that stops a package compiling shows as a new error. Lines that
//     start with white space continue the previous message; "# package"
//     headers, source context lines of -c (a line number and a tab) and any
//     other line are skipped.
//   - JSON (-json, stdout): objects {"package": {"analyzer": [diagnostic…]}}.
//     The rule id is the analyzer's name; an analyzer's {"error": "…"}
//     becomes an error-level finding without a location.
//
// Text findings are errors (vet fails on them); JSON ones too. Errors wrap
// ErrLimit (too large) or ErrNotSARIF (a JSON object that does not decode)
// inside a *ParseError naming the line.
func FromGoVet(r io.Reader, tool, root string) ([]Finding, error) {
	if tool == "" {
		tool = "go vet"
	}
	data, err := readLimited(r)
	if err != nil {
		return nil, err
	}
	p := vetParser{tool: tool, root: root, data: data}
	if err := p.parse(); err != nil {
		return nil, err
	}
	for i := range p.out {
		p.out[i].Message = truncateMessage(p.out[i].Message)
		p.out[i].Identify("", nil)
	}
	return p.out, nil
}

type vetParser struct {
	tool, root string
	data       []byte
	out        []Finding
	// open is the index of the finding that continuation lines extend, or -1.
	open int
}

func (p *vetParser) parse() error {
	p.open = -1
	for off := 0; off < len(p.data); {
		line := p.data[off:]
		if nl := bytes.IndexByte(line, '\n'); nl >= 0 {
			line = line[:nl+1]
		}
		if len(line) > MaxLineBytes {
			return errAt(lineCol(p.data, off), ErrLimit, "line longer than %d bytes", MaxLineBytes)
		}
		if bytes.HasPrefix(bytes.TrimLeft(line, " \t"), []byte("{")) {
			n, err := p.jsonObject(off)
			if err != nil {
				return err
			}
			off += n
			p.open = -1
			continue
		}
		if err := p.textLine(string(bytes.TrimRight(line, "\r\n"))); err != nil {
			return &ParseError{Where: lineCol(p.data, off), Err: err}
		}
		off += len(line)
	}
	return nil
}

func (p *vetParser) add(f Finding) error {
	if len(p.out) >= MaxFindings {
		return fmt.Errorf("%w: more than %d findings", ErrLimit, MaxFindings)
	}
	p.out = append(p.out, f)
	p.open = len(p.out) - 1
	return nil
}

func (p *vetParser) textLine(line string) error {
	switch {
	case strings.TrimSpace(line) == "":
		p.open = -1
		return nil
	case strings.HasPrefix(line, "#"):
		p.open = -1
		return nil
	case line[0] == ' ' || line[0] == '\t':
		if p.open >= 0 && len(p.out[p.open].Message) < MaxMessageBytes {
			p.out[p.open].Message += "\n" + strings.TrimSpace(line)
		}
		return nil
	case isContextLine(line):
		return nil
	}
	rule := "vet"
	rest, typecheck := strings.CutPrefix(line, "vet: ")
	if typecheck {
		rule = "typecheck"
	}
	file, start, msg, ok := cutPosition(rest)
	if !ok {
		p.open = -1
		return nil
	}
	if !typecheck {
		if name, m, ok := cutTrailingName(msg); ok {
			rule, msg = name, m
		}
	}
	return p.add(p.finding(rule, file, start, msg))
}

func (p *vetParser) finding(rule, file string, line int, msg string) Finding {
	f := Finding{Tool: p.tool, RuleID: rule, Level: LevelError, Message: strings.ToValidUTF8(msg, "\uFFFD")}
	if file != "" {
		f.File = strings.ToValidUTF8(cleanPath(filepath.ToSlash(file), p.root), "\uFFFD")
		f.StartLine, f.EndLine = line, line
	}
	return f
}

// isContextLine reports a source line printed by go vet -c=N: digits, a tab.
func isContextLine(line string) bool {
	i := digitsRun(line, 0)
	return i > 0 && i < len(line) && line[i] == '\t'
}

// cutPosition splits "file:line:col: message" or "file:line: message". The
// file is everything up to the first ":<digits>" followed by ": " or
// ":<digits>: ", so Windows drive letters ("C:\x.go:3:4: m") survive.
func cutPosition(s string) (file string, line int, msg string, ok bool) {
	if strings.HasPrefix(s, ":") {
		return "", 0, "", false
	}
	for i := 1; i < len(s); i++ {
		if s[i] != ':' {
			continue
		}
		j := digitsRun(s, i+1)
		if j == i+1 || j-i-1 > 9 {
			continue
		}
		n, _ := strconv.Atoi(s[i+1 : j])
		k := j
		if k < len(s) && s[k] == ':' {
			if c := digitsRun(s, k+1); c > k+1 && c-k-1 <= 9 {
				k = c
			}
		}
		if m, found := strings.CutPrefix(s[k:], ": "); found {
			return s[:i], n, m, true
		}
	}
	return "", 0, "", false
}

// cutTrailingName splits "message (name)" when name is an identifier-like
// word (letters, digits, '_', '-', at most 64 bytes, starting with a letter).
func cutTrailingName(msg string) (name, rest string, ok bool) {
	if !strings.HasSuffix(msg, ")") {
		return "", msg, false
	}
	open := strings.LastIndex(msg, " (")
	if open <= 0 {
		return "", msg, false
	}
	name = msg[open+2 : len(msg)-1]
	if name == "" || len(name) > 64 || !(name[0] >= 'a' && name[0] <= 'z' || name[0] >= 'A' && name[0] <= 'Z') {
		return "", msg, false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !isWordByte(c) && c != '-' {
			return "", msg, false
		}
	}
	return name, msg[:open], true
}

// vetDiagnostic is one entry of go vet -json (x/tools analysisflags).
type vetDiagnostic struct {
	Posn    string `json:"posn"`
	Message string `json:"message"`
}

// jsonObject decodes the go vet -json object starting at data[off:] and
// returns how many bytes it took.
func (p *vetParser) jsonObject(off int) (int, error) {
	dec := json.NewDecoder(bytes.NewReader(p.data[off:]))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return 0, errAt(lineCol(p.data, off), ErrNotSARIF, "go vet -json object: %v", err)
	}
	if err := checkShape(raw); err != nil {
		return 0, errAt(lineCol(p.data, off), ErrLimit, "go vet -json object: %v", err)
	}
	var pkgs map[string]map[string]json.RawMessage
	if err := json.Unmarshal(raw, &pkgs); err != nil {
		return 0, errAt(lineCol(p.data, off), ErrNotSARIF, "go vet -json object: want {package: {analyzer: …}}: %v", err)
	}
	for _, pkg := range sortedKeys(pkgs) {
		for _, key := range sortedKeys(pkgs[pkg]) {
			v := pkgs[pkg][key]
			analyzer := key
			if analyzer == "" {
				analyzer = "vet"
			}
			if len(analyzer) > MaxIDBytes {
				return 0, errAt(lineCol(p.data, off), ErrLimit, "go vet -json analyzer name longer than %d bytes", MaxIDBytes)
			}
			var diags []vetDiagnostic
			if err := json.Unmarshal(v, &diags); err != nil {
				var failed struct {
					Error string `json:"error"`
				}
				if err2 := json.Unmarshal(v, &failed); err2 != nil || failed.Error == "" {
					return 0, errAt(lineCol(p.data, off), ErrNotSARIF, "go vet -json %s.%s: want a list of diagnostics or an error: %v", pkg, analyzer, err)
				}
				if err := p.add(p.finding(analyzer, "", 0, failed.Error)); err != nil {
					return 0, &ParseError{Where: lineCol(p.data, off), Err: err}
				}
				continue
			}
			for _, d := range diags {
				file, line, _, ok := cutPosition(d.Posn + ": ")
				if !ok {
					file, line = "", 0
				}
				if err := p.add(p.finding(analyzer, file, line, d.Message)); err != nil {
					return 0, &ParseError{Where: lineCol(p.data, off), Err: err}
				}
			}
		}
	}
	return int(dec.InputOffset()), nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
