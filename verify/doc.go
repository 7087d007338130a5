// Package verify checks proof records against commits, one step after
// another as DESIGN §4 lists them: read the note, parse the record, check
// the signature, check that the signer is trusted, check that the record's
// tree transition is the commit's, recompute the diff digest, and ask the
// verifier's own policy. A commit passes when one of its records passes
// every step. Bulk verification batches all git reads and verifies
// signatures on every core.
package verify
