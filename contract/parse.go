package contract

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/git-proof/git-proof/internal/lazyre"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Parse reads a contract strictly and validates it; file names the source
// in errors, which are *Error and say how to fix the problem. Strict means:
// one YAML document of at most MaxBytes; known keys only, each once; no
// anchors, aliases, merge keys or custom tags (a hashed document must say
// everything in plain sight); values of the right type (quote a string
// that looks like a number); then the checks of Validate.
func Parse(data []byte, file string) (*Contract, error) {
	doc, err := parseDocument(data, file, "apiVersion: "+APIVersion)
	if err != nil {
		return nil, err
	}
	if v, line := apiVersionOf(doc); v == HoldoutsAPIVersion {
		return nil, &Error{File: file, Line: line, Msg: "this is a holdouts file, not a contract; pass it as the holdouts of a redacted contract"}
	}
	d := &decoder{file: file, lines: map[string]int{"": doc.Line}}
	c, err := d.contract(doc)
	if err != nil {
		return nil, err
	}
	if err := validate(c, file, d.lines); err != nil {
		return nil, err
	}
	return c, nil
}

// ParseHoldouts reads a holdouts file as strictly as Parse reads a
// contract, and validates it.
func ParseHoldouts(data []byte, file string) (*HoldoutsFile, error) {
	doc, err := parseDocument(data, file, "apiVersion: "+HoldoutsAPIVersion)
	if err != nil {
		return nil, err
	}
	if v, line := apiVersionOf(doc); v == APIVersion {
		return nil, &Error{File: file, Line: line, Msg: "this is a contract, not a holdouts file; pass the holdouts file written by git proof contract redact"}
	}
	d := &decoder{file: file, lines: map[string]int{"": doc.Line}}
	h, err := d.holdoutsFile(doc)
	if err != nil {
		return nil, err
	}
	if err := validateHoldoutsFile(h, file, d.lines); err != nil {
		return nil, err
	}
	return h, nil
}

var (
	yamlLineRE      = lazyre.New(`^(?:yaml: )?line (\d+): (.*)$`)
	parserProblemRE = lazyre.New(`^(did not find expected|found undefined tag handle|found duplicate %|found incompatible YAML)`)
)

// parseDocument returns the one mapping a file must hold, after the checks
// that apply to every node. first is the line a file should start with.
func parseDocument(data []byte, file, first string) (*yaml.Node, error) {
	if len(data) > MaxBytes {
		return nil, &Error{File: file, Msg: fmt.Sprintf("the file is %d bytes, over the limit of %d; keep large test sources in the repository and run them from a check", len(data), MaxBytes)}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var root yaml.Node
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &Error{File: file, Msg: "the file is empty; start it with " + first}
		}
		return nil, yamlError(file, err)
	}
	var next yaml.Node
	if err := dec.Decode(&next); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, yamlError(file, err)
		}
		return nil, &Error{File: file, Line: next.Line, Msg: "a second YAML document starts here; a file holds one document, so remove the '---' and what follows"}
	}
	if len(root.Content) != 1 {
		return nil, &Error{File: file, Line: root.Line, Msg: "the file holds no document; start it with " + first}
	}
	doc := root.Content[0]
	if err := checkNodes(doc, file); err != nil {
		return nil, err
	}
	if doc.Kind == yaml.ScalarNode && doc.Tag == "!!null" {
		return nil, &Error{File: file, Line: doc.Line, Msg: "the document is empty; start it with " + first}
	}
	if doc.Kind != yaml.MappingNode {
		return nil, &Error{File: file, Line: doc.Line, Msg: "the document must be a mapping of keys to values; start it with " + first}
	}
	return doc, nil
}

// apiVersionOf finds the apiVersion of a document before it is decoded,
// so that a contract passed as a holdouts file (or the reverse) is named
// as such rather than as a list of unknown keys.
func apiVersionOf(doc *yaml.Node) (version string, line int) {
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if k, v := doc.Content[i], doc.Content[i+1]; k.Value == "apiVersion" && v.Kind == yaml.ScalarNode {
			return v.Value, v.Line
		}
	}
	return "", 0
}

