// Package proofpack defines the proof record: the predicate (schema v1), its
// in-toto Statement and DSSE envelope, the note format that stores records on
// refs/notes/proof, the untrusted summary line, and the canonical diff digest
// that binds a record to a tree transition. It parses untrusted notes with
// hard limits and never re-serialises what it verifies.
package proofpack
