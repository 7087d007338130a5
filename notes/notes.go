package notes

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/git-proof/git-proof/gitx"
)

// Ref is the notes ref that holds proofs.
const Ref = "refs/notes/proof"

// Store reads and writes the notes of one ref.
type Store struct {
	repo *gitx.Repo
	ref  string
	// Limit is the size above which a note is refused unread.
	limit int64
}

// New returns a Store for ref (Ref when empty). limit bounds a note's size.
func New(repo *gitx.Repo, ref string, limit int64) *Store {
	if ref == "" {
		ref = Ref
	}
	return &Store{repo: repo, ref: ref, limit: limit}
}

// Note is the content of one object's note.
type Note struct {
	Object   string
	Data     []byte
	Size     int64
	TooLarge bool // over the limit; Data is nil
}

// ErrTooLarge marks a note over the store's limit.
var ErrTooLarge = errors.New("note over the size limit")

// Tip returns the commit the notes ref points at, "" when there are no notes.
func (s *Store) Tip(ctx context.Context) (string, error) { return s.repo.RefValue(ctx, s.ref) }

// paths returns the note paths git may use for object id: flat and each
// fanout depth (ab/cdef…, ab/cd/ef…). Git reads all of them and
// concatenates what it finds, so we do too.
func paths(id string) []string {
	var ps []string
	for depth := 0; depth <= 3 && 2*depth < len(id); depth++ {
		var b strings.Builder
		for i := 0; i < depth; i++ {
			b.WriteString(id[2*i : 2*i+2])
			b.WriteByte('/')
		}
		b.WriteString(id[2*depth:])
		ps = append(ps, b.String())
	}
	return ps
}

