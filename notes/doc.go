// Package notes reads and writes proof notes on refs/notes/proof. It accepts
// any fanout git may choose (and, like git, concatenates duplicate entries
// of one object), writes through `git update-ref <ref> <new> <old>` so that
// concurrent writers are serialised by git's own compare-and-swap, and
// never loses a record another writer added in between.
package notes
