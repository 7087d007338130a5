package sarif

import (
	"net/url"
	"path"
	"path/filepath"
	"strings"
)

// artifactLocation is SARIF §3.4: a URI, maybe relative to a named base.
type artifactLocation struct {
	URI       *string `json:"uri"`
	URIBaseID string  `json:"uriBaseId"`
	Index     *int    `json:"index"`
}

// resolveFile turns an artifact location into a Finding's File.
//
//   - A relative URI, with or without a uriBaseId, is taken as relative to
//     the repository root: tools use %SRCROOT% (CodeQL, semgrep) or no base
//     (golangci-lint) for the directory they ran in. When the base is itself
//     defined in originalUriBaseIds by a relative URI (a base inside the
//     source root), that prefix is added.
//   - A file:// URI (ESLint, SARIF multitool) is an absolute path; it is made
//     relative to root when it lies under it, and kept absolute otherwise.
//   - Any other absolute URI (https:, …) is kept as written.
//
// Percent-escapes are decoded; "./" and "a/../" are cleaned away.
func resolveFile(loc artifactLocation, bases map[string]artifactLocation, root string) string {
	return strings.ToValidUTF8(resolveURI(loc, bases, root), "\uFFFD")
}

func resolveURI(loc artifactLocation, bases map[string]artifactLocation, root string) string {
	if loc.URI == nil {
		return ""
	}
	raw := *loc.URI
	u, err := url.Parse(raw)
	if err != nil {
		// Not a URI reference (a Windows path, a stray %): a path as written.
		return cleanPath(filepath.ToSlash(raw), root)
	}
	switch {
	case u.Scheme == "file":
		return cleanPath(fileURLPath(u), root)
	case u.Scheme != "" && len(u.Scheme) == 1:
		// "C:/x/y.go" parses as scheme "c": a Windows path, not a URI.
		return cleanPath(filepath.ToSlash(raw), root)
	case u.Scheme != "":
		return raw
	}
	p := u.Path
	if strings.HasPrefix(p, "/") {
		return cleanPath(p, root)
	}
	base := loc.URIBaseID
	for hop := 0; base != "" && hop < maxURIBaseHops; hop++ {
		b, ok := bases[base]
		if !ok || b.URI == nil {
			break
		}
		bu, err := url.Parse(*b.URI)
		if err != nil {
			break
		}
		if bu.Scheme == "file" || strings.HasPrefix(bu.Path, "/") {
			// An absolute base: inside root it adds its relative part; outside
			// it names the source root of some other machine.
			abs := fileURLPath(bu)
			if root != "" {
				if rel, ok := under(abs, root); ok && rel != "." {
					p = rel + "/" + p
				}
			}
			break
		}
		if bu.Scheme != "" {
			break
		}
		p = strings.TrimSuffix(bu.Path, "/") + "/" + p
		base = b.URIBaseID
	}
	return cleanPath(p, root)
}

// fileURLPath is the path of a file URL, with Windows drive letters
// ("file:///C:/x") kept as "C:/x".
func fileURLPath(u *url.URL) string {
	p := u.Path
	if len(p) >= 3 && p[0] == '/' && p[2] == ':' && isAlnum(p[1]) {
		p = p[1:]
	}
	if u.Host != "" && u.Host != "localhost" {
		p = "//" + u.Host + p
	}
	return p
}

// cleanPath makes p slash-clean and, when absolute and under root,
// relative to root.
func cleanPath(p, root string) string {
	if p == "" {
		return ""
	}
	abs := strings.HasPrefix(p, "/") || (len(p) >= 3 && p[1] == ':' && p[2] == '/')
	if abs {
		if root != "" {
			if rel, ok := under(p, root); ok {
				return rel
			}
		}
		if strings.HasPrefix(p, "//") {
			return "//" + strings.TrimPrefix(path.Clean(p), "/")
		}
		return path.Clean(p)
	}
	return path.Clean(p)
}

// under reports p relative to root when p lies inside root.
func under(p, root string) (string, bool) {
	root = path.Clean(filepath.ToSlash(root))
	p = path.Clean(p)
	if p == root {
		return ".", true
	}
	if root == "/" {
		return p[1:], true
	}
	if rest, ok := strings.CutPrefix(p, root+"/"); ok {
		return rest, true
	}
	return "", false
}
