package sarif

// Limits on untrusted input, in one place. A report over a limit is an error
// (ErrLimit), never silently truncated, except for the message text kept in a
// Finding, which is documented as its first MaxMessageBytes.
const (
	// MaxReportBytes bounds one SARIF log or one go vet output.
	MaxReportBytes = 64 << 20
	// MaxDepth bounds JSON nesting. Real logs nest about 15 deep (a code flow's
	// thread flow location's region's snippet); property bags add a few.
	MaxDepth = 64
	// MaxRuns bounds the runs of one log.
	MaxRuns = 1000
	// MaxFindings bounds the findings of one log or one go vet output.
	MaxFindings = 100_000
	// MaxIDBytes bounds a rule id, a tool name and an analyzer name.
	MaxIDBytes = 1024
	// MaxURIBytes bounds an artifact URI.
	MaxURIBytes = 4096
	// MaxMessageBytes is how much of a message a Finding keeps.
	MaxMessageBytes = 1024
	// MaxHashedBytes is how much of a snippet the content hash reads, after
	// normalisation. (The message it reads is the Finding's, at most
	// MaxMessageBytes.)
	MaxHashedBytes = 64 << 10
	// MaxLineBytes bounds one line of go vet output.
	MaxLineBytes = 1 << 20
	// maxURIBaseHops bounds chains of originalUriBaseIds.
	maxURIBaseHops = 8
)
