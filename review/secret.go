package review

import (
	"fmt"
	"math"

	"github.com/git-proof/git-proof/internal/lazyre"
	"strings"
)

// SecretHit is a secret found in the outgoing prompt. It never holds the
// secret itself.
type SecretHit struct {
	// Rule names the rule that fired (aws-access-key-id, private-key, …).
	Rule string `json:"rule"`
	// Part is where the hit is: diff, contract, or prompt (the template,
	// which a test keeps clean).
	Part string `json:"part"`
	// File and Line place a diff hit: the file after "+++ b/" and the line
	// on the new side of its hunk (the old side for a removed line, with
	// Removed set). For a contract hit Line is the contract's line.
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Removed bool   `json:"removed,omitempty"`
}

func (h SecretHit) String() string {
	switch {
	case h.Part == "diff" && h.Line > 0 && h.Removed:
		return fmt.Sprintf("%s:%d (a removed line): %s", h.File, h.Line, h.Rule)
	case h.Part == "diff" && h.Line > 0:
		return fmt.Sprintf("%s:%d: %s", h.File, h.Line, h.Rule)
	case h.Part == "diff":
		return fmt.Sprintf("%s (diff header): %s", h.File, h.Rule)
	}
	return fmt.Sprintf("%s line %d: %s", h.Part, h.Line, h.Rule)
}

// Secret rules, after gitleaks' (github.com/gitleaks/gitleaks config).
var (
	awsKeyRE    = lazyre.New(`\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b`)
	pemBeginRE  = lazyre.New(`-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----`)
	pemEndRE    = lazyre.New(`-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----`)
	githubRE    = lazyre.New(`\b(?:(?:ghp|gho|ghu|ghs|ghr)_[0-9A-Za-z]{36}|github_pat_[0-9A-Za-z_]{82})\b`)
	slackRE     = lazyre.New(`\b(?:xox[abposre]-[0-9]{8,13}-[0-9A-Za-z-]{8,}|xapp-[0-9]-[A-Z0-9]+-[0-9]+-[a-z0-9]+)`)
	anthropicRE = lazyre.New(`\bsk-ant-(?:api|admin|oat)[0-9]{2}-[A-Za-z0-9_-]{32,}`)
	openaiRE    = lazyre.New(`\bsk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}|[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}|[A-Za-z0-9]{48})\b`)
	googleRE    = lazyre.New(`\bAIza[0-9A-Za-z_-]{35}\b`)
	// genericRE: a credential-named key assigned a quoted value.
	genericRE = lazyre.New(`(?i)(?:^|[^a-z0-9])[a-z0-9_.-]{0,40}(?:password|passwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret)(?:[_-]?(?:key|value|id))?["']?\s*(?::=|=>|[=:])\s*["'` + "`" + `]([^"'` + "`" + `\s]{10,200})["'` + "`" + `]`)
	base64RE  = lazyre.New(`^[A-Za-z0-9+/=]+$`)
)

// MinSecretEntropy is the Shannon entropy (bits per character) a generic
// password/secret/token value needs to count as a secret.
const MinSecretEntropy = 3.5

// scanLine checks one line (its diff marker removed) against the single-line
// rules and returns the first that fires.
func scanLine(l string) string {
	for _, m := range awsKeyRE.FindAllString(l, -1) {
		if !strings.HasSuffix(m, "EXAMPLE") { // AWS's documentation key
			return "aws-access-key-id"
		}
	}
	for _, r := range []struct {
		name string
		re   *lazyre.RE
	}{
		{"github-token", githubRE}, {"slack-token", slackRE}, {"anthropic-api-key", anthropicRE},
		{"openai-api-key", openaiRE}, {"google-api-key", googleRE},
	} {
		if r.re.MatchString(l) {
			return r.name
		}
	}
	if !mayHoldGeneric(l) {
		return "" // the generic rule is the slow one: skip it where no keyword is
	}
	for _, m := range genericRE.FindAllStringSubmatch(l, -1) {
		if genericSecret(m[1]) {
			return "generic-secret"
		}
	}
	return ""
}

// mayHoldGeneric reports whether l holds a keyword of the generic rule
// (ASCII case-insensitively), without allocating.
func mayHoldGeneric(l string) bool {
	for i := 0; i+3 <= len(l); i++ {
		switch l[i] | 0x20 {
		case 'p', 's', 't', 'k':
		default:
			continue
		}
		for _, kw := range [...]string{"passw", "secret", "token", "key"} {
			if len(l)-i >= len(kw) && strings.EqualFold(l[i:i+len(kw)], kw) {
				return true
			}
		}
	}
	return false
}

