// Package junit reads JUnit XML test reports into named test cases, each
// with a stable ID and a pass, fail or skip status.
//
// It reads the shapes the common tools write: pytest --junitxml (a
// <testsuites> root around one <testsuite name="pytest">), Maven Surefire
// and Gradle (TEST-*.xml, a <testsuite> root per class), jest-junit
// (<testsuites name="jest tests">, a suite per file, classname and name from
// templates) and node --test --test-reporter=junit (tests at the top level,
// a nested <testsuite> per describe block or parent test, classname "test").
//
// # IDs
//
// A case's ID comes from its classname and name attributes (trimmed), or,
// when the classname is a placeholder ("", node's "test", "undefined",
// "null"), from the names of its enclosing <testsuite> elements:
//
//   - classname set: "classname.name"; just the name when it equals or
//     extends the classname ("classname ..." — jest-junit's default
//     templates write "{classname} {title}" into both); just the classname
//     when there is no name.
//   - classname a placeholder: the non-empty names of the enclosing
//     <testsuite> elements, outermost first, and the name, joined with " › ".
//     A case with no name at all is "testcase N", N its position in the file.
//
// Examples, one per tool (the samples under testdata/):
//
//	tool        classname                         name                            ID
//	pytest      tests.test_calc                   test_add                        tests.test_calc.test_add
//	pytest      tests.test_calc.TestParser        test_parses_int                 tests.test_calc.TestParser.test_parses_int
//	pytest      tests.test_calc                   test_pow[2-3-8]                 tests.test_calc.test_pow[2-3-8]
//	pytest      "" (collection error)             tests.test_broken               pytest › tests.test_broken
//	Surefire    com.example.calc.CalculatorTest   addsTwoNumbers                  com.example.calc.CalculatorTest.addsTwoNumbers
//	Surefire    com.example.calc.CalculatorTest   addsMany(int, int, int)[1]      com.example.calc.CalculatorTest.addsMany(int, int, int)[1]
//	Gradle      com.example.calc.CalculatorTest   addsTwoNumbers()                com.example.calc.CalculatorTest.addsTwoNumbers()
//	jest-junit  Calculator adds two numbers       Calculator adds two numbers     Calculator adds two numbers
//	jest-junit  " parses an empty string"         " parses an empty string"       parses an empty string
//	jest-junit  Test suite failed to run          src/broken.test.js              Test suite failed to run.src/broken.test.js
//	node        test (suites math, division)      divides                         math › division › divides
//	node        test (top level)                  adds numbers                    adds numbers
//
// The file attribute is not part of the ID: node writes an absolute path
// there, which differs between the base and head worktrees. So two node
// tests of one name at the top level of two files share an ID.
//
// IDs longer than MaxIDBytes are cut and end in "…" and a digest of the
// whole ID, so they stay distinct.
//
// # Statuses
//
// A case with a <failure> or an <error> fails, even if it also has a
// <skipped>; a case with only a <skipped> (pytest's xfail included) is
// skipped; any other case passes. Surefire's <flakyFailure> and
// <rerunFailure> record reruns and do not change the status. One exception:
// node writes a todo test as <skipped type="todo"> plus a <failure> when it
// fails; a todo's failure is expected (node does not count it, and TAP says
// a failing TODO is not a failure), so the case is skipped, as the same run
// read through package tap reports it.
//
// When one ID names several cases (pytest writes a test that fails and then
// errors in teardown twice, Gradle's test-retry plugin writes every attempt,
// node's top-level tests of two files may share a name), they merge into
// one: the worst status wins (fail, then skip, then pass), so no duplicate
// hides a failure. Reruns that pass are flakiness, which the checks runner's
// repeat option measures, not a pass.
//
// # Why encoding/xml
//
// github.com/joshdk/go-junit (v1.0.0, 2021) was considered. It does not fit:
// it lets the last result element win, so a failure followed by a
// <skipped> reads as skipped; it keeps every element's inner XML as it
// parses, so memory grows with nesting depth times size; it decodes text
// with HTML rules rather than XML's; and it reads an empty or non-XML input
// as a report with no tests. A streaming pass over encoding/xml's tokens
// with our own rules is short, bounds memory by the limits in limits.go,
// and reports the line and column of a problem. encoding/xml does not
// expand entities a DOCTYPE declares, so an entity bomb is a syntax error,
// not an expansion.
package junit
