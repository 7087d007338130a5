// Package minimize finds the smallest set of a change's hunks that still
// does what the change is for: delta debugging (Zeller and Hildebrandt's
// ddmin) over hunk indices, with an oracle the caller gives (git-proof's:
// the fixed tests pass, and nothing that passed at head fails), and the
// application of a subset of `git diff -U0` hunks to a file.
//
// ddmin assumes the whole change passes and none of it fails; it returns a
// 1-minimal subset (removing any one hunk of it fails) unless its run
// budget ends first. Each round's candidates go to the oracle together, so
// the caller can check them in parallel.
package minimize
