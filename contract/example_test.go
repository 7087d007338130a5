package contract_test

import (
	"bytes"
	"fmt"
	"os"

	"github.com/git-proof/git-proof/contract"
)

// The author's flow: parse the contract, grade it, redact it for the
// implementer, and keep the holdouts file aside; a verifier later joins the
// two and checks the hashes.
func Example() {
	data, err := os.ReadFile("testdata/contracts/gp-42.yaml")
	if err != nil {
		panic(err)
	}
	c, err := contract.Parse(data, "GP-42.yaml")
	if err != nil {
		panic(err)
	}
	report := contract.Grade(c, nil) // repro checks not run yet
	fmt.Println("grade:", report.Grade, report.Score, "below B:", report.Below("B"))

	salt := bytes.Repeat([]byte{1}, contract.SaltSize) // use contract.NewSalt()
	redacted, err := contract.Redact(c, salt)
	if err != nil {
		panic(err)
	}
	holdouts, err := contract.NewHoldoutsFile(c, salt)
	if err != nil {
		panic(err)
	}
	fmt.Println("redacted: holdouts", len(redacted.Holdouts), "commitment count", redacted.HoldoutCommitment.Count)

	joined, err := contract.Join(redacted, holdouts)
	if err != nil {
		panic(err)
	}
	full, _ := c.FullSHA256()
	again, _ := joined.FullSHA256()
	sum, _ := redacted.SHA256()
	fmt.Println("full hash survives:", full == again, "hash length:", len(sum))
	// Output:
	// grade: C 73 below B: true
	// redacted: holdouts 0 commitment count 2
	// full hash survives: true hash length: 64
}
