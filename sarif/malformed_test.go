package sarif_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/git-proof/git-proof/sarif"
)

// run wraps one result in a minimal valid log.
func withResult(result string) string {
	return `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}},"results":[` + result + `]}]}`
}

func TestParseMalformed(t *testing.T) {
	t.Parallel()
	deep := `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}},"properties":` +
		strings.Repeat(`{"a":`, 100) + `1` + strings.Repeat(`}`, 100) + `}]}`
	manyRuns := `{"version":"2.1.0","runs":[` + strings.TrimSuffix(strings.Repeat(`{"tool":{"driver":{"name":"t"}}},`, sarif.MaxRuns+1), ",") + `]}`
	for _, tc := range []struct {
		name, in string
		want     error
		where    string // substring of the error: where and why
	}{
		{"empty", "", sarif.ErrNotSARIF, "empty input"},
		{"blank", " \n\t ", sarif.ErrNotSARIF, "empty input"},
		{"not JSON", "main.go:3:1: oops\n", sarif.ErrNotSARIF, `found 'm'`},
		{"binary", "\x00\x01\x02\xff\xfe", sarif.ErrNotSARIF, "byte 0x00"},
		{"gzip", "\x1f\x8b\x08\x00\x00\x00", sarif.ErrNotSARIF, "byte 0x1f"},
		{"JSON array", `[{"version":"2.1.0"}]`, sarif.ErrNotSARIF, "want a JSON object"},
		{"truncated", `{"version":"2.1.0","runs":[{"tool":`, sarif.ErrNotSARIF, "line 1"},
		{"syntax error on line 3", "{\n\"version\": \"2.1.0\",\n\"runs\": [}\n}", sarif.ErrNotSARIF, "line 3"},
		{"trailing garbage", `{"version":"2.1.0","runs":[]} {}`, sarif.ErrNotSARIF, "after top-level value"},
		{"missing version", `{"runs":[]}`, sarif.ErrVersion, "version: "},
		{"version 2.0.0", `{"version":"2.0.0","runs":[]}`, sarif.ErrVersion, `"2.0.0"`},
		{"version 1.0.0", `{"version":"1.0.0","runs":[{"tool":{"name":"x"}}]}`, sarif.ErrVersion, `"1.0.0"`},
		{"version number", `{"version":2.1,"runs":[]}`, sarif.ErrVersion, "want the string"},
		{"missing runs", `{"version":"2.1.0"}`, sarif.ErrInvalid, "runs: "},
		{"runs null", `{"version":"2.1.0","runs":null}`, sarif.ErrInvalid, "runs: "},
		{"runs object", `{"version":"2.1.0","runs":{}}`, sarif.ErrInvalid, "runs"},
		{"run not object", `{"version":"2.1.0","runs":[3]}`, sarif.ErrInvalid, "runs[0]"},
		{"no driver", `{"version":"2.1.0","runs":[{"tool":{}}]}`, sarif.ErrInvalid, "runs[0].tool.driver.name"},
		{"driver name number", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":7}}}]}`, sarif.ErrInvalid, "runs[0].tool.driver.name"},
		{"results object", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}},"results":{}}]}`, sarif.ErrInvalid, "runs[0].results"},
		{"tool failed", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"ESLint"}},"invocations":[{"executionSuccessful":false,"toolConfigurationNotifications":[{"level":"error","message":{"text":"Parsing error: Unexpected token )"}}]}],"results":[]}]}`,
			sarif.ErrToolFailed, `runs[0].invocations[0]: tool reported failure: executionSuccessful is false: "Parsing error: Unexpected token )"`},
		{"no rule id", withResult(`{"message":{"text":"m"}}`), sarif.ErrInvalid, "runs[0].results[0]: invalid SARIF: no rule id"},
		{"rule index out of range", withResult(`{"ruleIndex":4,"message":{"text":"m"}}`), sarif.ErrInvalid, "no rule id"},
		{"rule id number", withResult(`{"ruleId":5,"message":{"text":"m"}}`), sarif.ErrInvalid, "runs[0].results[0].ruleId"},
		{"no message", withResult(`{"ruleId":"r"}`), sarif.ErrInvalid, "runs[0].results[0].message: invalid SARIF: missing"},
		{"empty message", withResult(`{"ruleId":"r","message":{}}`), sarif.ErrInvalid, "neither text nor id"},
		{"markdown only", withResult(`{"ruleId":"r","message":{"markdown":"**m**"}}`), sarif.ErrInvalid, "neither text nor id"},
		{"message text number", withResult(`{"ruleId":"r","message":{"text":12}}`), sarif.ErrInvalid, "runs[0].results[0].message.text"},
		{"unknown message id", withResult(`{"ruleId":"r","message":{"id":"nope"}}`), sarif.ErrInvalid, `message.id: invalid SARIF: "nope"`},
		{"arguments not strings", withResult(`{"ruleId":"r","message":{"text":"{0}","arguments":[1]}}`), sarif.ErrInvalid, "message.arguments"},
		{"bad level", withResult(`{"ruleId":"r","level":"critical","message":{"text":"m"}}`), sarif.ErrInvalid, `runs[0].results[0].level: invalid SARIF: "critical"`},
		{"bad rule default level", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t","rules":[{"id":"r","defaultConfiguration":{"level":"recommendation"}}]}},"results":[{"ruleId":"r","message":{"text":"m"}}]}]}`,
			sarif.ErrInvalid, `rule "r" defaultConfiguration.level: invalid SARIF: "recommendation"`},
		{"bad kind", withResult(`{"ruleId":"r","kind":"bad","message":{"text":"m"}}`), sarif.ErrInvalid, "runs[0].results[0].kind"},
		{"start line string", withResult(`{"ruleId":"r","message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.go"},"region":{"startLine":"3"}}}]}`),
			sarif.ErrInvalid, "runs[0].results[0].locations.physicalLocation.region.startLine"},
		{"start line fraction", withResult(`{"ruleId":"r","message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.go"},"region":{"startLine":3.5}}}]}`),
			sarif.ErrInvalid, "startLine"},
		{"start line huge", withResult(`{"ruleId":"r","message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.go"},"region":{"startLine":1e300}}}]}`),
			sarif.ErrInvalid, "startLine"},
		{"negative line", withResult(`{"ruleId":"r","message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.go"},"region":{"startLine":-2}}}]}`),
			sarif.ErrInvalid, "region.startLine: invalid SARIF: -2 is negative"},
		{"locations object", withResult(`{"ruleId":"r","message":{"text":"m"},"locations":{}}`), sarif.ErrInvalid, "locations"},
		{"partial fingerprints not strings", withResult(`{"ruleId":"r","message":{"text":"m"},"partialFingerprints":{"k":1}}`), sarif.ErrInvalid, "runs[0].results[0]"},
		{"forged own fingerprint", withResult(`{"ruleId":"r","message":{"text":"m"},"fingerprints":{"gitProof/v1":"abc"}}`), sarif.ErrInvalid, "fingerprints.gitProof/v1"},
		{"forged own content hash", withResult(`{"ruleId":"r","message":{"text":"m"},"fingerprints":{"gitProofContent/v1":"pf1:` + strings.Repeat("a", 64) + `"}}`), sarif.ErrInvalid, "gitProofContent/v1"},
		{"long rule id", withResult(`{"ruleId":"` + strings.Repeat("r", sarif.MaxIDBytes+1) + `","message":{"text":"m"}}`), sarif.ErrLimit, "runs[0].results[0].ruleId"},
		{"long uri", withResult(`{"ruleId":"r","message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"` + strings.Repeat("a/", sarif.MaxURIBytes) + `"}}}]}`),
			sarif.ErrLimit, "artifactLocation.uri"},
		{"deep nesting", deep, sarif.ErrLimit, "nested deeper than 64"},
		{"too many runs", manyRuns, sarif.ErrLimit, "runs: over limit"},
		{"huge string", `{"version":"2.1.0","runs":[],"x":"` + strings.Repeat("x", sarif.MaxReportBytes) + `"}`, sarif.ErrLimit, "larger than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fs, err := sarif.Parse(strings.NewReader(tc.in), "")
			if !errors.Is(err, tc.want) {
				t.Fatalf("Parse(%.60q) = %v, %v; want error %v", tc.in, len(fs), err, tc.want)
			}
			var pe *sarif.ParseError
			if !errors.As(err, &pe) {
				t.Errorf("Parse(%.60q) error %T is not a *ParseError", tc.in, err)
			}
			if !strings.Contains(err.Error(), tc.where) {
				t.Errorf("Parse(%.60q) = %q; want it to contain %q", tc.in, err, tc.where)
			}
		})
	}
}