// Read returns the notes of the given objects at the notes commit tip
// ("" = the ref's current value). Objects without a note are absent from
// the map. It asks git for each fanout path, which costs a few tree lookups
// per object and does not grow with the number of notes.
func (s *Store) Read(ctx context.Context, tip string, objects []string) (map[string]*Note, error) {
	if tip == "" {
		var err error
		if tip, err = s.Tip(ctx); err != nil || tip == "" {
			return map[string]*Note{}, err
		}
	}
	var names []string
	owner := map[int]string{}
	seen := map[string]bool{}
	for _, o := range objects {
		if !s.repo.IsObjectID(o) {
			return nil, fmt.Errorf("read notes: %q is not an object id", o)
		}
		if seen[o] {
			continue // asked twice: read once, or the note would double
		}
		seen[o] = true
		// Deepest first: the order of the tree, in which git joins entries.
		ps := paths(o)
		for i := len(ps) - 1; i >= 0; i-- {
			owner[len(names)] = o
			names = append(names, tip+":"+ps[i])
		}
	}
	res := map[string]*Note{}
	err := s.repo.ReadObjects(ctx, names, s.limit, func(i int, obj *gitx.Object) error {
		if obj.Missing || obj.Type == "tree" {
			return nil
		}
		if obj.Type != "blob" {
			return fmt.Errorf("read notes: %s is a %s, not a blob", obj.Name, obj.Type)
		}
		return s.add(res, owner[i], obj)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// ReadAll lists the whole notes tree once and reads the notes of the given
// objects (all notes when objects is nil). For many objects this beats
// per-object path lookups: one ls-tree and one cat-file stream.
func (s *Store) ReadAll(ctx context.Context, tip string, objects []string) (map[string]*Note, error) {
	if tip == "" {
		var err error
		if tip, err = s.Tip(ctx); err != nil || tip == "" {
			return map[string]*Note{}, err
		}
	}
	entries, err := s.repo.ListTree(ctx, tip, true)
	if err != nil {
		return nil, fmt.Errorf("list notes: %w", err)
	}
	return s.readEntries(ctx, entries, objects)
}

// readEntries reads the notes of objects (all when nil) from the entries
// of a listed notes tree, in tree order, which is the order git joins an
// object's duplicate entries in.
func (s *Store) readEntries(ctx context.Context, entries []gitx.TreeEntry, objects []string) (map[string]*Note, error) {
	var want map[string]bool
	if objects != nil {
		want = make(map[string]bool, len(objects))
		for _, o := range objects {
			want[o] = true
		}
	}
	var names, owners []string
	for _, e := range entries {
		obj, ok := s.noteObject(e)
		if !ok || (want != nil && !want[obj]) {
			continue
		}
		names = append(names, e.ID)
		owners = append(owners, obj)
	}
	res := map[string]*Note{}
	err := s.repo.ReadObjects(ctx, names, s.limit, func(i int, obj *gitx.Object) error {
		if obj.Missing {
			return fmt.Errorf("read notes: blob %s of %s is missing (partial clone? run git fetch)", obj.Name, owners[i])
		}
		return s.add(res, owners[i], obj)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func (s *Store) add(res map[string]*Note, object string, obj *gitx.Object) error {
	n := res[object]
	if n == nil {
		n = &Note{Object: object}
		res[object] = n
	}
	n.Size += obj.Size
	if obj.TooLarge || (s.limit > 0 && n.Size > s.limit) {
		n.TooLarge, n.Data = true, nil
		return nil
	}
	// Join duplicate entries as git's combine_notes_concatenate does: an
	// empty entry adds nothing; otherwise one trailing newline of what came
	// before is dropped and a blank line separates the two.
	switch {
	case len(obj.Data) == 0:
	case len(n.Data) == 0:
		n.Data = append(n.Data, obj.Data...)
	default:
		n.Data = bytes.TrimSuffix(n.Data, []byte("\n"))
		n.Data = append(append(n.Data, '\n', '\n'), obj.Data...)
	}
	return nil
}

// noteObject returns the object a notes-tree entry annotates, read as git
// reads it: a regular file whose path is the object id, split (or not) into
// two-hex-digit directories. Anything else is not a note, and git keeps it
// as it is.
func (s *Store) noteObject(e gitx.TreeEntry) (string, bool) {
	if e.Type != "blob" || !strings.HasPrefix(e.Mode, "100") {
		return "", false
	}
	parts := strings.Split(e.Path, "/")
	for _, d := range parts[:len(parts)-1] {
		if len(d) != 2 {
			return "", false
		}
	}
	obj := strings.Join(parts, "")
	return obj, s.repo.IsObjectID(obj)
}

// Append adds data (whole lines) to object's note and commits the result
// with a compare-and-swap on the notes ref, retrying when another writer
// moved the ref in between. Records are only ever added: the note that
// lands holds every line it held before plus data.
func (s *Store) Append(ctx context.Context, object string, data []byte, msg string) (string, error) {
	return s.AppendFrom(ctx, nil, object, data, msg)
}

// Snapshot is what an Append of one object starts from: the notes tip,
// its tree and the object's note, read ahead by Prepare.
type Snapshot struct {
	object  string
	tip     string
	entries []gitx.TreeEntry
	trees   map[string]bool // the ids of the trees below tip's tree
	old     []byte
	// fast, when not nil, is the way to object's note in a tree of a
	// known shape (fast.go): entries and trees are then not read.
	fast *fastPath
}

// Prepare reads what an Append to object's note starts from, so that the
// reading can overlap the caller's other work; AppendFrom then only writes
// (a stale snapshot costs one retry, never a note: the ref update is a
// compare-and-swap on the snapshot's tip).
func (s *Store) Prepare(ctx context.Context, object string) (*Snapshot, error) {
	return s.prepare(ctx, object, s.repo.RefValueShared)
}

// prepare is Prepare reading the tip with tip: the repository's kept
// cat-file first (gitx.RefValueShared, no process of its own), a process
// of its own after a lost race (gitx.RefValue).
func (s *Store) prepare(ctx context.Context, object string, readTip func(context.Context, string) (string, error)) (*Snapshot, error) {
	if !s.repo.IsObjectID(object) {
		return nil, fmt.Errorf("append note: %q is not an object id", object)
	}
	tip, err := readTip(ctx, s.ref)
	if err != nil {
		return nil, err
	}
	snap := &Snapshot{object: object, tip: tip}
	if tip == "" {
		return snap, nil
	}
	if fast, err := s.prepareFast(ctx, tip, object); err != nil {
		return nil, fmt.Errorf("read notes: %w", err)
	} else if fast != nil {
		return fast, nil
	}
	return s.prepareRebuild(ctx, snap)
}

// prepareRebuild reads the whole notes tree at snap's tip, for build to
// make anew.
func (s *Store) prepareRebuild(ctx context.Context, snap *Snapshot) (*Snapshot, error) {
	var err error
	tip, object := snap.tip, snap.object
	if snap.entries, snap.trees, err = s.repo.ListTreeAll(ctx, tip); err != nil {
		return nil, fmt.Errorf("list notes: %w", err)
	}
	// Our own limit does not apply here: we must not drop what others
	// wrote. Read from the listing, so what counts as a note is decided
	// once, by mode and path, as git decides it.
	cur, err := New(s.repo, s.ref, 0).readEntries(ctx, snap.entries, []string{object})
	if err != nil {
		return nil, err
	}
	if n := cur[object]; n != nil {
		snap.old = n.Data
	}
	return snap, nil
}

// AppendFrom is Append starting from snap (nil, or one of another object:
// read now).
func (s *Store) AppendFrom(ctx context.Context, snap *Snapshot, object string, data []byte, msg string) (string, error) {
	if !s.repo.IsObjectID(object) {
		return "", fmt.Errorf("append note: %q is not an object id", object)
	}
	if len(data) == 0 || data[len(data)-1] != '\n' {
		data = append(append([]byte(nil), data...), '\n')
	}
	if snap != nil && snap.object != object {
		snap = nil
	}
	const attempts = 40
	var lastErr error
	for attempt := 0; attempt < attempts; attempt++ {
		if attempt > 0 {
			// Jittered backoff: concurrent writers collide on the same tip.
			d := time.Duration(5+rand.IntN(20*attempt)) * time.Millisecond
			select {
			case <-ctx.Done():
				return "", ctx.Err()
			case <-time.After(d):
			}
		}
		if snap == nil {
			readTip := s.repo.RefValueShared
			if attempt > 0 {
				readTip = s.repo.RefValue
			}
			var err error
			if snap, err = s.prepare(ctx, object, readTip); err != nil {
				return "", err
			}
		}
		newTip, sh, err := s.build(ctx, snap, data, msg)
		if err != nil {
			return "", err
		}
		err = s.repo.UpdateRef(ctx, s.ref, newTip, snap.tip, msg)
		if err == nil {
			s.writeShape(sh)
			return newTip, nil
		}
		if !errors.Is(err, gitx.ErrRefChanged) {
			return "", err
		}
		lastErr, snap = err, nil
	}
	return "", fmt.Errorf("append note: %d attempts lost the race for %s: %w", attempts, s.ref, lastErr)
}

// build makes the notes commit that adds data to the note of snap's
// object on top of snap's tip, and tells the shape of its tree.
func (s *Store) build(ctx context.Context, snap *Snapshot, data []byte, msg string) (string, shape, error) {
	tip, object, entries, old := snap.tip, snap.object, snap.entries, snap.old
	content := append([]byte(nil), old...)
	if len(content) > 0 && content[len(content)-1] != '\n' {
		content = append(content, '\n')
	}
	content = append(content, data...)
	blob, err := s.repo.WriteObject(ctx, "blob", content)
	if err != nil {
		return "", shape{}, err
	}
	if snap.fast != nil {
		return s.buildFast(ctx, snap, blob, msg)
	}
	// Rebuild the tree with one entry per object in a uniform fanout,
	// dropping every older entry of object, wherever it sat.
	type ent struct{ mode, id, obj, path string }
	var notes []ent
	var other []gitx.IndexEntry
	for _, e := range entries {
		obj, ok := s.noteObject(e)
		if !ok {
			// Not a note (git keeps such files as they are).
			other = append(other, gitx.IndexEntry{Mode: e.Mode, ID: e.ID, Path: e.Path})
			continue
		}
		if obj == object {
			continue
		}
		notes = append(notes, ent{mode: e.Mode, id: e.ID, obj: obj})
	}
	notes = append(notes, ent{mode: "100644", id: blob, obj: object})
	// An object noted both flat and fanned out reads as the concatenation
	// of both blobs (git's semantics); keep that content as one blob.
	count := map[string]int{}
	for _, n := range notes {
		count[n.obj]++
	}
	var dups []string
	for obj, c := range count {
		if c > 1 {
			dups = append(dups, obj)
		}
	}
	merged := map[string]string{}
	if len(dups) > 0 {
		cur, err := New(s.repo, s.ref, 0).readEntries(ctx, entries, dups)
		if err != nil {
			return "", shape{}, err
		}
		for _, obj := range dups {
			id, err := s.repo.WriteObject(ctx, "blob", cur[obj].Data)
			if err != nil {
				return "", shape{}, err
			}
			merged[obj] = id
		}
	}
	depth := fanout(len(count))
	idx := make([]gitx.IndexEntry, 0, len(notes)+len(other))
	for _, n := range notes {
		if id, ok := merged[n.obj]; ok {
			if id == "" {
				continue
			}
			n.id, merged[n.obj] = id, ""
		}
		idx = append(idx, gitx.IndexEntry{Mode: n.mode, ID: n.id, Path: fanPath(n.obj, depth)})
	}
	idx = append(idx, other...)
	sort.Slice(idx, func(i, j int) bool { return idx[i].Path < idx[j].Path })
	// Only the trees on the way to the changed note are new; with a
	// fanout, the others are the snapshot's own.
	tree, err := s.repo.WriteTreeKnown(ctx, idx, snap.trees)
	if err != nil {
		return "", shape{}, err
	}
	var parents []string
	if tip != "" {
		parents = []string{tip}
	}
	commit, err := s.repo.CommitTree(ctx, tree, parents, msg)
	// Every note at one depth, each object once: what the next append
	// can update along one path (fast.go).
	return commit, shape{Tree: tree, Depth: depth, Count: len(count)}, err
}

// fanout mirrors git's choice closely enough: flat for few notes, one more
// 2-hex level for each factor of 256.
func fanout(n int) int {
	d := 0
	for n > 256 && d < 3 {
		n /= 256
		d++
	}
	return d
}

func fanPath(obj string, depth int) string {
	var b bytes.Buffer
	for i := 0; i < depth; i++ {
		b.WriteString(obj[2*i : 2*i+2])
		b.WriteByte('/')
	}
	b.WriteString(obj[2*depth:])
	return b.String()
}
