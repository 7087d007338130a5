// Package gitx is the one place git-proof talks to git. It runs the git CLI
// (never go-git) so that what it reads is what git itself sees: GIT_DIR and
// `git -c` settings, pre-receive quarantines, alternates, SHA-256 object
// format, linked worktrees and reftable all work by construction. Reads that
// scale with history go through long-lived batch processes.
package gitx
