package gitx

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
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

// ReadObject reads one object as ReadObjects does (a missing one has
// Missing set, one over limit TooLarge).
func (r *Repo) ReadObject(ctx context.Context, name string, limit int64) (*Object, error) {
	var got *Object
	err := r.ReadObjects(ctx, []string{name}, limit, func(_ int, o *Object) error { got = o; return nil })
	if err == nil && got == nil {
		err = fmt.Errorf("read object %q: no answer", name)
	}
	return got, err
}

// ReadObjects reads many objects with one `git cat-file --batch` process
// (a Repo from Open keeps one for the reads it can share; see readShared).
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
	if done, err := r.readShared(ctx, names, limit, each); done {
		return err
	}
	args := []string{"cat-file", "--batch"}
	cmd := r.Command(ctx, args...)
	var stderr bytes.Buffer
	stdin, stdout, err := startPiped(cmd, &stderr)
	if err != nil {
		return fmt.Errorf("start git cat-file: %w", err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		// A failed write shows as a short answer or cat-file's exit.
		_ = writeNames(stdin, names)
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
	if r.batch != nil && r.IsObjectID(tree) {
		// Through the kept cat-file: a process less than ls-tree.
		if files, trees, ok, err := r.readTreeAll(ctx, tree); ok {
			return files, trees, err
		}
	}
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

// readTreeAll is ListTreeAll from the tree objects themselves, read a level
// at a time; ok is false for what it leaves to ls-tree (an id that is
// neither a commit nor a tree, or a missing object: ls-tree says why).
func (r *Repo) readTreeAll(ctx context.Context, id string) (files []TreeEntry, trees map[string]bool, ok bool, err error) {
	parsed := map[string][]treeItem{}
	// read parses the trees ids name; found is false when one is missing
	// or not a tree.
	read := func(ids []string) (found bool, err error) {
		found = true
		err = r.ReadObjects(ctx, ids, 0, func(i int, o *Object) error {
			if o.Missing || o.Type != "tree" {
				found = false
				return nil
			}
			items, err := r.parseTree(o.Data)
			if err != nil {
				return fmt.Errorf("tree %s: %w", short(ids[i]), err)
			}
			parsed[ids[i]] = items
			return nil
		})
		return found, err
	}
	root := id
	first, err := r.ReadObject(ctx, id, 0)
	if err != nil {
		return nil, nil, true, err
	}
	switch {
	case first.Missing:
		return nil, nil, false, nil
	case first.Type == "commit":
		c, err := r.CommitObject(first)
		if err != nil {
			return nil, nil, true, err
		}
		root = c.Tree
		if found, err := read([]string{root}); err != nil || !found {
			return nil, nil, err != nil, err
		}
	case first.Type == "tree":
		items, err := r.parseTree(first.Data)
		if err != nil {
			return nil, nil, true, fmt.Errorf("tree %s: %w", short(id), err)
		}
		parsed[id] = items
	default:
		return nil, nil, false, nil
	}
	for level := []string{root}; len(level) > 0; {
		var next []string
		seen := map[string]bool{}
		for _, t := range level {
			for _, it := range parsed[t] {
				if it.mode == "040000" && parsed[it.id] == nil && !seen[it.id] {
					seen[it.id] = true
					next = append(next, it.id)
				}
			}
		}
		if len(next) > 0 {
			if found, err := read(next); err != nil || !found {
				return nil, nil, err != nil, err
			}
		}
		level = next
	}
	// In ls-tree -r -t's order: a tree's entries as stored, each subtree
	// followed by what it holds.
	trees = map[string]bool{}
	var walk func(tree, prefix string)
	walk = func(tree, prefix string) {
		for _, it := range parsed[tree] {
			p := prefix + it.name
			switch it.mode {
			case "040000":
				trees[it.id] = true
				walk(it.id, p+"/")
			case "160000":
				files = append(files, TreeEntry{Mode: it.mode, Type: "commit", ID: it.id, Path: p})
			default:
				files = append(files, TreeEntry{Mode: it.mode, Type: "blob", ID: it.id, Path: p})
			}
		}
	}
	walk(root, "")
	return files, trees, true, nil
}

// ParseTree reads the content of a tree object in r's object format into
// its entries, with their modes as git writes them (TreeMode for a
// subtree), so that EncodeTree gives the same object back for a tree git
// wrote.
func (r *Repo) ParseTree(data []byte) ([]TreeItem, error) {
	items, err := r.parseTree(data)
	if err != nil {
		return nil, fmt.Errorf("parse tree: %w", err)
	}
	out := make([]TreeItem, len(items))
	for i, it := range items {
		mode := strings.TrimPrefix(it.mode, "0")
		out[i] = TreeItem{Mode: mode, Name: it.name, ID: it.id}
	}
	return out, nil
}

// treeItem is one entry of a tree object, its mode as ls-tree prints it.
type treeItem struct{ mode, name, id string }

// parseTree reads a tree object: entries of "<octal mode> <name>\0<raw id>".
func (r *Repo) parseTree(data []byte) ([]treeItem, error) {
	idLen := len(r.zeroID) / 2
	var items []treeItem
	for len(data) > 0 {
		sp := bytes.IndexByte(data, ' ')
		if sp <= 0 {
			return nil, fmt.Errorf("bad entry: no mode")
		}
		mode, err := strconv.ParseUint(string(data[:sp]), 8, 32)
		if err != nil {
			return nil, fmt.Errorf("bad mode %q", data[:sp])
		}
		rest := data[sp+1:]
		nul := bytes.IndexByte(rest, 0)
		if nul <= 0 || len(rest) < nul+1+idLen {
			return nil, fmt.Errorf("bad entry: truncated")
		}
		items = append(items, treeItem{
			mode: fmt.Sprintf("%06o", mode),
			name: string(rest[:nul]),
			id:   hex.EncodeToString(rest[nul+1 : nul+1+idLen]),
		})
		data = rest[nul+1+idLen:]
	}
	return items, nil
}

// writeNames writes names to w one per line, through a buffer no larger
// than they need (up to 64 KiB): a run reads objects a few names at a
// time, and a 64 KiB buffer for each read was a tenth of what a cached run
// allocated.
func writeNames(w io.Writer, names []string) error {
	size := 0
	for _, n := range names {
		size += len(n) + 1
	}
	bw := bufio.NewWriterSize(w, min(size, 64<<10))
	for _, n := range names {
		if _, err := bw.WriteString(n); err != nil {
			return err
		}
		if err := bw.WriteByte('\n'); err != nil {
			return err
		}
	}
	return bw.Flush()
}
