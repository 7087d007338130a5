package sarif_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// schemaURL is the id of the OASIS SARIF 2.1.0 (errata 01) schema checked in
// as testdata/sarif-schema-2.1.0.json.
const schemaURL = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

// validateSchema checks data against the official SARIF 2.1.0 schema, formats
// (uri, uri-reference, date-time) included.
func validateSchema(t *testing.T, name string, data []byte) {
	t.Helper()
	f, err := os.Open("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(schemaURL, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(schemaURL)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("%s does not follow the SARIF 2.1.0 schema: %v", name, err)
	}
}

func TestSamplesFollowSchema(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"golangci-lint.sarif", "semgrep.sarif", "codeql.sarif", "eslint.sarif", "messagestrings.sarif"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		validateSchema(t, name, data)
	}
}