// genericSecret reports whether a value assigned to a credential-named key
// looks like a real secret rather than a placeholder, a reference or a
// word.
func genericSecret(v string) bool {
	lower := strings.ToLower(v)
	for _, p := range []string{"${", "{{", "$(", "<", ">", "%s", "%v", "example", "changeme", "placeholder", "your", "xxxx", "redacted", "dummy", "****"} {
		if strings.Contains(lower, p) {
			return false
		}
	}
	if strings.HasPrefix(v, "/") || strings.HasPrefix(v, "./") || strings.HasPrefix(v, "~/") || strings.Contains(v, "://") {
		return false // a path or URL, not a secret
	}
	var digit, upper, lowerc bool
	for _, r := range v {
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= 'a' && r <= 'z':
			lowerc = true
		}
	}
	if !digit && !(upper && lowerc && len(v) >= 20) {
		return false // words and identifiers
	}
	return entropy(v) >= MinSecretEntropy
}

// entropy is the Shannon entropy of s in bits per byte.
func entropy(s string) float64 {
	if s == "" {
		return 0
	}
	var freq [256]int
	for i := 0; i < len(s); i++ {
		freq[s[i]]++
	}
	h := 0.0
	n := float64(len(s))
	for _, c := range freq {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}

// privateKeyAt reports whether lines[i] begins a PEM private key with a
// body: at least 64 base64 characters before its END line (a bare BEGIN
// line in code that parses keys is not a key).
func privateKeyAt(lines []string, i int) bool {
	if !pemBeginRE.MatchString(lines[i]) {
		return false
	}
	// A one-line key: BEGIN … END on the same line (a JSON or env string).
	if l := lines[i]; pemEndRE.MatchString(l) {
		body := pemEndRE.ReplaceAllString(pemBeginRE.ReplaceAllString(l, " "), " ")
		n := 0
		for _, f := range strings.FieldsFunc(body, func(r rune) bool { return r == ' ' || r == '\\' || r == '"' || r == '\'' }) {
			f = strings.TrimPrefix(f, "n")
			if base64RE.MatchString(f) {
				n += len(f)
			}
		}
		return n >= 64
	}
	n := 0
	for j := i + 1; j < len(lines) && j <= i+200; j++ {
		l := strings.TrimSpace(lines[j])
		if pemEndRE.MatchString(l) {
			break
		}
		if strings.Contains(l, ":") && !base64RE.MatchString(l) { // Proc-Type: headers
			continue
		}
		if base64RE.MatchString(l) {
			n += len(l)
		}
	}
	return n >= 64
}

// scanPrompt checks the outgoing prompt, line by line, and maps each hit in
// the user prompt's diff or contract back to its place.
func scanPrompt(p promptParts, pd *parsedDiff) []SecretHit {
	var hits []SecretHit
	sys := splitLines(p.system)
	for i := range sys {
		if r := scanAt(sys, i); r != "" {
			hits = append(hits, SecretHit{Rule: r, Part: "prompt", Line: i + 1})
		}
	}
	user := splitLines(p.user)
	// Lines are checked without their diff marker, so that keys and
	// PEM bodies match as they are in the file.
	content := make([]string, len(user))
	for i, l := range user {
		content[i] = l
		if d := i - p.diffLine; d >= 0 && d < p.nDiff && d < len(pd.lines) && pd.lines[d].kind != lineHeader && l != "" {
			content[i] = l[1:]
		}
	}
	for i := range content {
		r := scanAt(content, i)
		if r == "" {
			continue
		}
		h := SecretHit{Rule: r, Part: "prompt", Line: i + 1}
		if d := i - p.diffLine; d >= 0 && d < p.nDiff && d < len(pd.lines) {
			dl := pd.lines[d]
			h = SecretHit{Rule: r, Part: "diff", Line: dl.line, Removed: dl.kind == lineRemoved}
			if dl.section >= 0 {
				h.File = pd.sections[dl.section].path
			}
		} else if c := i - p.contractLine; c >= 0 && c < p.nContract {
			h = SecretHit{Rule: r, Part: "contract", Line: c + 1}
		}
		hits = append(hits, h)
	}
	return hits
}

func scanAt(lines []string, i int) string {
	if privateKeyAt(lines, i) {
		return "private-key"
	}
	return scanLine(lines[i])
}
