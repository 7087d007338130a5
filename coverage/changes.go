package coverage

import (
	"path"
	"sort"
	"strings"
)

// Result is the coverage of a change's added lines at head.
type Result struct {
	// Executable counts the changed lines the profile calls executable;
	// Covered those of them that ran at least once.
	Executable, Covered int
	// Fraction is Covered/Executable. When Executable is 0 (no changed
	// executable line: docs, comments, deletions, or no data) it is 1,
	// vacuously: nothing changed went untested. Read Executable == 0 as
	// "nothing to measure" and NoData as "not measured" before trusting it.
	Fraction float64
	// Uncovered holds, per file, the changed executable lines that never
	// ran, as ordered ranges. A range may bridge changed lines that are not
	// executable (a blank line or comment between two uncovered statements)
	// but never an unchanged line or a covered one. Files with every changed
	// line covered are absent.
	Uncovered map[string][]LineRange
	// Files counts the changed files the profile has data for.
	Files int
	// NoData lists, sorted, the changed source files the profile says
	// nothing about (see IsSource): code the tests never loaded, or
	// code in another language than the tool measures.
	NoData []string
}

// OfChanges measures the changed lines against a profile of head. Pass
// only the files whose coverage matters: remove test files (the project's
// test globs) from changed first, since most tools do not measure them.
func OfChanges(p *Profile, changed ChangedLines) Result {
	res := Result{Uncovered: map[string][]LineRange{}}
	files := make([]string, 0, len(changed))
	for f := range changed {
		files = append(files, f)
	}
	sort.Strings(files)
	for _, f := range files {
		ranges := changed.normalize(f)
		if len(ranges) == 0 {
			continue
		}
		var segs []Segment
		if p != nil {
			segs = p.files[f]
		}
		if segs == nil {
			if IsSource(f) {
				res.NoData = append(res.NoData, f)
			}
			continue
		}
		res.Files++
		exec, cov, unc := measure(segs, ranges)
		res.Executable += exec
		res.Covered += cov
		if len(unc) > 0 {
			res.Uncovered[f] = unc
		}
	}
	res.Fraction = 1
	if res.Executable > 0 {
		res.Fraction = float64(res.Covered) / float64(res.Executable)
	}
	return res
}

// measure intersects ordered changed ranges with a file's segments.
func measure(segs []Segment, ranges []LineRange) (exec, cov int, uncovered []LineRange) {
	// bridgeable: the last uncovered range may still grow over the
	// non-executable changed lines that follow it.
	bridgeable := false
	i := 0
	for _, r := range ranges {
		bridgeable = false // an unchanged line lies between two ranges
		for i < len(segs) && segs[i].End < r.Start {
			i++
		}
		for j := i; j < len(segs) && segs[j].Start <= r.End; j++ {
			a, b := max(segs[j].Start, r.Start), min(segs[j].End, r.End)
			exec += b - a + 1
			if segs[j].Count > 0 {
				cov += b - a + 1
				bridgeable = false
				continue
			}
			if n := len(uncovered); n > 0 && bridgeable {
				uncovered[n-1].End = b
			} else {
				uncovered = append(uncovered, LineRange{Start: a, End: b})
			}
			bridgeable = true
		}
	}
	return exec, cov, uncovered
}

// IsSource reports whether a changed file is code a coverage tool could
// measure, judged by its name: a known programming-language extension,
// and for Go the go tool's own rules (no _test.go files, nothing under
// testdata/ or a directory starting with '.' or '_'). Docs, data and
// configuration never count as missing coverage.
func IsSource(file string) bool {
	base := path.Base(file)
	ext := strings.ToLower(path.Ext(base))
	switch ext {
	case ".go":
		if strings.HasSuffix(base, "_test.go") || strings.HasPrefix(base, ".") || strings.HasPrefix(base, "_") {
			return false
		}
		for _, dir := range strings.Split(path.Dir(file), "/") {
			if dir == "testdata" || strings.HasPrefix(dir, ".") && dir != "." || strings.HasPrefix(dir, "_") {
				return false
			}
		}
		return true
	case ".ts", ".mts", ".cts":
		// Declaration files hold types only.
		return !strings.HasSuffix(base, ".d"+ext)
	case ".js", ".mjs", ".cjs", ".jsx", ".tsx", ".vue", ".svelte",
		".py", ".rb", ".php", ".pl", ".pm", ".lua", ".r", ".jl",
		".c", ".h", ".cc", ".cpp", ".cxx", ".hh", ".hpp", ".hxx", ".m", ".mm",
		".rs", ".zig", ".nim", ".swift", ".dart",
		".java", ".kt", ".kts", ".scala", ".groovy", ".clj", ".cljs",
		".cs", ".fs", ".vb",
		".ex", ".exs", ".erl", ".hrl", ".hs", ".ml", ".elm":
		return true
	}
	return false
}
