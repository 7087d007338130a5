package astdiff

import "time"

// Limits on the work one file may cause, in one place. Inputs come from any
// commit, so every quadratic step and every list in a result is bounded.

// Defaults of the Analyzer options.
const (
	DefaultMaxFileBytes = 1 << 20         // a larger side makes the file line-level (as difftastic's limit)
	DefaultParseTimeout = 2 * time.Second // per parse
	DefaultMaxNodes     = 2_000_000       // per tree
)

const (
	// binarySniffBytes is how far git looks for a NUL to call a file binary.
	binarySniffBytes = 8000
	// maxLCSCells bounds the quadratic table of one alignment; past it only
	// the common prefix and suffix are matched.
	maxLCSCells = 1 << 20
	// maxRenamePairs bounds the rename candidates scored per alignment.
	maxRenamePairs = 64
	// minRenameNodes is the least content (named nodes) a declaration needs
	// to be paired as a rename: smaller ones cannot be told from a removal
	// and an addition.
	minRenameNodes = 6
	// maxSimilarityNodes bounds the nodes compared for one rename candidate.
	maxSimilarityNodes = 4096
	// maxWrapKids bounds the children tried when looking for a wrapped node.
	maxWrapKids = 8
	// maxDepth bounds the descent; deeper changes are reported where it stops.
	maxDepth = 200
	// maxChanges bounds the changes listed per hunk.
	maxChanges = 32
	// maxPathSegments bounds a rendered path; the middle of longer ones is cut.
	maxPathSegments = 12
	// maxAPIDepth bounds the nesting the API walk follows.
	maxAPIDepth = 64
	// maxErrorPlaces bounds FileResult.ParseErrors per side.
	maxErrorPlaces = 10
)