// yamlError turns a yaml.v3 syntax or type error into an *Error.
func yamlError(file string, err error) error {
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	line := 0
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
		// yaml.v3 numbers lines from 0 in parser errors (not in scanner
		// errors); the parser's problems are these.
		if parserProblemRE.MatchString(msg) {
			line++
		}
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	return &Error{File: file, Line: line, Err: err,
		Msg: "YAML syntax: " + msg + "; check indentation and quote values that contain ': ' or start with a special character"}
}

// Standard tags a file may spell out; others (custom tags, !!binary,
// !!timestamp…) would change how a value is read behind the reader's back.
var plainTags = map[string]bool{"!!str": true, "!!int": true, "!!bool": true, "!!float": true, "!!null": true, "!!map": true, "!!seq": true}

// checkNodes rejects, anywhere in the tree, what a contract must not use:
// anchors, aliases, merge keys, custom tags, non-string or repeated keys,
// text that is not UTF-8 or hides bidirectional controls.
func checkNodes(n *yaml.Node, file string) error {
	bad := func(n *yaml.Node, format string, a ...any) error {
		return &Error{File: file, Line: n.Line, Msg: fmt.Sprintf(format, a...)}
	}
	switch {
	case n.Kind == yaml.AliasNode:
		return bad(n, "alias *%s is not allowed; write the value out, so what is hashed is what is read", n.Value)
	case n.Anchor != "":
		return bad(n, "anchor &%s is not allowed; remove it and write values out where they are used", n.Anchor)
	case n.Tag == "!!merge":
		return bad(n, "merge key << is not allowed; write the keys out")
	case n.Style&yaml.TaggedStyle != 0 && !plainTags[n.Tag]:
		return bad(n, "tag %s is not allowed; remove it (quote a value to make it a string)", n.Tag)
	}
	if n.Kind == yaml.ScalarNode {
		if !utf8.ValidString(n.Value) {
			return bad(n, "the text is not valid UTF-8; save the file as UTF-8")
		}
		if r, ok := bidiControl(n.Value); ok {
			return bad(n, "the text holds the invisible bidirectional control U+%04X, which can make it read differently than it runs; remove it", r)
		}
	}
	if n.Kind == yaml.MappingNode {
		seen := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode || (k.Tag != "!!str" && k.Tag != "!!merge") {
				return bad(k, "a key must be a plain string; write it as name: value")
			}
			if first, dup := seen[k.Value]; dup {
				return bad(k, "key %q is repeated (first at line %d); keep one", k.Value, first)
			}
			seen[k.Value] = k.Line
		}
	}
	for _, c := range n.Content {
		if err := checkNodes(c, file); err != nil {
			return err
		}
	}
	return nil
}

// bidiControl finds a Unicode bidirectional control character (the
// "Trojan Source" characters) in s.
func bidiControl(s string) (rune, bool) {
	for _, r := range s {
		switch {
		case r == 0x061C, r == 0x200E, r == 0x200F, r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
			return r, true
		}
	}
	return 0, false
}

// decoder turns checked nodes into typed values, recording the line of
// every path (e.g. "acceptance[0].check.run") for validate's errors.
type decoder struct {
	file  string
	lines map[string]int
}

func (d *decoder) errf(n *yaml.Node, format string, a ...any) error {
	return &Error{File: d.file, Line: n.Line, Msg: fmt.Sprintf(format, a...)}
}

// object is a mapping whose keys have been checked against a known list.
type object struct {
	d    *decoder
	path string
	vals map[string]*yaml.Node
}

// object checks that n is a mapping with only known keys.
func (d *decoder) object(n *yaml.Node, path string, known ...string) (*object, error) {
	if n.Kind != yaml.MappingNode {
		return nil, d.errf(n, "%s must be a mapping; write it as key: value lines with the keys %s", describe(path), strings.Join(known, ", "))
	}
	o := &object{d: d, path: path, vals: map[string]*yaml.Node{}}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !contains(known, k.Value) {
			hint := ""
			if s := closest(k.Value, known); s != "" {
				hint = fmt.Sprintf("did you mean %q? ", s)
			}
			return nil, d.errf(k, "unknown key %q in %s; %sthe keys are %s", k.Value, describe(path), hint, strings.Join(known, ", "))
		}
		if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
			return nil, d.errf(k, "%s has no value; give one or remove the key", join(path, k.Value))
		}
		o.vals[k.Value] = v
		d.lines[join(path, k.Value)] = k.Line
	}
	return o, nil
}

