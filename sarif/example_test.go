package sarif_test

import (
	"fmt"
	"strings"

	"github.com/git-proof/git-proof/sarif"
)

// The front door: parse the base's and the head's reports, keep what is new.
func ExampleMatch() {
	base := `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"golangci-lint"}},"results":[
	  {"ruleId":"errcheck","level":"error","message":{"text":"Error return value of ` + "`f.Close`" + ` is not checked"},
	   "locations":[{"physicalLocation":{"artifactLocation":{"uri":"main.go"},"region":{"startLine":12}}}]}]}]}`
	head := `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"golangci-lint"}},"results":[
	  {"ruleId":"errcheck","level":"error","message":{"text":"Error return value of ` + "`f.Close`" + ` is not checked"},
	   "locations":[{"physicalLocation":{"artifactLocation":{"uri":"main.go"},"region":{"startLine":15}}}]},
	  {"ruleId":"unused","level":"warning","message":{"text":"func ` + "`helper`" + ` is unused"},
	   "locations":[{"physicalLocation":{"artifactLocation":{"uri":"util.go"},"region":{"startLine":3}}}]}]}]}`

	b, err := sarif.Parse(strings.NewReader(base), "")
	if err != nil {
		panic(err)
	}
	h, err := sarif.Parse(strings.NewReader(head), "")
	if err != nil {
		panic(err)
	}
	newFindings, fixed, unchanged := sarif.Match(b, h)
	for _, f := range newFindings {
		fmt.Printf("new %s %s:%d %s: %s\n", f.Level, f.File, f.StartLine, f.RuleID, f.Message)
	}
	fmt.Println(len(fixed), "fixed,", len(unchanged), "unchanged")
	// Output:
	// new warning util.go:3 unused: func `helper` is unused
	// 0 fixed, 1 unchanged
}
