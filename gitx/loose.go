package gitx

import (
	"bytes"
	"compress/zlib"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Objects are written in process, as loose objects the way git writes them
// (zlib of "type size\0content" in objects/xx/rest, through a temporary file
// and a hard link), where that is plainly what git would do. A notes
// append used to run hash-object, update-index and write-tree, three git
// processes (~6 ms) on the way from the last check to the exit. Where git
// would do more (a shared repository's group permissions, fsync of loose
// objects, a second object format to keep in step), git writes them.

// ObjectID is the id of an object of type typ with content data in r's
// object format, computed as git does.
func (r *Repo) ObjectID(typ string, data []byte) string {
	return HashObject(r.objectFormat, typ, data)
}

// HashObject is the id of an object of type typ with content data in
// object format ("sha1" or "sha256"), as git hash-object computes it.
func HashObject(format, typ string, data []byte) string {
	h := newHash(format)
	h.Write(objectHeader(typ, len(data)))
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}

// objectHeader is what git puts before an object's content, in its id and
// in its loose file.
func objectHeader(typ string, size int) []byte {
	return fmt.Appendf(nil, "%s %d\x00", typ, size)
}

func newHash(format string) hash.Hash {
	if format == "sha256" {
		return sha256.New()
	}
	return sha1.New()
}

// looseStore is where r's new loose objects go, or nil when git must write
// them (see above).
func (r *Repo) looseStore(ctx context.Context) *looseStore {
	if r.objectsDir == "" || r.cfg == nil {
		return nil
	}
	// One look at the config for the six settings (each ConfigGet would
	// check the config files again).
	c, err := r.config(ctx)
	if err != nil {
		return nil // git will say what is wrong with it
	}
	get := func(k string) string {
		v, _ := c.last(k)
		return strings.ToLower(strings.TrimSpace(v))
	}
	switch get("core.sharedrepository") {
	case "", "false", "umask", "0", "no", "off":
	default:
		return nil
	}
	if get("core.fsync") != "" || get("core.fsyncobjectfiles") != "" || get("extensions.compatobjectformat") != "" {
		return nil
	}
	level := zlib.BestSpeed // git's default for loose objects
	for _, k := range []string{"core.loosecompression", "core.compression"} {
		if v := get(k); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < -1 || n > 9 {
				return nil // git will say what is wrong with it
			}
			level = n
			break
		}
	}
	return &looseStore{dir: r.objectsDir, level: level, zlibs: r.zlibs}
}

type looseStore struct {
	dir   string
	level int
	// zlibs keeps the repository's zlib writers for the next object:
	// making one allocates and clears ~650 KB (flate's hash tables and
	// window), which for the seven objects of a note was 40% of what a
	// cached run allocated, and page faults on fresh memory.
	zlibs *zlibPool
}

// zlibPool is a few zlib writers kept for reuse. Not a sync.Pool: what a
// goroutine puts back there is only for the processor it ran on, and the
// next object's write, often on the other one, made a writer anew.
type zlibPool struct {
	mu   sync.Mutex
	free []*zlibWriter
}

// zlibWriter is a zlib writer and the level it compresses at.
type zlibWriter struct {
	level int
	*zlib.Writer
}

// get returns a writer to w at level, a kept one when there is one.
func (p *zlibPool) get(w io.Writer, level int) (*zlibWriter, error) {
	if p != nil {
		p.mu.Lock()
		for i := len(p.free) - 1; i >= 0; i-- {
			if zw := p.free[i]; zw.level == level {
				p.free = slices.Delete(p.free, i, i+1)
				p.mu.Unlock()
				zw.Reset(w)
				return zw, nil
			}
		}
		p.mu.Unlock()
	}
	zw, err := zlib.NewWriterLevel(w, level)
	if err != nil {
		return nil, err
	}
	return &zlibWriter{level, zw}, nil
}

// put keeps zw for a later get; a few at most, as many as write at once.
func (p *zlibPool) put(zw *zlibWriter) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.free) < 4 {
		p.free = append(p.free, zw)
	}
}

// write stores content as a loose object with the given id (already
// computed) unless one is there already. The object appears under its name
// complete or not at all: it is written to a temporary file beside it and
// linked into place, as git does.
func (s *looseStore) write(id, typ string, data []byte) error {
	dir := filepath.Join(s.dir, id[:2])
	final := filepath.Join(dir, id[2:])
	if _, err := os.Lstat(final); err == nil {
		return nil
	}
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "tmp_obj_")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	zw, err := s.zlibs.get(f, s.level)
	if err != nil {
		f.Close()
		return err
	}
	_, err = zw.Write(objectHeader(typ, len(data)))
	if err == nil {
		_, err = zw.Write(data)
	}
	if cerr := zw.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		s.zlibs.put(zw)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o444)
	}
	if err != nil {
		return err
	}
	if err := os.Link(tmp, final); err != nil && !errors.Is(err, fs.ErrExist) {
		// No hard links here (some file systems): rename, as git falls
		// back to.
		return os.Rename(tmp, final)
	}
	return nil
}

