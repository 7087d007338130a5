package gitx

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
)

// Object is one object read by a Batch.
type Object struct {
	Name    string // what was asked for
	ID      string
	Type    string
	Size    int64
	Data    []byte // nil when Missing or when Size exceeded the limit
	Missing bool
	// TooLarge is set when Size exceeded the reader's limit; Data is then nil.
	TooLarge bool
}

// ReadObjects reads many objects with one `git cat-file --batch` process.
// Names (ids, or rev:path expressions) are written by a goroutine while
// answers are read, so the pipe never stalls. Objects over limit bytes are
// skipped (TooLarge) without being held in memory. Missing objects are
// reported, not errors: only a broken git is an error, so a caller can tell
// "no such object" from "could not read" and never fail open.
func (r *Repo) ReadObjects(ctx context.Context, names []string, limit int64, each func(i int, o *Object) error) error {
	if len(names) == 0 {
		return ctx.Err() // no process for nothing to read (a commit with no note yet)
	}
	for _, n := range names {
		if strings.ContainsAny(n, "\n\x00") {
			return fmt.Errorf("read objects: name %q holds a newline or NUL", n)
		}
	}
	args := []string{"cat-file", "--batch"}
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
		return fmt.Errorf("start git cat-file: %w", err)
	}
	var wg sync.WaitGroup
	var werr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		bw := bufio.NewWriterSize(stdin, 64<<10)
		for _, n := range names {
			if _, werr = bw.WriteString(n + "\n"); werr != nil {
				break
			}
		}
		if werr == nil {
			werr = bw.Flush()
		}
		stdin.Close()
	}()
	br := bufio.NewReaderSize(stdout, 256<<10)
	var rerr error
	for i, n := range names {
		o, err := readBatchObject(br, n, limit)
		if err != nil {
			rerr = err
			break
		}
		if err := each(i, o); err != nil {
			rerr = err
			break
		}
	}
	if rerr != nil {
		_ = cmd.Process.Kill()
		io.Copy(io.Discard, stdout)
	}
	wg.Wait()
	if err := cmd.Wait(); err != nil && rerr == nil {
		return wrapExit(args, err, stderr.String())
	}
	return rerr
}

func readBatchObject(br *bufio.Reader, name string, limit int64) (*Object, error) {
	hdr, err := br.ReadString('\n')
	if err != nil {
		return nil, fmt.Errorf("cat-file: truncated answer for %q: %w", name, err)
	}
	hdr = strings.TrimSuffix(hdr, "\n")
	o := &Object{Name: name}
	if strings.HasSuffix(hdr, " missing") || strings.HasSuffix(hdr, " ambiguous") {
		o.Missing = true
		return o, nil
	}
	f := strings.Fields(hdr)
	if len(f) != 3 {
		return nil, fmt.Errorf("cat-file: unexpected header %q for %q", hdr, name)
	}
	size, err := strconv.ParseInt(f[2], 10, 64)
	if err != nil || size < 0 {
		return nil, fmt.Errorf("cat-file: bad size in %q", hdr)
	}
	o.ID, o.Type, o.Size = f[0], f[1], size
	if limit > 0 && size > limit {
		o.TooLarge = true
		if _, err := br.Discard(int(size)); err != nil {
			return nil, fmt.Errorf("cat-file: skip %q: %w", name, err)
		}
	} else {
		o.Data = make([]byte, size)
		if _, err := io.ReadFull(br, o.Data); err != nil {
			return nil, fmt.Errorf("cat-file: read %q: %w", name, err)
		}
	}
	if b, err := br.ReadByte(); err != nil || b != '\n' {
		return nil, fmt.Errorf("cat-file: missing terminator after %q", name)
	}
	return o, nil
}

// TreeEntry is one entry of `git ls-tree`.
type TreeEntry struct {
	Mode, Type, ID, Path string
}

// ListTreeAll lists every blob (and gitlink) of a tree at every depth, as
// ListTree(ctx, tree, true) does, and the ids of the trees below it: what
// WriteTreeKnown need not write again.
func (r *Repo) ListTreeAll(ctx context.Context, tree string) ([]TreeEntry, map[string]bool, error) {
	all, err := r.listTree(ctx, tree, "-r", "-t")
	if err != nil {
		return nil, nil, err
	}
	trees := map[string]bool{}
	files := all[:0]
	for _, e := range all {
		if e.Type == "tree" {
			trees[e.ID] = true
			continue
		}
		files = append(files, e)
	}
	return files, trees, nil
}

// ListTree lists a tree; recursive lists blobs (and gitlinks) at every depth.
func (r *Repo) ListTree(ctx context.Context, tree string, recursive bool) ([]TreeEntry, error) {
	if recursive {
		return r.listTree(ctx, tree, "-r")
	}
	return r.listTree(ctx, tree)
}

func (r *Repo) listTree(ctx context.Context, tree string, flags ...string) ([]TreeEntry, error) {
	args := append([]string{"ls-tree", "-z", "--full-tree"}, flags...)
	out, err := r.Run(ctx, append(args, tree)...)
	if err != nil {
		return nil, fmt.Errorf("list tree %s: %w", short(tree), err)
	}
	var res []TreeEntry
	for len(out) > 0 {
		i := bytes.IndexByte(out, 0)
		if i < 0 {
			return nil, fmt.Errorf("list tree: unterminated entry")
		}
		rec := string(out[:i])
		out = out[i+1:]
		tab := strings.IndexByte(rec, '\t')
		f := strings.Fields(rec[:max(tab, 0)])
		if tab < 0 || len(f) != 3 {
			return nil, fmt.Errorf("list tree: bad entry %q", rec)
		}
		res = append(res, TreeEntry{Mode: f[0], Type: f[1], ID: f[2], Path: rec[tab+1:]})
	}
	return res, nil
}
