package gitx

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
)

// DiffEntry is one changed path of a recursive raw tree diff (no rename
// detection), exactly as `git diff-tree -r --raw` reports it.
type DiffEntry struct {
	OldMode, NewMode string // six octal digits, "000000" when absent
	OldID, NewID     string // full ids, the zero id when absent
	Status           byte   // 'A', 'D', 'M' or 'T'
	Path             string // raw bytes of the path
}

// DiffStat is the line count of one path; Binary paths have no counts.
type DiffStat struct {
	Path                 string
	Additions, Deletions int
	Binary               bool
}

var diffTreeArgs = []string{"diff-tree", "-r", "-z", "--raw", "--no-renames", "--no-abbrev", "--no-ext-diff", "--no-textconv", "--ignore-submodules=none"}

// TreeDiff is the change from one tree to another as diff-tree reports it,
// without rename detection.
type TreeDiff struct {
	Entries []DiffEntry // the raw records
	Stats   []DiffStat  // the added and deleted lines of each path
	// Patch is the -U0 patch, "a/" and "b/" prefixes, no colour, external
	// diff or textconv.
	Patch []byte
}

// DiffTrees returns the change from tree a to tree b from one git
// process: diff-tree writes the raw records (each starting with ':'), the
// numstat ones, and after a NUL the patch.
func (r *Repo) DiffTrees(ctx context.Context, a, b string) (TreeDiff, error) {
	args := append(append([]string(nil), diffTreeArgs...), "--numstat", "-p", "-U0", "--no-color",
		"--src-prefix=a/", "--dst-prefix=b/", a, b)
	out, err := r.Run(ctx, args...)
	if err != nil {
		return TreeDiff{}, fmt.Errorf("diff %s..%s: %w", short(a), short(b), err)
	}
	return parseTreeDiff(out)
}

func parseTreeDiff(out []byte) (TreeDiff, error) {
	var d TreeDiff
	for len(out) > 0 && out[0] == ':' {
		e, rest, err := parseRawRecord(out)
		if err != nil {
			return TreeDiff{}, err
		}
		d.Entries = append(d.Entries, e)
		out = rest
	}
	// The numstat records end where the patch's separator is: a record
	// starts with a count or "-", never with a NUL.
	end := 0
	for end < len(out) && out[end] != 0 {
		i := bytes.IndexByte(out[end:], 0)
		if i < 0 {
			return TreeDiff{}, fmt.Errorf("diff stats: unterminated record")
		}
		end += i + 1
	}
	stats, err := parseNumstat(out[:end])
	if err != nil {
		return TreeDiff{}, err
	}
	d.Stats = stats
	if end < len(out) {
		d.Patch = out[end+1:]
	}
	return d, nil
}

// parseNumstat parses `<added>\t<deleted>\t<path>\0` records ("-" counts
// for a binary path).
func parseNumstat(out []byte) ([]DiffStat, error) {
	var stats []DiffStat
	for len(out) > 0 {
		i := bytes.IndexByte(out, 0)
		if i < 0 {
			return nil, fmt.Errorf("diff stats: unterminated record")
		}
		rec := string(out[:i])
		out = out[i+1:]
		f := strings.SplitN(rec, "\t", 3)
		if len(f) != 3 {
			return nil, fmt.Errorf("diff stats: bad record %q", rec)
		}
		s := DiffStat{Path: f[2]}
		if f[0] == "-" && f[1] == "-" {
			s.Binary = true
		} else {
			a, err1 := strconv.Atoi(f[0])
			d, err2 := strconv.Atoi(f[1])
			if err1 != nil || err2 != nil {
				return nil, fmt.Errorf("diff stats: bad counts %q", rec)
			}
			s.Additions, s.Deletions = a, d
		}
		stats = append(stats, s)
	}
	return stats, nil
}

// parseRawDiff parses `:<om> <nm> <oid> <nid> <status>\0<path>\0` records.
func parseRawDiff(out []byte) ([]DiffEntry, error) {
	var res []DiffEntry
	for len(out) > 0 {
		e, rest, err := parseRawRecord(out)
		if err != nil {
			return nil, err
		}
		res = append(res, e)
		out = rest
	}
	return res, nil
}