// WriteObject stores data as an object of type typ ("blob", "tree" or
// "commit") and returns its id: in process where it can (see above),
// else with git hash-object.
func (r *Repo) WriteObject(ctx context.Context, typ string, data []byte) (string, error) {
	if ls := r.looseStore(ctx); ls != nil {
		id := r.ObjectID(typ, data)
		if err := ls.write(id, typ, data); err != nil {
			return "", fmt.Errorf("write %s: %w", typ, err)
		}
		return id, nil
	}
	out, err := r.RunInput(ctx, bytes.NewReader(data), "hash-object", "-w", "-t", typ, "--stdin")
	if err != nil {
		return "", fmt.Errorf("write %s: %w", typ, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// WriteTreeKnown builds the tree of entries (full slash paths, as for
// WriteTree) in process and writes each of its trees whose id is not in
// known (trees the repository has already, e.g. from ListTreeAll). It
// falls back to WriteTree when git must write the objects or entries are
// not a plain set of files (a path that is also a directory, an unusual
// mode), where git's index rules decide.
func (r *Repo) WriteTreeKnown(ctx context.Context, entries []IndexEntry, known map[string]bool) (string, error) {
	ls := r.looseStore(ctx)
	if ls == nil {
		return r.WriteTree(ctx, entries)
	}
	trees, err := r.BuildTrees(entries)
	if err != nil {
		return r.WriteTree(ctx, entries)
	}
	for _, t := range trees {
		if known[t.ID] {
			continue
		}
		if err := ls.write(t.ID, "tree", t.Data); err != nil {
			return "", fmt.Errorf("write tree: %w", err)
		}
	}
	return trees[len(trees)-1].ID, nil
}

// Tree is one tree object BuildTrees made: its path ("" for the root),
// id and content.
type Tree struct {
	Path, ID string
	Data     []byte
}

// treeModes are the entry modes git writes in trees (ls-tree prints
// "040000" for a tree; the object holds "40000").
var treeModes = map[string]bool{"100644": true, "100755": true, "120000": true, "160000": true}

// BuildTrees computes the tree objects of entries (full slash paths of
// blobs, symlinks and gitlinks, as ls-tree -r lists them), deepest first,
// the root last. It refuses what git's index would not hold as it is: an
// empty, "." or ".." component, a path given twice or also used as a
// directory, a mode other than a file's, a symlink's or a gitlink's, a
// malformed id.
func (r *Repo) BuildTrees(entries []IndexEntry) ([]Tree, error) {
	type node struct {
		files map[string]IndexEntry
		dirs  map[string]*node
	}
	newNode := func() *node { return &node{files: map[string]IndexEntry{}, dirs: map[string]*node{}} }
	root := newNode()
	for _, e := range entries {
		if !treeModes[e.Mode] {
			return nil, fmt.Errorf("build tree: %s: mode %s", e.Path, e.Mode)
		}
		if !r.IsObjectID(e.ID) {
			return nil, fmt.Errorf("build tree: %s: bad id %q", e.Path, e.ID)
		}
		parts := strings.Split(e.Path, "/")
		n := root
		for i, p := range parts {
			if p == "" || p == "." || p == ".." || strings.ContainsRune(p, 0) {
				return nil, fmt.Errorf("build tree: bad path %q", e.Path)
			}
			if i == len(parts)-1 {
				if _, dup := n.files[p]; dup || n.dirs[p] != nil {
					return nil, fmt.Errorf("build tree: %q given twice or also a directory", e.Path)
				}
				n.files[p] = e
				break
			}
			if _, clash := n.files[p]; clash {
				return nil, fmt.Errorf("build tree: %q is a file and a directory", strings.Join(parts[:i+1], "/"))
			}
			if n.dirs[p] == nil {
				n.dirs[p] = newNode()
			}
			n = n.dirs[p]
		}
	}
	var out []Tree
	var write func(path string, n *node) (string, error)
	write = func(path string, n *node) (string, error) {
		items := make([]TreeItem, 0, len(n.files)+len(n.dirs))
		for name, e := range n.files {
			items = append(items, TreeItem{Mode: e.Mode, Name: name, ID: e.ID})
		}
		for name, d := range n.dirs {
			id, err := write(joinPath(path, name), d)
			if err != nil {
				return "", err
			}
			items = append(items, TreeItem{Mode: TreeMode, Name: name, ID: id})
		}
		data, err := EncodeTree(items)
		if err != nil {
			return "", err
		}
		t := Tree{Path: path, ID: r.ObjectID("tree", data), Data: data}
		out = append(out, t)
		return t.ID, nil
	}
	if _, err := write("", root); err != nil {
		return nil, err
	}
	return out, nil
}

// TreeMode is the mode of a subtree's entry in a tree object.
const TreeMode = "40000"

// TreeItem is one entry of a tree object: its mode as the object holds it
// ("100644", TreeMode, …), its name and its id in hex.
type TreeItem struct{ Mode, Name, ID string }

// EncodeTree is the content of the tree object that holds items, in git's
// order: by name, a subtree's name compared as if it ended in "/". An id
// that is not hex is an error.
func EncodeTree(items []TreeItem) ([]byte, error) {
	key := func(it TreeItem) string {
		if it.Mode == TreeMode {
			return it.Name + "/"
		}
		return it.Name
	}
	sorted := slices.Clone(items)
	slices.SortFunc(sorted, func(a, b TreeItem) int { return strings.Compare(key(a), key(b)) })
	var b bytes.Buffer
	for _, it := range sorted {
		raw, err := hex.DecodeString(it.ID)
		if err != nil {
			return nil, fmt.Errorf("tree entry %q: id %q: %w", it.Name, it.ID, err)
		}
		b.WriteString(it.Mode)
		b.WriteByte(' ')
		b.WriteString(it.Name)
		b.WriteByte(0)
		b.Write(raw)
	}
	return b.Bytes(), nil
}

func joinPath(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}
