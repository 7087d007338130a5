package tap

// The limits on one untrusted TAP stream, all in one place. A stream past
// MaxReportBytes, MaxCases or MaxDepth is an error; lines, IDs, messages
// and YAML blocks past their limits are cut or dropped as each says.
const (
	// MaxReportBytes is the largest stream read.
	MaxReportBytes = 64 << 20
	// MaxCases is the most test points in one stream, subtests included,
	// and the largest plan.
	MaxCases = 1 << 20
	// MaxDepth is the deepest nesting of subtests.
	MaxDepth = 64
	// MaxLineBytes is the longest line read; a longer one is dropped as
	// non-TAP (a test point lost that way shows as a plan mismatch).
	MaxLineBytes = 1 << 20
	// MaxYAMLBytes is the most of a YAML diagnostic block kept to find a
	// failure's message in; the rest of a longer block is skipped.
	MaxYAMLBytes = 64 << 10
	// MaxIDBytes is the longest ID kept whole. A longer one is cut and ends
	// in "…" and 16 hex digits of its SHA-256, so that it stays unique.
	MaxIDBytes = 2048
	// MaxMessageBytes is the longest message kept.
	MaxMessageBytes = 1024
)