func describe(path string) string {
	if path == "" {
		return "the document"
	}
	return path
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// str reads an optional string; present strings must not be blank, so
// that "absent" and "empty" never mean two different things.
func (o *object) str(key string, dst *string) error {
	n, ok := o.vals[key]
	if !ok {
		return nil
	}
	s, err := o.d.scalar(n, join(o.path, key))
	if err != nil {
		return err
	}
	if strings.TrimSpace(s) == "" {
		return o.d.errf(n, "%s is empty; write it or remove the key", join(o.path, key))
	}
	*dst = s
	return nil
}

// rawStr reads an optional string that may be empty (file content).
func (o *object) rawStr(key string, dst *string) error {
	n, ok := o.vals[key]
	if !ok {
		return nil
	}
	s, err := o.d.scalar(n, join(o.path, key))
	*dst = s
	return err
}

// scalar reads a string value; other scalar types are refused rather than
// converted, so that 1.10 does not silently become "1.1".
func (d *decoder) scalar(n *yaml.Node, path string) (string, error) {
	if n.Kind != yaml.ScalarNode {
		return "", d.errf(n, "%s must be a string, not a %s; write it on one line or as a block (|)", path, kindName(n))
	}
	if n.Tag != "!!str" {
		return "", d.errf(n, "%s must be a string, but %s reads as %s; quote it: %q", path, n.Value, strings.TrimPrefix(n.Tag, "!!"), n.Value)
	}
	return n.Value, nil
}

// int reads an optional integer.
func (o *object) int(key string, dst *int) error {
	n, ok := o.vals[key]
	if !ok {
		return nil
	}
	path := join(o.path, key)
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
		return o.d.errf(n, "%s must be a whole number; write e.g. %s: 1", path, key)
	}
	var v int64
	if err := n.Decode(&v); err != nil || v < -1<<31 || v > 1<<31-1 {
		return o.d.errf(n, "%s: %s is not a number in range; give a small whole number", path, n.Value)
	}
	*dst = int(v)
	return nil
}

// seq reads an optional sequence, recording each item's line.
func (o *object) seq(key string) ([]*yaml.Node, error) {
	n, ok := o.vals[key]
	if !ok {
		return nil, nil
	}
	path := join(o.path, key)
	if n.Kind != yaml.SequenceNode {
		return nil, o.d.errf(n, "%s must be a list, not a %s; write items on lines starting with '- ', or as [a, b]", path, kindName(n))
	}
	for i, it := range n.Content {
		o.d.lines[fmt.Sprintf("%s[%d]", path, i)] = it.Line
	}
	return n.Content, nil
}

// strs reads an optional list of non-blank strings.
func (o *object) strs(key string, dst *[]string) error {
	items, err := o.seq(key)
	if err != nil {
		return err
	}
	var out []string
	for i, it := range items {
		path := fmt.Sprintf("%s[%d]", join(o.path, key), i)
		s, err := o.d.scalar(it, path)
		if err != nil {
			return err
		}
		if strings.TrimSpace(s) == "" {
			return o.d.errf(it, "%s is empty; write it or remove the item", path)
		}
		out = append(out, s)
	}
	*dst = out
	return nil
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	}
	return strings.TrimPrefix(n.Tag, "!!")
}

