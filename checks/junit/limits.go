package junit

// The limits on one untrusted report, all in one place. A report past
// MaxReportBytes, MaxCases or MaxDepth is an error, not a truncated result;
// IDs and messages past their limits are cut (see the package
// documentation).
const (
	// MaxReportBytes is the largest report file (or stream) read.
	MaxReportBytes = 64 << 20
	// MaxCases is the most test cases in one Parse or ParseFiles result,
	// counting duplicates before they merge.
	MaxCases = 1 << 20
	// MaxDepth is the deepest nesting of XML elements. Real reports nest a
	// few levels (node's describe blocks one per level); the limit keeps a
	// hostile document from growing the decoder's stack.
	MaxDepth = 64
	// MaxIDBytes is the longest ID kept whole. A longer one is cut and ends
	// in "…" and 16 hex digits of its SHA-256, so that it stays unique.
	MaxIDBytes = 2048
	// MaxMessageBytes is the longest message kept.
	MaxMessageBytes = 1024
)
