package checks

import (
	"bytes"
	"os"
	"path"
	"path/filepath"

	"github.com/git-proof/git-proof/coverage"
	"golang.org/x/mod/modfile"
)

// maxCoverageBytes bounds the coverage data kept per check run.
const maxCoverageBytes = 32 << 20

// CoverageData is a coverage file as a check wrote it, with what is needed
// to read it later against a diff: the tree's directory at the time (LCOV
// files name absolute paths) and, for a Go profile, the module it names
// files by.
type CoverageData struct {
	Files     [][]byte `json:"files"`
	Root      string   `json:"root"`
	Go        bool     `json:"go"`
	Module    string   `json:"module,omitempty"`    // module path, for Go profiles
	ModuleDir string   `json:"moduleDir,omitempty"` // go.mod's directory in the tree
	Error     string   `json:"error,omitempty"`     // why no data was kept
}

// readCoverage keeps the coverage files glob names under dir.
func readCoverage(dir, glob string) *CoverageData {
	c := &CoverageData{Root: dir}
	files, err := readReports(dir, glob)
	if err != nil {
		c.Error = err.Error()
		return c
	}
	total := 0
	for _, f := range files {
		total += len(f)
	}
	if total > maxCoverageBytes {
		c.Error = "coverage data over 32 MiB"
		return c
	}
	c.Files = files
	c.Go = len(files) > 0 && bytes.HasPrefix(files[0], []byte("mode:"))
	if c.Go {
		// The go.mod nearest above the coverage file names the module.
		rel := path.Dir(glob)
		for {
			b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel), "go.mod"))
			if err == nil {
				c.Module = modfile.ModulePath(b)
				if rel != "." {
					c.ModuleDir = rel
				}
				break
			}
			if rel == "." || rel == "/" || rel == "" {
				break
			}
			rel = path.Dir(rel)
		}
	}
	return c
}

// Profile parses the kept coverage files.
func (c *CoverageData) Profile() (*coverage.Profile, error) {
	var ps []*coverage.Profile
	for _, f := range c.Files {
		var p *coverage.Profile
		var err error
		if c.Go {
			p, err = coverage.ParseGo(bytes.NewReader(f), c.Module, c.ModuleDir)
		} else {
			p, err = coverage.ParseLCOV(bytes.NewReader(f), c.Root, "")
		}
		if err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	return coverage.Merge(ps...), nil
}
