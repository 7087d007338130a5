package policy_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/git-proof/git-proof/policy"
)

// A project's module adds a deny reason to the default policy's; the
// default turns any deny into BLOCK.
func ExampleNew() {
	ctx := context.Background()
	strict := policy.Module{Name: ".proof/policy/strict.rego", Source: `package proof

deny contains "no Fridays" if input.proofpack.day == "Fri"
`}
	eng, err := policy.New(ctx, append(policy.Default(), strict), policy.WithData(map[string]any{"riskThreshold": 0.7}))
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := eng.Eval(ctx, &policy.Input{Proofpack: json.RawMessage(`{"day": "Fri"}`), Context: "verify"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Decision, res.Deny)
	// Output: BLOCK [no Fridays]
}