// Keys of each mapping, in the order the format lists them.
var (
	contractKeys   = []string{"apiVersion", "id", "title", "kind", "risk", "intent", "bug", "scope", "nonGoals", "repro", "acceptance", "holdouts", "holdoutSalt", "holdoutCommitment", "disclosure"}
	bugKeys        = []string{"current", "expected", "unchanged"}
	scopeKeys      = []string{"allow", "deny", "maxFiles"}
	criterionKeys  = []string{"id", "ears", "check"}
	holdoutKeys    = []string{"id", "ears", "files", "check"}
	fileKeys       = []string{"path", "content"}
	checkKeys      = []string{"run", "expect", "timeoutSec"}
	expectKeys     = []string{"exit"}
	commitmentKeys = []string{"count", "sha256"}
	disclosureKeys = []string{"holdouts"}
	holdoutsKeys   = []string{"apiVersion", "contract", "salt", "holdouts"}
)

func (d *decoder) contract(n *yaml.Node) (*Contract, error) {
	o, err := d.object(n, "", contractKeys...)
	if err != nil {
		return nil, err
	}
	c := &Contract{}
	var kind, risk string
	for _, f := range []struct {
		key string
		dst *string
	}{{"apiVersion", &c.APIVersion}, {"id", &c.ID}, {"title", &c.Title}, {"kind", &kind}, {"risk", &risk}, {"intent", &c.Intent}, {"holdoutSalt", &c.HoldoutSalt}} {
		if err := o.str(f.key, f.dst); err != nil {
			return nil, err
		}
	}
	c.Kind, c.Risk = Kind(kind), Risk(risk)
	if err := o.strs("nonGoals", &c.NonGoals); err != nil {
		return nil, err
	}
	if v, ok := o.vals["bug"]; ok {
		b, err := d.object(v, "bug", bugKeys...)
		if err != nil {
			return nil, err
		}
		if err := firstErr(b.str("current", &c.Bug.Current), b.str("expected", &c.Bug.Expected), b.strs("unchanged", &c.Bug.Unchanged)); err != nil {
			return nil, err
		}
	}
	if v, ok := o.vals["scope"]; ok {
		s, err := d.object(v, "scope", scopeKeys...)
		if err != nil {
			return nil, err
		}
		maxFiles := 0
		if err := firstErr(s.strs("allow", &c.Scope.Allow), s.strs("deny", &c.Scope.Deny), s.int("maxFiles", &maxFiles)); err != nil {
			return nil, err
		}
		if _, ok := s.vals["maxFiles"]; ok && maxFiles < 1 {
			return nil, d.errf(s.vals["maxFiles"], "scope.maxFiles is %d; give 1 or more, or remove it for no bound", maxFiles)
		}
		c.Scope.MaxFiles = maxFiles
	}
	if c.Repro, err = d.criteria(o, "repro"); err != nil {
		return nil, err
	}
	if c.Acceptance, err = d.criteria(o, "acceptance"); err != nil {
		return nil, err
	}
	if c.Holdouts, err = d.holdouts(o, "holdouts"); err != nil {
		return nil, err
	}
	if v, ok := o.vals["holdoutCommitment"]; ok {
		h, err := d.object(v, "holdoutCommitment", commitmentKeys...)
		if err != nil {
			return nil, err
		}
		c.HoldoutCommitment = &Commitment{}
		if err := firstErr(h.int("count", &c.HoldoutCommitment.Count), h.str("sha256", &c.HoldoutCommitment.SHA256)); err != nil {
			return nil, err
		}
	}
	c.Disclosure.Holdouts = DiscloseAfterRun
	if v, ok := o.vals["disclosure"]; ok {
		s, err := d.object(v, "disclosure", disclosureKeys...)
		if err != nil {
			return nil, err
		}
		if err := s.str("holdouts", &c.Disclosure.Holdouts); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func (d *decoder) criteria(o *object, key string) ([]Criterion, error) {
	items, err := o.seq(key)
	if err != nil {
		return nil, err
	}
	var out []Criterion
	for i, it := range items {
		path := fmt.Sprintf("%s[%d]", key, i)
		co, err := d.object(it, path, criterionKeys...)
		if err != nil {
			return nil, err
		}
		var cr Criterion
		if err := firstErr(co.str("id", &cr.ID), co.str("ears", &cr.EARS)); err != nil {
			return nil, err
		}
		if v, ok := co.vals["check"]; ok {
			ch, err := d.check(v, path+".check")
			if err != nil {
				return nil, err
			}
			cr.Check = &ch
		}
		out = append(out, cr)
	}
	return out, nil
}

func (d *decoder) holdouts(o *object, key string) ([]Holdout, error) {
	items, err := o.seq(key)
	if err != nil {
		return nil, err
	}
	var out []Holdout
	for i, it := range items {
		path := fmt.Sprintf("%s[%d]", key, i)
		ho, err := d.object(it, path, holdoutKeys...)
		if err != nil {
			return nil, err
		}
		var h Holdout
		if err := firstErr(ho.str("id", &h.ID), ho.str("ears", &h.EARS)); err != nil {
			return nil, err
		}
		files, err := ho.seq("files")
		if err != nil {
			return nil, err
		}
		for j, fn := range files {
			fpath := fmt.Sprintf("%s.files[%d]", path, j)
			fo, err := d.object(fn, fpath, fileKeys...)
			if err != nil {
				return nil, err
			}
			var f File
			if err := firstErr(fo.str("path", &f.Path), fo.rawStr("content", &f.Content)); err != nil {
				return nil, err
			}
			if _, ok := fo.vals["content"]; !ok {
				return nil, d.errf(fn, "%s has no content; add content: | followed by the file's text", fpath)
			}
			h.Files = append(h.Files, f)
		}
		if v, ok := ho.vals["check"]; ok {
			if h.Check, err = d.check(v, path+".check"); err != nil {
				return nil, err
			}
		}
		out = append(out, h)
	}
	return out, nil
}

// check reads a check and fills in its defaults.
func (d *decoder) check(n *yaml.Node, path string) (Check, error) {
	ch := Check{TimeoutSec: DefaultTimeoutSec}
	o, err := d.object(n, path, checkKeys...)
	if err != nil {
		return ch, err
	}
	if v, ok := o.vals["run"]; ok && v.Kind == yaml.ScalarNode {
		return ch, d.errf(v, "%s.run must be a list of arguments, as it runs without a shell; write e.g. run: [go, test, ./...]", path)
	}
	items, err := o.seq("run")
	if err != nil {
		return ch, err
	}
	ch.Run = []string{}
	for i, it := range items {
		s, err := d.scalar(it, fmt.Sprintf("%s.run[%d]", path, i))
		if err != nil {
			return ch, err
		}
		ch.Run = append(ch.Run, s)
	}
	if err := o.int("timeoutSec", &ch.TimeoutSec); err != nil {
		return ch, err
	}
	if v, ok := o.vals["expect"]; ok {
		e, err := d.object(v, path+".expect", expectKeys...)
		if err != nil {
			return ch, err
		}
		if err := e.int("exit", &ch.Expect.Exit); err != nil {
			return ch, err
		}
	}
	return ch, nil
}

func (d *decoder) holdoutsFile(n *yaml.Node) (*HoldoutsFile, error) {
	o, err := d.object(n, "", holdoutsKeys...)
	if err != nil {
		return nil, err
	}
	h := &HoldoutsFile{}
	if err := firstErr(o.str("apiVersion", &h.APIVersion), o.str("contract", &h.Contract), o.str("salt", &h.Salt)); err != nil {
		return nil, err
	}
	if _, ok := o.vals["holdouts"]; !ok && h.APIVersion == HoldoutsAPIVersion {
		return nil, &Error{File: d.file, Line: n.Line, Msg: "missing key holdouts; add holdouts: [] when there are none"}
	}
	if h.Holdouts, err = d.holdouts(o, "holdouts"); err != nil {
		return nil, err
	}
	return h, nil
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// closest suggests the known key a misspelt key was probably meant to be.
func closest(s string, known []string) string {
	best, bestD := "", 3 // suggest only close matches
	for _, k := range known {
		if dist := editDistance(strings.ToLower(s), strings.ToLower(k)); dist < bestD {
			best, bestD = k, dist
		}
	}
	return best
}

// editDistance is the Levenshtein distance, cut off for long strings
// because only short keys are worth a suggestion.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 1 << 30
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
