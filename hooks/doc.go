// Package hooks is git-proof's gate: the logic of the pre-push and
// pre-receive hooks and their installer. A ref update whose new commits
// have no valid proof that passes the gate's policy is refused, with a
// message that names each refused commit, the step it failed and the
// command that fixes it. Every internal error refuses: the gate fails
// closed. Server-side, everything is read through the git CLI so that the
// objects of the push, still in git's quarantine, are seen (DESIGN §6).
package hooks
