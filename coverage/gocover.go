package coverage

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"path"
	"slices"
	"strings"
)

const formatGo = "coverprofile"

// goBlock is one line of a Go profile: a statement block from
// startLine.startCol to endLine.endCol.
type goBlock struct {
	startLine, startCol, endLine, endCol int
	stmts                                int
	count                                int64
	at                                   int // input line, for errors
}

// ParseGo reads a `go test -coverprofile` file (mode set, count or atomic;
// also `go tool covdata textfmt` output, and several profiles concatenated).
//
// Go names files by import path (example.com/m/pkg/file.go). modulePath is
// the module's path from its go.mod; moduleDir is the slash path of the
// module's directory within the repository ("" or "." when go.mod is at the
// root). A file under the module becomes moduleDir/pkg/file.go; files of
// other modules and the standard library are listed by Outside.
//
// A line is executable when a block with at least one statement spans it
// (a zero-statement block, such as an empty function body, is not code),
// and ran as often as the largest count of the blocks that share it: blocks
// meet on lines like `if x > 0 {` or `} else {`, where one block's code ends
// and the next begins, and such a line ran if either part did. Repeated
// blocks at the same position (profiles of several test binaries) add up,
// or, in set mode, are covered if any is.
func ParseGo(r io.Reader, modulePath, moduleDir string) (*Profile, error) {
	return parseGo(r, modulePath, moduleDir, MaxInputBytes)
}

