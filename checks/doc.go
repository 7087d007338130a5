// Package checks runs a project's check commands in a tree, parses what they
// print into named results, and compares the results of the base, repro and
// head trees into fixed, regressed, added and removed tests.
package checks
