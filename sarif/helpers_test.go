package sarif_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/git-proof/git-proof/sarif"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden/")

// golden compares got, as indented JSON, with testdata/golden/name, or
// rewrites the file under -update.
func golden(t *testing.T, name string, got any) {
	t.Helper()
	data, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	goldenBytes(t, name, append(data, '\n'))
}

func goldenBytes(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test -update to accept):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// parseFile parses a checked-in sample.
func parseFile(t *testing.T, name, root string) []sarif.Finding {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fs, err := sarif.Parse(f, root)
	if err != nil {
		t.Fatalf("Parse(%s) = %v", name, err)
	}
	return fs
}

// byRule indexes findings by rule id (the first of each).
func byRule(fs []sarif.Finding) map[string]sarif.Finding {
	m := map[string]sarif.Finding{}
	for _, f := range fs {
		if _, ok := m[f.RuleID]; !ok {
			m[f.RuleID] = f
		}
	}
	return m
}

func asParseError(err error, target **sarif.ParseError) bool {
	return errors.As(err, target)
}
