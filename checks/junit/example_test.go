package junit_test

import (
	"fmt"
	"strings"

	"github.com/git-proof/git-proof/checks/junit"
)

func ExampleParse() {
	report := `<?xml version="1.0" encoding="utf-8"?>
<testsuites>
  <testsuite name="pytest" tests="3">
    <testcase classname="tests.test_calc" name="test_add" time="0.001"/>
    <testcase classname="tests.test_calc" name="test_div" time="0.002">
      <failure message="ZeroDivisionError: division by zero">...</failure>
    </testcase>
    <testcase classname="tests.test_calc" name="test_round" time="0">
      <skipped message="not implemented yet"/>
    </testcase>
  </testsuite>
</testsuites>`
	cases, err := junit.Parse(strings.NewReader(report))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range cases {
		fmt.Println(strings.TrimSpace(fmt.Sprintf("%s %s (%v) %s", c.Status, c.ID, c.Duration, c.Message)))
	}
	// Output:
	// pass tests.test_calc.test_add (1ms)
	// fail tests.test_calc.test_div (2ms) ZeroDivisionError: division by zero
	// skip tests.test_calc.test_round (0s) not implemented yet
}

func ExampleParseError() {
	_, err := junit.Parse(strings.NewReader("<testsuites>\n  <testcase name=\"t\">\n"))
	fmt.Println(err)
	// Output:
	// JUnit XML: line 3, column 1: XML syntax error: unexpected EOF
}