func TestParseTooManyFindings(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	b.WriteString(`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}},"results":[`)
	for i := 0; i <= sarif.MaxFindings; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"ruleId":"r","message":{"text":"m"}}`)
	}
	b.WriteString(`]}]}`)
	_, err := sarif.Parse(&b, "")
	if !errors.Is(err, sarif.ErrLimit) || !strings.Contains(err.Error(), "runs[0].results") {
		t.Errorf("Parse(%d results) = %v; want ErrLimit at runs[0].results", sarif.MaxFindings+1, err)
	}
}

// A reader that fails is reported, wrapped.
func TestParseReadError(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	_, err := sarif.Parse(failingReader{boom}, "")
	if !errors.Is(err, boom) {
		t.Errorf("Parse(failing reader) = %v; want it to wrap %v", err, boom)
	}
}

type failingReader struct{ err error }

func (r failingReader) Read([]byte) (int, error) { return 0, r.err }

// Lenient where real tools are sloppy.
func TestParseLenient(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, in string }{
		{"BOM", "\xef\xbb\xbf" + withResult(`{"ruleId":"r","message":{"text":"m"}}`)},
		{"results missing", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}}}]}`},
		{"no runs", `{"version":"2.1.0","runs":[]}`},
		{"artifact index without artifacts", withResult(`{"ruleId":"r","message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.go","index":0},"region":{"startLine":0}}}]}`)},
		{"rule index out of range with id", withResult(`{"ruleId":"r","ruleIndex":9,"message":{"text":"m"}}`)},
		{"unknown fields", withResult(`{"ruleId":"r","message":{"text":"m"},"x-vendor":{"deep":[1,2,3]}}`)},
		{"executionSuccessful true", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}},"invocations":[{"executionSuccessful":true}],"results":[]}]}`},
		{"endLine before startLine", withResult(`{"ruleId":"r","message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.go"},"region":{"startLine":5,"endLine":2}}}]}`)},
	} {
		if _, err := sarif.Parse(strings.NewReader(tc.in), ""); err != nil {
			t.Errorf("%s: Parse = %v; want no error", tc.name, err)
		}
	}
}
