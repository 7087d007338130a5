// Package report renders verification results for people (text) and
// programs (versioned JSON). Text never presents a record's contents as
// fact unless its signature verified and its signer is trusted, and every
// string taken from a record is escaped before it reaches a terminal.
package report
