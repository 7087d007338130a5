// Package coverage measures how much of a change its tests ran: it reads
// line coverage of the head tree (a Go coverprofile or an LCOV tracefile),
// reads the added lines of the change from a unified diff, and returns the
// fraction of added executable lines that ran, with the ranges that did
// not.
//
// The flow is
//
//	p, err := coverage.ParseGo(f, "example.com/m", "")           // or ParseLCOV(f, worktree, "")
//	changed, err := coverage.ChangedFromUnifiedDiff(gitDiffU0)
//	res := coverage.OfChanges(coverage.Merge(p, q), changed)
//
// # Rules
//
// A line is executable if the report says code starts, continues or ends
// on it, and covered if it ran at least once. For Go, a block that spans
// lines L1 to L2 makes each of them executable; lines shared by blocks
// (`if x > 0 {`, `} else {`) are covered when any block on them ran, since
// each block's code on such a line is only part of it; blocks with no
// statements (an empty function body) are not code. For LCOV, each DA line
// is executable. Profiles merged from several runs or tools cover a line if
// any of them does.
//
// Result.Fraction is 1 when no changed line is executable (nothing to
// measure); Result.NoData names changed source files that the profile does
// not mention, which a policy should treat as unmeasured, not as covered.
//
// # Why not golang.org/x/tools/cover
//
// golang.org/x/tools/cover.ParseProfilesFromReader reads the same format
// and is served by the module proxy, but it does not fit untrusted input
// here: its errors do not say which line failed and do not wrap; it reads
// without a size limit; it accepts any mode, line 0 and blocks that end
// before they start; and it rejects profiles concatenated from several
// runs (a second mode line) and blank lines. The format is one line per
// block, so this package parses it itself, and its tests and fuzz target
// check that both parsers read the same lines from every profile both
// accept.
//
// # Limits
//
// Every input is untrusted. MaxInputBytes, MaxFiles and MaxLine bound what
// is read; anything past them fails with ErrTooLarge. Malformed input fails
// with a *ParseError that names the format and line and wraps ErrMalformed.
package coverage
