package sarif

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"
)

// SARIF result levels (SARIF 2.1.0 §3.27.10).
const (
	LevelError   = "error"
	LevelWarning = "warning"
	LevelNote    = "note"
	LevelNone    = "none"
)

// Prefixes of the two kinds of match key a Finding carries.
const (
	// PartialFingerprintPrefix starts a Fingerprint derived from the tool's
	// partialFingerprints.
	PartialFingerprintPrefix = "pf1:"
	// ContentHashPrefix starts a ContentHash, and a Fingerprint when the tool
	// gave no partialFingerprints.
	ContentHashPrefix = "ch1:"
)

// Finding is one static-analysis finding, as the record and the policy see
// it.
type Finding struct {
	// Tool is the name of the tool that reported it (SARIF
	// run.tool.driver.name, or the name given to FromGoVet).
	Tool string `json:"tool"`
	// RuleID is the tool's rule identifier (ruleId, rule.id, or the id of the
	// rule that ruleIndex points at).
	RuleID string `json:"ruleId"`
	// Level is error, warning, note or none: the result's level, else
	// "none" when the result's kind is not "fail", else the rule's
	// defaultConfiguration.level, else warning (SARIF §3.27.10).
	Level string `json:"level"`
	// Message is the message text with its placeholders filled in, at most its
	// first MaxMessageBytes bytes.
	Message string `json:"message"`
	// File is the first location's file: a slash-separated path relative to
	// the repository root when it could be made one (relative URIs, %SRCROOT%
	// forms, file:// URIs under the root), else the absolute path or URI.
	// Empty when the result has no physical location.
	File string `json:"file,omitempty"`
	// StartLine and EndLine are the first location's lines, 1-based; 0 when
	// unknown. EndLine defaults to StartLine.
	StartLine int `json:"startLine,omitempty"`
	EndLine   int `json:"endLine,omitempty"`
	// Suppressed is set when the tool reported the finding as suppressed (an
	// accepted result.suppressions entry: a nosemgrep or eslint-disable
	// comment, a baseline file). Suppressed findings still match like any
	// other, so suppressing a finding does not make it "fixed".
	Suppressed bool `json:"suppressed,omitempty"`
	// Fingerprint is the match key: "pf1:" and the hash of the rule id and
	// the tool's partialFingerprints when it gave any, else ContentHash.
	Fingerprint string `json:"fingerprint"`
	// ContentHash is the location-insensitive key: "ch1:" and the hash of the
	// rule id, the file, the normalised message and the normalised snippet.
	ContentHash string `json:"contentHash"`
}

// Identify sets f.ContentHash and f.Fingerprint from f's rule id, file and
// message, the given source snippet (region.snippet.text; may be empty) and
// the tool's partial fingerprints (may be nil). Parse and FromGoVet call it
// for every finding; call it on findings built by hand before Match.
func (f *Finding) Identify(snippet string, partial map[string]string) {
	f.ContentHash = contentHash(f.RuleID, f.File, f.Message, snippet)
	f.Fingerprint = f.ContentHash
	if len(partial) > 0 {
		f.Fingerprint = partialKey(f.RuleID, partial)
	}
}

// fromPartial reports whether the finding's Fingerprint came from the tool's
// partialFingerprints.
func (f *Finding) fromPartial() bool {
	return strings.HasPrefix(f.Fingerprint, PartialFingerprintPrefix)
}

// identified fills in missing keys of a finding built by hand.
func (f *Finding) identified() {
	if f.ContentHash == "" {
		f.ContentHash = contentHash(f.RuleID, f.File, f.Message, "")
	}
	if f.Fingerprint == "" {
		f.Fingerprint = f.ContentHash
	}
}

// partialKey hashes the rule id and every key=value of the partial
// fingerprints, keys sorted.
func partialKey(ruleID string, partial map[string]string) string {
	h := sha256.New()
	writeField(h, "partialFingerprints/v1")
	writeField(h, ruleID)
	for _, k := range slices.Sorted(maps.Keys(partial)) {
		writeField(h, k)
		writeField(h, partial[k])
	}
	return PartialFingerprintPrefix + hex.EncodeToString(h.Sum(nil))
}

