// Package deps reads the dependency manifests and lock files of a tree and
// computes the dependency delta between two trees: what was added, removed
// or changed, with versions and package URLs, so that a new dependency is
// evidence the policy can act on.
//
// The caller lists a tree's paths, keeps those IsManifest accepts, reads
// them (from git: the package does no I/O), and calls Parse for base and
// for head, then Diff. Parse never panics on any input; what it cannot use
// it reports as a *ParseError and leaves out.
//
// # Formats
//
// Go, go.mod: every require, at its version (Go versions are exact);
// Direct unless marked // indirect; Replace set from a replace directive
// for that path (a version-specific one wins). exclude, retract, tool and
// toolchain add nothing; go.sum is not read (it lists more than the build
// uses). Parsed by golang.org/x/mod/modfile in the go command's strict
// main-module mode, so a go.mod the go command would refuse is an error.
// Name keeps the module path's case; the package URL lower-cases it, as
// the purl spec's golang type says.
//
// npm, package.json with package-lock.json or npm-shrinkwrap.json (which
// npm prefers when both exist): dependencies (Scope ""),
// devDependencies ("dev"), optionalDependencies ("optional") and
// peerDependencies ("peer") are Direct; a name in two sections takes the
// one npm's arborist loads last (peer, prod, optional, dev). The version
// is the one the lock installed where Node's resolution would find it
// (the package's own node_modules, then each parent's), else the range as
// written. Version 2 and 3 locks are read from "packages", version 1 from
// the nested "dependencies". Every other locked package is an indirect
// dependency with Manifest the lock file, scoped by the lock's dev,
// optional and peer flags; the same name and version installed at several
// places is one entry. A lock whose package.json is not given still names
// the root's and each workspace's direct dependencies, from its own copy.
// npm: aliases give the real package's name. A package from git or a
// local path has that source as its version; workspace links are
// "file:<path>". Names keep their case, as npm does when it resolves
// them; the package URL encodes the scope as %40scope. "overrides" are
// not read: their effect is in the lock.
//
// Python, requirements*.txt and requirements/*.txt: parsed as pip does
// (backslash continuations, comments, options, per-requirement --hash);
// every requirement is Direct with Scope "" and its version specifiers as
// written, spaces removed (">=2.0,<3"); "name @ url", -e, URL and path
// requirements have the URL or path as version and a name from #egg=, the
// archive's file name or the last path element. `-r` includes are followed
// within the given files, relative to the including file, each file once
// (so a cycle ends), at most MaxIncludeDepth deep; URLs, absolute paths
// and paths outside the repository are not followed, and `-c` constraint
// files add nothing. pyproject.toml: PEP
// 621 [project] dependencies ("") and optional-dependencies (Scope = the
// extra), PEP 735 [dependency-groups] (Scope = the group) and Poetry's
// [tool.poetry] tables. Names are PEP 503 normalized. Python has no lock
// here, so the package URL has a version only for an exact "==" pin.
//
// Cargo, Cargo.toml with Cargo.lock (in its directory or the nearest above
// it, as in a workspace): [dependencies] ("", or "optional"),
// [dev-dependencies] ("dev") and [build-dependencies] ("build"), also
// under [target.'cfg'], are Direct, named by their real crate when
// renamed with package = "…", inheriting from the root's
// [workspace.dependencies] when workspace = true; those declarations are
// also entries of their own with Scope "workspace". The version is the
// locked one the crate depends on (of several, the one meeting the
// requirement), else the requirement as written; path dependencies have
// their path as version and git ones the lock's source (URL and commit).
// Every other registry or git package of the lock is indirect, with
// Manifest the lock file. [patch] and [replace] are not read: their
// effect is in the lock's sources. A target table's cfg is not recorded.
//
// # Identity and Diff
//
// Diff identifies a dependency by ecosystem, manifest and name: the same
// package in two manifests is two entries, and moving it between
// sections of one manifest (dev to prod) is a change of Scope. See Diff.
//
// # Libraries
//
// golang.org/x/mod/modfile is the go command's own go.mod parser, so deps
// reads a go.mod exactly as go does. github.com/BurntSushi/toml parses
// TOML 1.0 (it is the reference implementation the toml-test suite grew
// from), reports the byte offset of a syntax error, has no dependencies,
// and decodes in time linear in a table's width. We tried
// github.com/pelletier/go-toml/v2 first: its duplicate-key tracker scans a
// table's keys for every new key, so a crafted Cargo.toml of 40,000 keys
// took 2.3 s and one of the 32 MiB we accept would take hours. BurntSushi's
// weak spot is depth (it builds each level's full key path), which
// tomlNesting bounds before decoding, without a parse.
// github.com/package-url/packageurl-go is the purl project's own Go
// implementation: it knows each type's encoding and normalization rules.
// JSON is encoding/json. The PEP 508, requirements-file and Cargo
// version-requirement grammars are small and have no maintained Go
// library, so they are here, fuzzed.
//
// # Limits
//
// Sizes, counts and depths of untrusted input are capped in limits.go.
package deps
