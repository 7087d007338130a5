// Package run orchestrates `git proof run`: it checks out the head, base and
// repro trees of a commit in temporary worktrees, runs the checks on each,
// compares the results, binds them to the diff, asks the policy, signs the
// predicate and appends the record to the commit's note.
package run
