package deps

// Limits on untrusted input. Manifests come from the commits under review,
// so every size, count and depth that a crafted file could blow up is capped
// here and nowhere else. Input past a limit yields a ParseError wrapping the
// matching sentinel (ErrTooLarge, ErrTooMany, ErrTooDeep); it never panics.
const (
	// MaxFileSize is the largest manifest or lock file parsed. Real
	// package-lock.json files of large monorepos reach a few tens of MiB.
	MaxFileSize = 32 << 20

	// MaxFiles is the number of manifest and lock files one Parse reads;
	// the rest are reported and skipped.
	MaxFiles = 2000

	// MaxDependencies is the number of dependencies one Parse returns; the
	// rest are reported and dropped.
	MaxDependencies = 200_000

	// MaxIncludeDepth is how deep `-r other.txt` includes of requirements
	// files are followed.
	MaxIncludeDepth = 8

	// MaxNesting is how deep the nested "dependencies" objects of a
	// version 1 package-lock.json are walked, and how many directories up
	// a lock file or workspace root is looked for. Real trees are shallow;
	// the JSON decoder itself stops at 10,000 levels.
	MaxNesting = 128

	// MaxTOMLNesting caps how deep a TOML file nests (arrays, inline tables
	// and the parts of dotted keys together); see tomlNesting. Cargo.toml
	// and pyproject.toml files reach 5 or 6.
	MaxTOMLNesting = 32

	// MaxErrorsPerFile is how many errors one file reports; past it one
	// more says the rest were not reported.
	MaxErrorsPerFile = 20

	// MaxCandidates is how many entries of one package name are weighed
	// against each other when a Cargo dependency is matched to its locked
	// version or Diff pairs a lock entry with a manifest entry. Real
	// projects have a handful; past it the dependency stays unresolved
	// (its requirement as written) or unpaired (added and removed).
	MaxCandidates = 64

	// MaxMessageLength caps the message of one error, which may quote the
	// input.
	MaxMessageLength = 300

	// MaxFieldLength caps a dependency's name, version and replacement. A
	// longer one is reported and the dependency skipped, so records stay small.
	MaxFieldLength = 2048
)