// contentHash hashes the rule id, the file, the normalised message and the
// normalised snippet.
func contentHash(ruleID, file, message, snippet string) string {
	h := sha256.New()
	writeField(h, "content/v1")
	writeField(h, ruleID)
	writeField(h, file)
	writeField(h, normalizeMessage(message))
	writeField(h, collapseSpace(snippet))
	return ContentHashPrefix + hex.EncodeToString(h.Sum(nil))
}

// writeField writes s length-prefixed, so that no two field lists hash alike.
func writeField(h interface{ Write([]byte) (int, error) }, s string) {
	var n [binary.MaxVarintLen64]byte
	h.Write(n[:binary.PutUvarint(n[:], uint64(len(s)))])
	h.Write([]byte(s))
}

// validKey reports whether s is a key this package produced: prefix and 64
// lowercase hex digits.
func validKey(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if rest, ok := strings.CutPrefix(s, p); ok && len(rest) == 64 {
			for i := 0; i < len(rest); i++ {
				c := rest[i]
				if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
					return false
				}
			}
			return true
		}
	}
	return false
}

// normalizeMessage is the message as the content hash sees it: whitespace
// collapsed, then positions written into the text replaced by "#":
// "a.go:12:5" becomes "a.go:#", "line 12" and "lines 12-14" become "line #"
// and "lines #". Other numbers stay: they are often what the finding is about
// (a complexity of 31, an argument index).
func normalizeMessage(s string) string {
	return replacePositions(collapseSpace(s))
}

// collapseSpace trims s, replaces each run of white space by one space, and
// keeps at most MaxHashedBytes bytes.
func collapseSpace(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if b.Len() >= MaxHashedBytes {
			break
		}
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f' || r == 0x85 || r == 0xA0 {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// replacePositions rewrites the position references described at
// normalizeMessage. It works on bytes: every pattern it looks for is ASCII.
func replacePositions(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		// "line 12", "lines 12-14", "column 3", "col 3" (any case), at a word start.
		if n := positionWordLen(s, i); n > 0 {
			j := i + n
			if k := digitsRun(s, j); k > j {
				b.WriteString(s[i:j])
				b.WriteByte('#')
				j = k
				if j+1 < len(s) && s[j] == '-' && isDigit(s[j+1]) {
					b.WriteString("-#")
					j = digitsRun(s, j+1)
				}
				i = j
				continue
			}
		}
		// "name.ext:12", "name.ext:12:5", "name.ext:12-14": a colon right
		// after a file name with an extension, then digits.
		if s[i] == ':' && i+1 < len(s) && isDigit(s[i+1]) && afterFileName(s[:i]) {
			b.WriteString(":#")
			j := digitsRun(s, i+1)
			for j+1 < len(s) && (s[j] == ':' || s[j] == '-') && isDigit(s[j+1]) {
				j = digitsRun(s, j+1)
			}
			i = j
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// positionWordLen returns the length of "line ", "lines ", "column ", "col "
// (case-insensitive) starting at a word boundary at s[i], or 0.
func positionWordLen(s string, i int) int {
	if i > 0 && isWordByte(s[i-1]) {
		return 0
	}
	for _, w := range [...]string{"lines ", "line ", "columns ", "column ", "col "} {
		if len(s)-i >= len(w) && strings.EqualFold(s[i:i+len(w)], w) {
			return len(w)
		}
	}
	return 0
}

// afterFileName reports whether s ends with something like "dir/name.ext":
// an extension of 1 to 8 letters or digits after a dot that follows a name.
func afterFileName(s string) bool {
	j := len(s)
	for j > 0 && isAlnum(s[j-1]) {
		j--
	}
	ext := len(s) - j
	if ext == 0 || ext > 8 || j < 2 || s[j-1] != '.' {
		return false
	}
	c := s[j-2]
	return isWordByte(c) || c == '-' || c == '/' || c == '\\' || c >= utf8.RuneSelf
}

func digitsRun(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

func isDigit(c byte) bool    { return '0' <= c && c <= '9' }
func isAlnum(c byte) bool    { return isDigit(c) || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') }
func isWordByte(c byte) bool { return isAlnum(c) || c == '_' }

// truncateMessage keeps the first MaxMessageBytes bytes of s, cut at a rune
// boundary, with invalid UTF-8 replaced.
func truncateMessage(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= MaxMessageBytes {
		return s
	}
	cut := MaxMessageBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}
