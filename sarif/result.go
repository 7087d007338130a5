package sarif

import (
	"encoding/json"
	"fmt"
)

// runParser holds what the results of one run are resolved against.
type runParser struct {
	run  *run
	root string
	tool string
	byID map[*toolComponent]map[string]*rule
}

// component finds the tool component a result's rule lives in: an extension
// named by rule.toolComponent (by index, else by name), else the driver.
func (p *runParser) component(ref *toolComponentRef) *toolComponent {
	t := &p.run.Tool
	if ref != nil {
		if ref.Index != nil && *ref.Index >= 0 && *ref.Index < len(t.Extensions) {
			return &t.Extensions[*ref.Index]
		}
		for i := range t.Extensions {
			if e := &t.Extensions[i]; ref.Name != "" && e.Name != nil && *e.Name == ref.Name {
				return e
			}
		}
	}
	return t.Driver
}

// lookup finds a rule by index (when in range and consistent with id), else
// by id.
func (p *runParser) lookup(c *toolComponent, index *int, id string) *rule {
	if index != nil && *index >= 0 && *index < len(c.Rules) {
		if r := &c.Rules[*index]; id == "" || r.ID == id {
			return r
		}
	}
	if id == "" {
		return nil
	}
	if p.byID == nil {
		p.byID = map[*toolComponent]map[string]*rule{}
	}
	m, ok := p.byID[c]
	if !ok {
		m = make(map[string]*rule, len(c.Rules))
		for i := range c.Rules {
			if _, dup := m[c.Rules[i].ID]; !dup {
				m[c.Rules[i].ID] = &c.Rules[i]
			}
		}
		p.byID[c] = m
	}
	return m[id]
}

// result turns one SARIF result into a Finding; keep is false for results
// that are not findings (kind pass or notApplicable).
func (p *runParser) result(where string, raw json.RawMessage) (f Finding, keep bool, err error) {
	var res result
	if err := json.Unmarshal(raw, &res); err != nil {
		return f, false, jsonError(where, raw, err)
	}
	switch res.Kind {
	case "pass", "notApplicable":
		return f, false, nil
	case "", "fail", "open", "review", "informational":
	default:
		return f, false, errAt(where+".kind", ErrInvalid, "%q is not a SARIF result kind", truncateMessage(res.Kind))
	}

	// The rule: ruleId, else rule.id, else the id of the rule ruleIndex names.
	var ruleID string
	switch {
	case res.RuleID != nil:
		ruleID = *res.RuleID
	case res.Rule != nil && res.Rule.ID != nil:
		ruleID = *res.Rule.ID
	}
	var comp *toolComponent
	index := res.RuleIndex
	if res.Rule != nil {
		comp = p.component(res.Rule.ToolComponent)
		if res.Rule.Index != nil {
			index = res.Rule.Index
		}
	} else {
		comp = p.component(nil)
	}
	rl := p.lookup(comp, index, ruleID)
	if ruleID == "" && rl != nil {
		ruleID = rl.ID
	}
	if ruleID == "" {
		return f, false, errAt(where, ErrInvalid, "no rule id: neither ruleId, rule.id nor a ruleIndex that names a rule")
	}
	if len(ruleID) > MaxIDBytes {
		return f, false, errAt(where+".ruleId", ErrLimit, "longer than %d bytes", MaxIDBytes)
	}

	// The level (§3.27.10): the result's; if absent, "none" for results
	// whose kind is not "fail", else the rule's default, else warning.
	level, levelFrom := res.Level, where+".level"
	if level == "" && res.Kind != "" && res.Kind != "fail" {
		level = LevelNone
	}
	if level == "" && rl != nil {
		level, levelFrom = rl.DefaultConfiguration.Level, fmt.Sprintf("rule %q defaultConfiguration.level", truncateMessage(ruleID))
	}
	if level == "" {
		level = LevelWarning
	}
	switch level {
	case LevelError, LevelWarning, LevelNote, LevelNone:
	default:
		return f, false, errAt(levelFrom, ErrInvalid, "%q is not a SARIF level (error, warning, note, none)", truncateMessage(level))
	}

	msg, err := p.message(where+".message", &res, rl, comp)
	if err != nil {
		return f, false, err
	}

	f = Finding{Tool: p.tool, RuleID: ruleID, Level: level, Message: truncateMessage(msg)}
	snippet := ""
	if len(res.Locations) > 0 && res.Locations[0].PhysicalLocation != nil {
		pl := res.Locations[0].PhysicalLocation
		loc := pl.ArtifactLocation
		if loc != nil && loc.URI == nil && loc.Index != nil && *loc.Index >= 0 && *loc.Index < len(p.run.Artifacts) {
			loc = &p.run.Artifacts[*loc.Index].Location
		}
		if loc != nil && loc.URI != nil && len(*loc.URI) > MaxURIBytes {
			return f, false, errAt(where+".locations[0].physicalLocation.artifactLocation.uri", ErrLimit, "longer than %d bytes", MaxURIBytes)
		}
		if loc != nil {
			f.File = resolveFile(*loc, p.run.OriginalURIBaseIDs, p.root)
		}
		if reg := pl.Region; reg != nil && f.File != "" {
			if reg.StartLine != nil {
				if *reg.StartLine < 0 {
					return f, false, errAt(where+".locations[0].physicalLocation.region.startLine", ErrInvalid, "%d is negative", *reg.StartLine)
				}
				if *reg.StartLine > 0 {
					f.StartLine, f.EndLine = *reg.StartLine, *reg.StartLine
					if reg.EndLine != nil && *reg.EndLine > f.StartLine {
						f.EndLine = *reg.EndLine
					}
				}
			}
			if reg.Snippet != nil {
				snippet = reg.Snippet.Text
			}
		}
	}
	for _, s := range res.Suppressions {
		if s.Status == "" || s.Status == "accepted" {
			f.Suppressed = true
		}
	}

	f.Identify(snippet, res.PartialFingerprints)
	if own, ok := res.Fingerprints[FingerprintKey]; ok {
		if !validKey(own, PartialFingerprintPrefix, ContentHashPrefix) {
			return f, false, errAt(where+".fingerprints."+FingerprintKey, ErrInvalid, "not a git-proof match key")
		}
		f.Fingerprint = own
	}
	if own, ok := res.Fingerprints[ContentHashKey]; ok {
		if !validKey(own, ContentHashPrefix) {
			return f, false, errAt(where+".fingerprints."+ContentHashKey, ErrInvalid, "not a git-proof content hash")
		}
		f.ContentHash = own
	}
	return f, true, nil
}

// message resolves a result's message: its text, else the rule's (or the
// component's global) message string named by its id; then placeholders are
// filled when there are arguments or the text came from a message string.
func (p *runParser) message(where string, res *result, rl *rule, comp *toolComponent) (string, error) {
	m := res.Message
	if m == nil {
		return "", errAt(where, ErrInvalid, "missing")
	}
	if m.Text != nil {
		if len(m.Arguments) == 0 {
			return *m.Text, nil
		}
		return formatMessage(*m.Text, m.Arguments), nil
	}
	if m.ID == nil {
		return "", errAt(where, ErrInvalid, "neither text nor id")
	}
	var ms messageString
	var found bool
	if rl != nil {
		ms, found = rl.MessageStrings[*m.ID]
	}
	if !found && comp != nil {
		ms, found = comp.GlobalMessageStrings[*m.ID]
	}
	if !found || ms.Text == nil {
		return "", errAt(where+".id", ErrInvalid, "%q is not in the rule's messageStrings", truncateMessage(*m.ID))
	}
	return formatMessage(*ms.Text, m.Arguments), nil
}
