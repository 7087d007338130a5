package notes

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/git-proof/git-proof/internal/atomicfile"
	"github.com/git-proof/git-proof/proofpack"
)

// TransitionIndex finds the commits whose notes hold a record (proof or
// approval) for a tree transition base tree → tree, so that a commit a
// forge made by squash or rebase, which has no note, can be matched with
// the proof of the commit it replays. It reads records without checking
// them: the verifier checks whatever it is pointed at.
//
// The index is kept in a file in the common git directory, keyed by the
// notes commit it describes; for a newer notes commit it reads only the
// notes that changed since (notes are append-only), else it rebuilds.
type TransitionIndex struct {
	store *Store
	file  string // "" keeps the index in memory only

	mu    sync.Mutex
	tip   string
	index map[string][]string // "<base tree> <tree>" → objects
}

// NewTransitionIndex returns an index over store's notes, cached in dir
// (typically <common git dir>/git-proof; "" for no cache file).
func NewTransitionIndex(store *Store, dir string) *TransitionIndex {
	x := &TransitionIndex{store: store}
	if dir != "" {
		x.file = filepath.Join(dir, "transitions-v1")
	}
	return x
}

const indexHeader = "git-proof transitions v1 "

// Commits returns the objects whose notes, at notes commit tip ("" = the
// ref's value), hold a record for baseTree → tree.
func (x *TransitionIndex) Commits(ctx context.Context, tip, baseTree, tree string) ([]string, error) {
	if tip == "" {
		var err error
		if tip, err = x.store.Tip(ctx); err != nil || tip == "" {
			return nil, err
		}
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.tip != tip {
		if err := x.load(ctx, tip); err != nil {
			return nil, err
		}
	}
	return append([]string(nil), x.index[baseTree+" "+tree]...), nil
}

// load brings the in-memory index to tip: from the cache file when it is
// for tip, updated from it when tip descends from its notes commit, else
// built from every note.
func (x *TransitionIndex) load(ctx context.Context, tip string) error {
	cachedTip, index := x.readFile()
	switch {
	case cachedTip == tip:
	case cachedTip != "" && x.isAncestor(ctx, cachedTip, tip):
		changed, err := x.changedObjects(ctx, cachedTip, tip)
		if err != nil {
			return err
		}
		if err := x.add(ctx, index, tip, changed); err != nil {
			return err
		}
		x.writeFile(tip, index)
	default:
		index = map[string][]string{}
		if err := x.add(ctx, index, tip, nil); err != nil {
			return err
		}
		x.writeFile(tip, index)
	}
	x.tip, x.index = tip, index
	return nil
}

// add indexes the notes of objects (all notes when nil) at tip.
func (x *TransitionIndex) add(ctx context.Context, index map[string][]string, tip string, objects []string) error {
	if objects != nil && len(objects) == 0 {
		return nil
	}
	notes, err := x.store.ReadAll(ctx, tip, objects)
	if err != nil {
		return err
	}
	for obj, n := range notes {
		if n.TooLarge {
			continue
		}
		recs, _ := proofpack.ParseNote(n.Data)
		for _, r := range recs {
			if r.Statement == nil {
				continue
			}
			var key string
			switch {
			case r.Statement.Parsed != nil:
				key = r.Statement.Parsed.Base.Tree + " " + r.Statement.Parsed.Tree
			case r.Statement.Approval != nil:
				key = r.Statement.Approval.Base.Tree + " " + r.Statement.Approval.Tree
			default:
				continue
			}
			if !contains(index[key], obj) {
				index[key] = append(index[key], obj)
			}
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (x *TransitionIndex) isAncestor(ctx context.Context, a, b string) bool {
	_, err := x.store.repo.Run(ctx, "merge-base", "--is-ancestor", a, b)
	return err == nil
}

// changedObjects lists the objects whose notes were added or changed
// between two notes commits, whatever the fanout of either.
func (x *TransitionIndex) changedObjects(ctx context.Context, from, to string) ([]string, error) {
	out, err := x.store.repo.Run(ctx, "diff-tree", "-r", "-z", "--no-renames", "--diff-filter=AM", "--name-only", from, to)
	if err != nil {
		return nil, fmt.Errorf("notes changed since %s: %w", from, err)
	}
	objs := []string{}
	for _, p := range bytes.Split(out, []byte{0}) {
		obj := strings.ReplaceAll(string(p), "/", "")
		if x.store.repo.IsObjectID(obj) {
			objs = append(objs, obj)
		}
	}
	return objs, nil
}

// readFile returns the cached index, or "" when there is none usable.
func (x *TransitionIndex) readFile() (string, map[string][]string) {
	if x.file == "" {
		return "", nil
	}
	f, err := os.Open(x.file)
	if err != nil {
		return "", nil
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	if !sc.Scan() || !strings.HasPrefix(sc.Text(), indexHeader) {
		return "", nil
	}
	tip := strings.TrimPrefix(sc.Text(), indexHeader)
	index := map[string][]string{}
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 3 {
			return "", nil // damaged: rebuild
		}
		k := f[0] + " " + f[1]
		index[k] = append(index[k], f[2])
	}
	if sc.Err() != nil || !x.store.repo.IsObjectID(tip) {
		return "", nil
	}
	return tip, index
}

// writeFile stores the index for tip; a cache that cannot be written only
// costs a rebuild next time, so errors are dropped.
func (x *TransitionIndex) writeFile(tip string, index map[string][]string) {
	if x.file == "" {
		return
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s%s\n", indexHeader, tip)
	for k, objs := range index {
		for _, o := range objs {
			fmt.Fprintf(&b, "%s %s\n", k, o)
		}
	}
	_ = atomicfile.Write(x.file, b.Bytes())
}