func parseRawRecord(b []byte) (DiffEntry, []byte, error) {
	i := bytes.IndexByte(b, 0)
	if i < 0 || len(b) == 0 || b[0] != ':' {
		return DiffEntry{}, nil, fmt.Errorf("raw diff: bad record %q", trunc(b))
	}
	f := strings.Fields(string(b[1:i]))
	if len(f) != 5 || len(f[4]) < 1 {
		return DiffEntry{}, nil, fmt.Errorf("raw diff: bad header %q", trunc(b[:i]))
	}
	rest := b[i+1:]
	j := bytes.IndexByte(rest, 0)
	if j < 0 {
		return DiffEntry{}, nil, fmt.Errorf("raw diff: unterminated path")
	}
	e := DiffEntry{OldMode: f[0], NewMode: f[1], OldID: f[2], NewID: f[3], Status: f[4][0], Path: string(rest[:j])}
	return e, rest[j+1:], nil
}

// TreePair names a diff to compute in a DiffBatch.
type TreePair struct{ A, B string }

// DiffBatch computes many tree diffs with one `git diff-tree --stdin`
// process. Pairs are written by a goroutine while results are read, so git
// never waits for us; results come back in the order of the pairs.
func (r *Repo) DiffBatch(ctx context.Context, pairs []TreePair, each func(i int, entries []DiffEntry) error) error {
	args := append(append([]string(nil), diffTreeArgs...), "--stdin")
	cmd := r.Command(ctx, args...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start git diff-tree: %w", err)
	}
	var wg sync.WaitGroup
	var werr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		bw := bufio.NewWriterSize(stdin, 64<<10)
		for _, p := range pairs {
			if _, werr = fmt.Fprintf(bw, "%s %s\n", p.A, p.B); werr != nil {
				break
			}
		}
		if werr == nil {
			werr = bw.Flush()
		}
		stdin.Close()
	}()
	rerr := readDiffBatch(bufio.NewReaderSize(stdout, 256<<10), pairs, each)
	if rerr != nil {
		// Stop git so the writer unblocks; the read error is what matters.
		_ = cmd.Process.Kill()
		io.Copy(io.Discard, stdout)
	}
	wg.Wait()
	werr2 := cmd.Wait()
	if rerr != nil {
		return rerr
	}
	if werr2 != nil {
		return wrapExit(args, werr2, stderr.String())
	}
	if werr != nil {
		return fmt.Errorf("write to git diff-tree: %w", werr)
	}
	return nil
}

func readDiffBatch(br *bufio.Reader, pairs []TreePair, each func(int, []DiffEntry) error) error {
	idx := -1
	var cur []DiffEntry
	flush := func() error {
		if idx < 0 {
			return nil
		}
		err := each(idx, cur)
		cur = nil
		return err
	}
	for {
		c, err := br.Peek(1)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if c[0] == ':' {
			if idx < 0 {
				return fmt.Errorf("diff batch: record before header")
			}
			hdr, err := br.ReadBytes(0)
			if err != nil {
				return fmt.Errorf("diff batch: %w", err)
			}
			path, err := br.ReadBytes(0)
			if err != nil {
				return fmt.Errorf("diff batch: %w", err)
			}
			e, _, err := parseRawRecord(append(hdr, path...))
			if err != nil {
				return err
			}
			cur = append(cur, e)
			continue
		}
		line, err := br.ReadString('\n')
		if err != nil {
			return fmt.Errorf("diff batch: truncated header: %w", err)
		}
		if err := flush(); err != nil {
			return err
		}
		idx++
		if idx >= len(pairs) {
			return fmt.Errorf("diff batch: more answers than pairs")
		}
		want := pairs[idx].A + " " + pairs[idx].B + "\n"
		if line != want {
			return fmt.Errorf("diff batch: answer %q for pair %q", strings.TrimSpace(line), strings.TrimSpace(want))
		}
	}
	if err := flush(); err != nil {
		return err
	}
	if idx != len(pairs)-1 {
		return fmt.Errorf("diff batch: %d answers for %d pairs", idx+1, len(pairs))
	}
	return nil
}

func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

func trunc(b []byte) []byte {
	if len(b) > 80 {
		return b[:80]
	}
	return b
}
