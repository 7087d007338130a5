//go:build !unix

package gitx

import "context"

// lockWorktrees is a no-op where flock is unavailable: concurrent runs in
// one repository may then race in `git worktree add`.
func (r *Repo) lockWorktrees(context.Context) (func(), error) { return func() {}, nil }
