package deps

import (
	"github.com/git-proof/git-proof/internal/lazyre"
	"strings"

	packageurl "github.com/package-url/packageurl-go"
)

// purl builds the package URL of a package in an ecosystem. exact is the
// one registry version the dependency resolves to, or "" when only a
// range, a URL or a path is known: a package URL names one version or none.
// The library applies the purl type rules (percent-encoding, the npm
// scope as an encoded namespace, lower-case Go paths and PyPI names).
func purl(ecosystem, name, exact string) string {
	var ns string
	switch ecosystem {
	case Golang:
		if i := strings.LastIndexByte(name, '/'); i >= 0 {
			ns, name = name[:i], name[i+1:]
		}
	case NPM:
		if strings.HasPrefix(name, "@") {
			if i := strings.IndexByte(name, '/'); i > 0 {
				ns, name = name[:i], name[i+1:]
			}
		}
	}
	if name == "" {
		return ""
	}
	u := packageurl.NewPackageURL(ecosystem, ns, name, exact, nil, "")
	if err := u.Normalize(); err != nil {
		return ""
	}
	return u.ToString()
}

// semverRE matches one exact semantic version, with an optional leading v.
var semverRE = lazyre.New(`^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)

// isExactSemver reports whether v is one exact semantic version (npm and
// Cargo lock files, an npm spec pinned to one version).
func isExactSemver(v string) bool { return semverRE.MatchString(v) }
