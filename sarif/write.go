package sarif

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"
)

// Run is one tool's findings, written as one SARIF run.
type Run struct {
	// Tool is the tool's name (run.tool.driver.name); required.
	Tool string
	// Version is the tool's version (run.tool.driver.version); optional.
	Version string
	// Findings are written in order. Their own Tool field is not written:
	// Parse gives every finding of a run the run's Tool.
	Findings []Finding
}

// Group splits findings into runs by Tool, runs in order of first
// appearance, findings in their given order.
func Group(fs []Finding) []Run {
	var runs []Run
	at := map[string]int{}
	for _, f := range fs {
		i, ok := at[f.Tool]
		if !ok {
			i = len(runs)
			at[f.Tool] = i
			runs = append(runs, Run{Tool: f.Tool})
		}
		runs[i].Findings = append(runs[i].Findings, f)
	}
	return runs
}

// SchemaURI is the $schema Write puts in its logs: the OASIS SARIF 2.1.0
// schema (errata 01).
const SchemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

// Write writes runs as one SARIF 2.1.0 log: compact JSON and a newline, the
// same bytes for the same runs, so the log can be stored as a digest. Every
// run gets a results array, empty when it found nothing (SARIF's way of
// saying the tool ran and found nothing). Each finding carries its match keys
// under result.fingerprints (FingerprintKey, ContentHashKey), so that Parse of
// the log, with the same root, gives the findings back unchanged.
func Write(w io.Writer, runs ...Run) error {
	log := outLog{Schema: SchemaURI, Version: "2.1.0", Runs: make([]outRun, 0, len(runs))}
	for i, r := range runs {
		if r.Tool == "" {
			return fmt.Errorf("write SARIF: run %d: empty tool name", i)
		}
		or := outRun{Results: make([]outResult, 0, len(r.Findings))}
		or.Tool.Driver = outDriver{Name: r.Tool, Version: r.Version}
		for j, f := range r.Findings {
			res, err := outputResult(f)
			if err != nil {
				return fmt.Errorf("write SARIF: run %d (%s): finding %d: %w", i, r.Tool, j, err)
			}
			or.Results = append(or.Results, res)
		}
		log.Runs = append(log.Runs, or)
	}
	data, err := json.Marshal(log)
	if err != nil {
		return fmt.Errorf("write SARIF: %w", err)
	}
	if _, err := w.Write(append(data, '\n')); err != nil {
		return fmt.Errorf("write SARIF: %w", err)
	}
	return nil
}

type (
	outLog struct {
		Schema  string   `json:"$schema"`
		Version string   `json:"version"`
		Runs    []outRun `json:"runs"`
	}
	outRun struct {
		Tool struct {
			Driver outDriver `json:"driver"`
		} `json:"tool"`
		Results []outResult `json:"results"`
	}
	outDriver struct {
		Name    string `json:"name"`
		Version string `json:"version,omitempty"`
	}
	outResult struct {
		RuleID  string `json:"ruleId"`
		Level   string `json:"level"`
		Message struct {
			Text string `json:"text"`
		} `json:"message"`
		Locations    []outLocation     `json:"locations,omitempty"`
		Fingerprints map[string]string `json:"fingerprints"`
		Suppressions []outSuppression  `json:"suppressions,omitempty"`
	}
	outLocation struct {
		PhysicalLocation struct {
			ArtifactLocation struct {
				URI       string `json:"uri"`
				URIBaseID string `json:"uriBaseId,omitempty"`
			} `json:"artifactLocation"`
			Region *outRegion `json:"region,omitempty"`
		} `json:"physicalLocation"`
	}
	outRegion struct {
		StartLine int `json:"startLine"`
		EndLine   int `json:"endLine,omitempty"`
	}
	outSuppression struct {
		Kind string `json:"kind"`
	}
)

func outputResult(f Finding) (outResult, error) {
	var res outResult
	if f.RuleID == "" {
		return res, fmt.Errorf("empty rule id")
	}
	switch f.Level {
	case LevelError, LevelWarning, LevelNote, LevelNone:
	default:
		return res, fmt.Errorf("level %q is not a SARIF level", f.Level)
	}
	f.identified()
	res.RuleID = f.RuleID
	res.Level = f.Level
	res.Message.Text = f.Message
	if f.File != "" {
		var loc outLocation
		loc.PhysicalLocation.ArtifactLocation.URI, loc.PhysicalLocation.ArtifactLocation.URIBaseID = fileURI(f.File)
		if f.StartLine > 0 {
			reg := &outRegion{StartLine: f.StartLine}
			if f.EndLine > f.StartLine {
				reg.EndLine = f.EndLine
			}
			loc.PhysicalLocation.Region = reg
		}
		res.Locations = []outLocation{loc}
	}
	res.Fingerprints = map[string]string{FingerprintKey: f.Fingerprint, ContentHashKey: f.ContentHash}
	if f.Suppressed {
		res.Suppressions = []outSuppression{{Kind: "external"}}
	}
	return res, nil
}

// fileURI is the inverse of resolveFile for a Finding's File: a relative path
// becomes a relative URI under %SRCROOT%, an absolute path a file:// URI, and
// a URI stays as it is.
func fileURI(file string) (uri, baseID string) {
	switch {
	case strings.HasPrefix(file, "/"):
		return (&url.URL{Scheme: "file", Path: file}).String(), ""
	case len(file) >= 3 && file[1] == ':' && file[2] == '/' && isAlnum(file[0]):
		return (&url.URL{Scheme: "file", Path: "/" + file}).String(), ""
	}
	if u, err := url.Parse(file); err == nil && len(u.Scheme) > 1 && u.Scheme != "file" {
		return file, ""
	}
	return (&url.URL{Path: file}).String(), "%SRCROOT%"
}
