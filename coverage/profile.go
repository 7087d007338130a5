package coverage

import (
	"container/heap"
	"math"
	"path"
	"slices"
	"sort"
	"strings"
)

// Profile is line coverage of files: for each repo-relative slash path,
// which lines are executable and how often each ran. A line no Segment
// covers is not executable (blank, a comment, a declaration, or simply
// outside what the tool instrumented). The zero value is an empty profile;
// a Profile is not changed after it is built, so it is safe to share.
type Profile struct {
	files    map[string][]Segment
	outside  []string // sorted, at most maxOutside names
	nOutside int
}

// Segment is a run of consecutive executable lines that ran the same number
// of times.
type Segment struct {
	Start, End int   // 1-based, inclusive
	Count      int64 // times the lines ran; 0 means not covered
}

// Files returns the repo-relative paths the profile has data for, sorted.
func (p *Profile) Files() []string {
	if p == nil {
		return nil
	}
	out := make([]string, 0, len(p.files))
	for f := range p.files {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

// Segments returns a copy of the executable lines of file, in order.
func (p *Profile) Segments(file string) []Segment {
	if p == nil {
		return nil
	}
	return slices.Clone(p.files[file])
}

// Line says whether line of file is executable and how often it ran.
func (p *Profile) Line(file string, line int) (count int64, executable bool) {
	if p == nil {
		return 0, false
	}
	segs := p.files[file]
	i := sort.Search(len(segs), func(i int) bool { return segs[i].End >= line })
	if i < len(segs) && segs[i].Start <= line {
		return segs[i].Count, true
	}
	return 0, false
}

// Outside returns, sorted, the names the report gave for files outside the
// tree (another module, the standard library, an absolute path not under
// the root), at most 1000 of them, and how many there were in all. Many
// such names and no Files usually means a wrong module path or root.
func (p *Profile) Outside() (names []string, total int) {
	if p == nil {
		return nil, 0
	}
	return slices.Clone(p.outside), p.nOutside
}

// Merge combines profiles of the same tree (several packages, several test
// commands or tools): a line is executable if it is in any of them and ran
// as often as the sum of their counts, so a line covered in any is covered.
// Nil profiles are skipped.
func Merge(ps ...*Profile) *Profile {
	files := map[string][][]Segment{}
	outside := map[string]bool{}
	nOutside := 0
	for _, p := range ps {
		if p == nil {
			continue
		}
		for f, segs := range p.files {
			files[f] = append(files[f], segs)
		}
		for _, o := range p.outside {
			outside[o] = true
		}
		nOutside += p.nOutside
	}
	out := &Profile{files: make(map[string][]Segment, len(files))}
	for f, lists := range files {
		if len(lists) == 1 {
			out.files[f] = slices.Clone(lists[0])
			continue
		}
		out.files[f] = sumSegments(lists)
	}
	for o := range outside {
		out.outside = append(out.outside, o)
	}
	sort.Strings(out.outside)
	if len(out.outside) > maxOutside {
		out.outside = out.outside[:maxOutside]
	}
	// Names seen by several inputs count once when every input listed all
	// of its names; otherwise the sum is the best bound there is.
	out.nOutside = len(outside)
	for _, p := range ps {
		if p != nil && len(p.outside) < p.nOutside {
			out.nOutside = max(nOutside, len(outside))
			break
		}
	}
	return out
}

// sumSegments adds up several ordered, disjoint segment lists line by line.
func sumSegments(lists [][]Segment) []Segment {
	var pts []int
	for _, segs := range lists {
		for _, s := range segs {
			pts = append(pts, s.Start, s.End+1)
		}
	}
	slices.Sort(pts)
	pts = slices.Compact(pts)
	idx := make([]int, len(lists))
	var out []Segment
	for k := 0; k+1 < len(pts); k++ {
		a, b := pts[k], pts[k+1]-1
		var sum int64
		active := false
		for j, segs := range lists {
			for idx[j] < len(segs) && segs[idx[j]].End < a {
				idx[j]++
			}
			if idx[j] < len(segs) && segs[idx[j]].Start <= a {
				sum = addSat(sum, segs[idx[j]].Count)
				active = true
			}
		}
		if active {
			out = appendSegment(out, Segment{Start: a, End: b, Count: sum})
		}
	}
	return out
}

// addSat adds two non-negative counts, saturating at the largest int64.
func addSat(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// appendSegment appends s, joining it to the last segment when they touch
// and ran equally often.
func appendSegment(out []Segment, s Segment) []Segment {
	if n := len(out); n > 0 && out[n-1].End+1 == s.Start && out[n-1].Count == s.Count {
		out[n-1].End = s.End
		return out
	}
	return append(out, s)
}

// span is an executable line range of one report record before files are
// normalized into Segments.
type span struct {
	start, end int
	count      int64
}

// builder collects spans per file under the MaxFiles limit.
type builder struct {
	files   map[string][]span
	outside map[string]bool
}

func newBuilder() *builder {
	return &builder{files: map[string][]span{}, outside: map[string]bool{}}
}

// file registers a file name (in the tree when ok) and reports false when it
// is one file too many.
func (b *builder) file(name string, inTree bool) bool {
	if inTree {
		if _, seen := b.files[name]; seen {
			return true
		}
	} else if b.outside[name] {
		return true
	}
	if len(b.files)+len(b.outside) >= MaxFiles {
		return false
	}
	if inTree {
		b.files[name] = nil
	} else {
		b.outside[name] = true
	}
	return true
}

func (b *builder) add(name string, s span) {
	b.files[name] = append(b.files[name], s)
}

// profile normalizes every file with combine ("max" for spans that are
// different code sharing a line, "sum" for repeated records of one line).
func (b *builder) profile(sum bool) *Profile {
	p := &Profile{files: make(map[string][]Segment, len(b.files))}
	for f, spans := range b.files {
		var segs []Segment
		if sum {
			segs = normalizeSum(spans)
		} else {
			segs = normalizeMax(spans)
		}
		if len(segs) > 0 {
			p.files[f] = segs
		}
	}
	p.nOutside = len(b.outside)
	for o := range b.outside {
		p.outside = append(p.outside, o)
	}
	sort.Strings(p.outside)
	if len(p.outside) > maxOutside {
		p.outside = p.outside[:maxOutside]
	}
	return p
}

// normalizeSum turns one-line spans into segments, adding the counts of
// repeated lines.
func normalizeSum(spans []span) []Segment {
	slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })
	var out []Segment
	for i := 0; i < len(spans); {
		line, count := spans[i].start, spans[i].count
		j := i + 1
		for ; j < len(spans) && spans[j].start == line; j++ {
			count = addSat(count, spans[j].count)
		}
		out = appendSegment(out, Segment{Start: line, End: line, Count: count})
		i = j
	}
	return out
}

// normalizeMax turns possibly overlapping spans into segments whose count is
// the largest count of the spans covering each line. Go blocks share a line
// where one statement ends and the next begins (`if x {`); the line ran if
// either did.
func normalizeMax(spans []span) []Segment {
	slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })
	pts := make([]int, 0, 2*len(spans))
	for _, s := range spans {
		pts = append(pts, s.start, s.end+1)
	}
	slices.Sort(pts)
	pts = slices.Compact(pts)
	var (
		h   spanHeap
		out []Segment
		i   int
	)
	for k := 0; k+1 < len(pts); k++ {
		a, b := pts[k], pts[k+1]-1
		for i < len(spans) && spans[i].start <= a {
			heap.Push(&h, spans[i])
			i++
		}
		for len(h) > 0 && h[0].end < a {
			heap.Pop(&h)
		}
		if len(h) > 0 {
			out = appendSegment(out, Segment{Start: a, End: b, Count: h[0].count})
		}
	}
	return out
}

// spanHeap is a max-heap of spans by count.
type spanHeap []span

func (h spanHeap) Len() int           { return len(h) }
func (h spanHeap) Less(i, j int) bool { return h[i].count > h[j].count }
func (h spanHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *spanHeap) Push(x any)        { *h = append(*h, x.(span)) }
func (h *spanHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// inTree reports whether p is a clean, relative slash path that stays in
// the tree.
func inTree(p string) bool {
	return p != "" && p != "." && !path.IsAbs(p) && path.Clean(p) == p &&
		p != ".." && !strings.HasPrefix(p, "../")
}