func parseGo(r io.Reader, modulePath, moduleDir string, maxBytes int64) (*Profile, error) {
	if modulePath == "" || strings.HasSuffix(modulePath, "/") {
		return nil, fmt.Errorf("%s: module path %q: want the module line of go.mod", formatGo, modulePath)
	}
	moduleDir = strings.TrimSuffix(moduleDir, "/")
	if moduleDir == "" {
		moduleDir = "."
	}
	if moduleDir != "." && !inTree(moduleDir) {
		return nil, fmt.Errorf("%s: module directory %q: want a clean path relative to the repository root", formatGo, moduleDir)
	}
	prefix := modulePath + "/"

	ls := newLineScanner(r, formatGo, maxBytes)
	b := newBuilder()
	blocks := map[string][]goBlock{}
	mode := ""
	var (
		lastName   string // the previous line's file, to skip a map lookup
		lastMapped string
		lastIn     bool
	)
	for {
		line, ok := ls.next()
		if !ok {
			break
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if bytes.IndexByte(line, 0) >= 0 {
			return nil, errAt(formatGo, ls.n, ErrMalformed, "binary data")
		}
		if m, ok := bytes.CutPrefix(line, []byte("mode: ")); ok {
			switch string(m) {
			case "set", "count", "atomic":
			default:
				return nil, errAt(formatGo, ls.n, ErrMalformed, "mode %q: want set, count or atomic", m)
			}
			// Concatenated profiles may mix modes: counts add up unless
			// every part is in set mode.
			if mode == "" || string(m) != "set" {
				mode = string(m)
			}
			continue
		}
		if mode == "" {
			return nil, errAt(formatGo, ls.n, ErrMalformed, "want a first line \"mode: set|count|atomic\"")
		}
		name, blk, err := parseGoBlock(line)
		if err != nil {
			return nil, &ParseError{Format: formatGo, Line: ls.n, Err: err}
		}
		blk.at = ls.n
		if name != lastName {
			lastName = name
			rest, ok := strings.CutPrefix(name, prefix)
			lastMapped, lastIn = name, ok && inTree(rest)
			if lastIn {
				lastMapped = path.Join(moduleDir, rest)
			}
			if !b.file(lastMapped, lastIn) {
				return nil, errAt(formatGo, ls.n, ErrTooLarge, "more than %d files", MaxFiles)
			}
		}
		if lastIn {
			blocks[lastMapped] = append(blocks[lastMapped], blk)
		}
	}
	if err := ls.err(); err != nil {
		return nil, err
	}
	if mode == "" {
		return nil, errAt(formatGo, 0, ErrMalformed, "empty profile: want a first line \"mode: set|count|atomic\"")
	}
	for file, bs := range blocks {
		slices.SortFunc(bs, func(x, y goBlock) int {
			for _, d := range [...]int{x.startLine - y.startLine, x.startCol - y.startCol, x.endLine - y.endLine, x.endCol - y.endCol} {
				if d != 0 {
					return d
				}
			}
			return 0
		})
		for i := 0; i < len(bs); {
			blk := bs[i]
			j := i + 1
			for ; j < len(bs) && samePlace(bs[j], blk); j++ {
				if bs[j].stmts != blk.stmts {
					return nil, errAt(formatGo, bs[j].at, ErrMalformed,
						"block %d.%d,%d.%d has %d statements here and %d at line %d: profiles of different sources",
						blk.startLine, blk.startCol, blk.endLine, blk.endCol, bs[j].stmts, blk.stmts, blk.at)
				}
				if mode == "set" {
					blk.count = max(blk.count, bs[j].count)
				} else {
					blk.count = addSat(blk.count, bs[j].count)
				}
			}
			if blk.stmts > 0 {
				b.add(file, span{start: blk.startLine, end: blk.endLine, count: blk.count})
			}
			i = j
		}
	}
	return b.profile(false), nil
}

func samePlace(x, y goBlock) bool {
	return x.startLine == y.startLine && x.startCol == y.startCol && x.endLine == y.endLine && x.endCol == y.endCol
}

// parseGoBlock parses "name.go:startLine.startCol,endLine.endCol stmts count".
// It reads from the right, since a file name may hold ':' and spaces.
func parseGoBlock(line []byte) (string, goBlock, error) {
	whole := truncate(line)
	bad := func(msg string, args ...any) (string, goBlock, error) {
		return "", goBlock{}, fmt.Errorf("block %q: %s: %w", whole, fmt.Sprintf(msg, args...), ErrMalformed)
	}
	sp := bytes.LastIndexByte(line, ' ')
	if sp < 0 {
		return bad("want \"file:line.col,line.col statements count\"")
	}
	count, ok := parseNumber(line[sp+1:], math.MaxInt64)
	if !ok {
		return bad("count %q: want a non-negative integer", line[sp+1:])
	}
	line = line[:sp]
	sp = bytes.LastIndexByte(line, ' ')
	if sp < 0 {
		return bad("want \"file:line.col,line.col statements count\"")
	}
	stmts, ok := parseNumber(line[sp+1:], maxColumn)
	if !ok {
		return bad("statement count %q: want a non-negative integer", line[sp+1:])
	}
	line = line[:sp]
	colon := bytes.LastIndexByte(line, ':')
	if colon <= 0 {
		return bad("want \"file:line.col,line.col\"")
	}
	name, pos := string(line[:colon]), line[colon+1:]
	from, to, ok := bytes.Cut(pos, []byte(","))
	if !ok {
		return bad("position %q: want line.col,line.col", pos)
	}
	var nums [4]int64
	for i, part := range [][]byte{from, to} {
		l, c, ok := bytes.Cut(part, []byte("."))
		if !ok {
			return bad("position %q: want line.col,line.col", pos)
		}
		if nums[2*i], ok = parseNumber(l, MaxLine); !ok {
			if _, isNum := parseNumber(l, math.MaxInt64); isNum {
				return "", goBlock{}, fmt.Errorf("block %q: line %s: past %d: %w", whole, l, MaxLine, ErrTooLarge)
			}
			return bad("line %q: want 1 to %d", l, MaxLine)
		}
		if nums[2*i+1], ok = parseNumber(c, maxColumn); !ok {
			return bad("column %q: want 0 to %d", c, maxColumn)
		}
	}
	blk := goBlock{
		startLine: int(nums[0]), startCol: int(nums[1]), endLine: int(nums[2]), endCol: int(nums[3]),
		stmts: int(stmts), count: count,
	}
	if blk.startLine == 0 || blk.endLine == 0 {
		return bad("line 0: lines start at 1")
	}
	if blk.startLine > blk.endLine || blk.startLine == blk.endLine && blk.startCol > blk.endCol {
		return bad("starts after it ends")
	}
	return name, blk, nil
}

// parseNumber parses a decimal of ASCII digits only (no sign, no spaces)
// that is at most limit.
func parseNumber(b []byte, limit int64) (int64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := int64(c - '0')
		if n > (limit-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n, true
}

// truncate shortens an input line quoted in an error message.
func truncate(b []byte) string {
	const max = 120
	if len(b) > max {
		return string(b[:max]) + "…"
	}
	return string(b)
}
