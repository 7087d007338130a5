// Package sarif reads static-analysis findings (SARIF 2.1.0 from any tool,
// and go vet's output converted to the same model), decides which findings a
// change introduced, and writes findings back as SARIF 2.1.0.
//
// # Reading
//
// Parse reads one SARIF log: golangci-lint, semgrep, CodeQL, ESLint's
// @microsoft/eslint-formatter-sarif and any other producer of 2.1.0. Each
// result becomes a Finding with its tool, rule id, level (severity kept),
// message (text, or a message id resolved against the rule's messageStrings,
// placeholders filled), first location as a repository-relative path and
// lines, and two match keys. FromGoVet turns go vet's text or -json output
// into the same findings. Both treat their input as untrusted: limits.go
// bounds size, nesting and counts, and errors are *ParseError values that say
// where (a JSON path, or a line) and why (one of the sentinel errors).
//
// # Only new findings count: the matching rule
//
// Match(base, head) pairs the findings of the base tree with those of the
// head tree; head findings left unpaired are new, base findings left unpaired
// are fixed. Each finding carries two keys, computed when it is read:
//
//   - ContentHash, location-insensitive: "ch1:" + sha256 of the rule id, the
//     file path, the normalised message and the normalised snippet
//     (region.snippet.text), each length-prefixed. Normalising collapses
//     white space and replaces positions written into the message ("a.go:12:5"
//     → "a.go:#", "line 12" → "line #", "lines 3-4" → "lines #-#"); other
//     numbers stay, since they are often what the finding is about. Line and
//     column numbers of the location are not hashed, so a finding that only
//     moved up or down its file is unchanged. The file path is hashed: the
//     same message in another file is another finding (moving code to a new
//     file re-raises its findings, unless the tool fingerprints them). The
//     message hashed is the Finding's, that is its first MaxMessageBytes.
//   - Fingerprint, the primary key: when the tool gave partialFingerprints
//     (CodeQL's primaryLocationLineHash and primaryLocationStartColumnFingerprint,
//     or any tool-specific keys), "pf1:" + sha256 of the rule id and every
//     key=value pair, keys sorted; otherwise the ContentHash. The file path
//     and the message are not part of it: the tool's fingerprint decides, so
//     a fingerprinted finding moved to another file is unchanged.
//
// Pass 1 pairs findings with equal Fingerprints, so two fingerprinted findings
// match when they have the same rule and the same partial fingerprints (all
// keys and values); two unfingerprinted ones when their content hashes are
// equal. Pass 2 pairs what is left by ContentHash, except where both findings
// carry partial fingerprints (the tool has said they differ): this covers a
// tool that fingerprints on one side only (an upgrade in the change). Counting
// is by multiset: two equal findings at base and three at head make one new.
// Among equal findings, those at the same file and line pair first. The tool
// name is not part of either key: drivers rename themselves between versions
// (semgrep's "Semgrep OSS", "Semgrep CE"), and rule ids already belong to
// their tool. Level and suppression are not part of either key: a finding
// that turned from warning to error, or was suppressed, is unchanged, and its
// head copy, with the new level and Suppressed flag, is what Match returns.
// SARIF's full "fingerprints" are not used for matching (semgrep writes the
// placeholder "requires login" into every result), except the ones this
// package writes itself (see Write). baselineState is ignored: Match computes
// it.
//
// # Writing
//
// Write produces a SARIF 2.1.0 log (one run per tool, or per reviewer) that
// the official schema accepts, byte-identical for equal input, and that Parse
// reads back into the same findings: the match keys travel in
// result.fingerprints under "gitProof/v1" and "gitProofContent/v1". Parse
// honours those keys in any log, as it honours any tool's
// partialFingerprints: a tool's fingerprints are its own claim about which
// findings are the same, and a hostile tool could make them say anything.
//
// # Why no SARIF library
//
// github.com/owenrumney/go-sarif (v2.3.3, v3.3.1) was considered. It models
// all of SARIF with builders and can check a log against the schema, but it
// decodes with plain encoding/json into pointer-heavy types: no size, depth or
// count limits, no errors that name a JSON path, no resolution of ruleIndex,
// extensions, artifact indexes, message ids or uriBaseIds, and a dependency
// on gojsonschema and testify. Those are this package's actual work, and the
// SARIF subset read here is a dozen fields, so the package declares them with
// encoding/json. The official schema is used in the tests, with
// github.com/santhosh-tekuri/jsonschema, to check Write's output and the
// checked-in samples.
package sarif
