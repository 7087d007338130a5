// Package testcase is the model of test results the report parsers share
// (packages junit and tap, and package checks above them): a named case
// with a status, how statuses rank, how cases of one ID merge, and the
// helpers that keep IDs, messages and reports from untrusted input
// bounded.
package testcase
