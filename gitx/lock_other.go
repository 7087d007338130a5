//go:build !unix

package gitx

import "context"

// lockWorktrees is a no-op where flock is unavailable: concurrent runs in
// one repository may then race in `git worktree add`.
func (r *Repo) lockWorktrees(context.Context) (func(), error) { return func() {}, nil }

// tryLock always succeeds where flock is unavailable (a single run at a
// time is then the user's to ensure).
func tryLock(string) (func(), bool, error) { return func() {}, true, nil }
