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
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
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
	h := r.newHash()
	fmt.Fprintf(h, "%s %d\x00", typ, len(data))
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}

func (r *Repo) newHash() hash.Hash {
	if r.objectFormat == "sha256" {
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
	get := func(k string) string {
		v, _, _ := r.ConfigGet(ctx, k)
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
	return &looseStore{dir: r.objectsDir, level: level}
}

type looseStore struct {
	dir   string
	level int
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
	zw, err := zlib.NewWriterLevel(f, s.level)
	if err != nil {
		f.Close()
		return err
	}
	_, err = fmt.Fprintf(zw, "%s %d\x00", typ, len(data))
	if err == nil {
		_, err = zw.Write(data)
	}
	if cerr := zw.Close(); err == nil {
		err = cerr
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
	raw := make([]byte, r.newHash().Size())
	var write func(path string, n *node) (string, error)
	write = func(path string, n *node) (string, error) {
		type ent struct{ mode, name, sortKey, id string }
		ents := make([]ent, 0, len(n.files)+len(n.dirs))
		for name, e := range n.files {
			ents = append(ents, ent{e.Mode, name, name, e.ID})
		}
		for name, d := range n.dirs {
			id, err := write(joinPath(path, name), d)
			if err != nil {
				return "", err
			}
			// git orders a tree's entries by name, a directory's
			// name compared as if it ended in "/".
			ents = append(ents, ent{"40000", name, name + "/", id})
		}
		sort.Slice(ents, func(i, j int) bool { return ents[i].sortKey < ents[j].sortKey })
		var b bytes.Buffer
		for _, e := range ents {
			if _, err := hex.Decode(raw, []byte(e.id)); err != nil {
				return "", err
			}
			b.WriteString(e.mode)
			b.WriteByte(' ')
			b.WriteString(e.name)
			b.WriteByte(0)
			b.Write(raw)
		}
		t := Tree{Path: path, ID: r.ObjectID("tree", b.Bytes()), Data: b.Bytes()}
		out = append(out, t)
		return t.ID, nil
	}
	if _, err := write("", root); err != nil {
		return nil, err
	}
	return out, nil
}

func joinPath(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}
