package astdiff

import (
	"fmt"
	"strings"
)

// fileClassifier labels the hunks of one file from its two views. It caches
// alignments across hunks and is used by one goroutine.
type fileClassifier struct {
	old, new *view
	aligns   map[[2]int32]*alignment
	unitsO   map[uint64]string // import units of each whole file, lazily
	unitsN   map[uint64]string
}

func newFileClassifier(old, new *view) *fileClassifier {
	return &fileClassifier{old: old, new: new, aligns: map[[2]int32]*alignment{}}
}

// hunkRun collects the changes of one hunk.
type hunkRun struct {
	fc        *fileClassifier
	ro, rn    region
	changes   []Change
	lineLevel string
	imports   bool // an import change was seen; detail filled at the end
}

func (h *hunkRun) add(c Class, f frame, detail string) {
	if f.moved && detail != "" && !strings.Contains(detail, "moved") {
		detail += " (moved)"
	}
	if len(h.changes) >= maxChanges {
		return
	}
	h.changes = append(h.changes, Change{
		Class: c, Path: renderPath(f.path), Detail: detail,
		Old: h.fc.old.declInfo(f.oItem, f.oDecl), New: h.fc.new.declInfo(f.nItem, f.nDecl),
	})
}

// classify labels one hunk.
func (fc *fileClassifier) classify(hk Hunk) HunkResult {
	h := &hunkRun{fc: fc, ro: oldRegion(hk), rn: newRegion(hk)}
	res := HunkResult{Hunk: hk}
	if where := fc.errorNear(h); where != "" {
		return lineLevel(res, "parse error at "+where)
	}
	root := frame{oItem: -1, oDecl: -1, nItem: -1, nDecl: -1}
	h.visit(0, 0, root)
	if h.lineLevel != "" {
		return lineLevel(res, h.lineLevel)
	}
	if h.imports {
		detail := fc.importDetail(h)
		for i := range h.changes {
			if h.changes[i].Class == ImportChange {
				h.changes[i].Detail = detail
			}
		}
	}
	if len(h.changes) == 0 {
		detail := "layout only"
		if !fc.anyTouch(h) {
			detail = "blank lines"
		}
		h.changes = []Change{{Class: FormattingOnly, Detail: detail}}
	}
	best := 0
	for i, c := range h.changes {
		if c.Class.rank() > h.changes[best].Class.rank() {
			best = i
		}
	}
	p := h.changes[best]
	res.Class, res.Essential, res.Path, res.Old, res.New = p.Class, p.Class.Essential(), p.Path, p.Old, p.New
	res.Changes = append([]Change{p}, append(h.changes[:best:best], h.changes[best+1:]...)...)
	res.Degraded = fc.old.t.Errors > 0 || fc.new.t.Errors > 0
	return res
}

func lineLevel(res HunkResult, reason string) HunkResult {
	res.Class, res.Essential, res.Reason = LineLevel, true, reason
	res.Changes = []Change{{Class: LineLevel, Detail: reason}}
	return res
}

// errorNear returns where a parse error lies on or next to the hunk's rows.
func (fc *fileClassifier) errorNear(h *hunkRun) string {
	for _, s := range []struct {
		name string
		v    *view
		r    region
	}{{"old", fc.old, h.ro}, {"new", fc.new, h.rn}} {
		for _, i := range s.v.errs {
			n := s.v.node(i)
			if s.r.near(n) {
				return fmt.Sprintf("%s %d:%d", s.name, n.StartRow+1, n.StartCol+1)
			}
		}
	}
	return ""
}

// anyTouch reports whether any top-level item touches the hunk.
func (fc *fileClassifier) anyTouch(h *hunkRun) bool {
	for c := fc.old.node(0).FirstChild; c >= 0; c = fc.old.node(c).Next {
		if h.ro.touches(fc.old.node(c)) {
			return true
		}
	}
	for c := fc.new.node(0).FirstChild; c >= 0; c = fc.new.node(c).Next {
		if h.rn.touches(fc.new.node(c)) {
			return true
		}
	}
	return false
}
