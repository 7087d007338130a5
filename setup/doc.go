// Package setup prepares a repository for git-proof (`git proof init`):
// the notes merge strategy, fetch refspecs that bring each remote's proofs
// beside (never over) the local ones, optional display in `git log`, and
// the .proof/ scaffolding. Every step is idempotent and reported.
package setup
