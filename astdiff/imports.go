package astdiff

import (
	"sort"
	"strings"
)

// importDetail lists the import units added and removed within the hunk.
func (fc *fileClassifier) importDetail(h *hunkRun) string {
	if fc.unitsO == nil {
		fc.unitsO, fc.unitsN = fc.old.importUnits(region{}, false), fc.new.importUnits(region{}, false)
	}
	var added, removed []string
	for k, s := range fc.new.importUnits(h.rn, true) {
		if _, ok := fc.unitsO[k]; !ok {
			added = append(added, s)
		}
	}
	for k, s := range fc.old.importUnits(h.ro, true) {
		if _, ok := fc.unitsN[k]; !ok {
			removed = append(removed, s)
		}
	}
	sort.Strings(added)
	sort.Strings(removed)
	var parts []string
	if len(added) > 0 {
		parts = append(parts, "import added: "+listKinds(added))
	}
	if len(removed) > 0 {
		parts = append(parts, "import removed: "+listKinds(removed))
	}
	if len(parts) == 0 {
		return "imports regrouped"
	}
	return strings.Join(parts, "; ")
}

// importUnits returns the import units of the file (or only those touching
// r), by code hash.
func (v *view) importUnits(r region, only bool) map[uint64]string {
	out := map[uint64]string{}
	for i := int32(0); i < int32(len(v.t.Nodes)); i++ {
		if !v.tab.imp[v.node(i).Kind] {
			continue
		}
		end := v.t.End(i)
		found := false
		for j := i + 1; j < end; j++ {
			if v.tab.importUnit[v.node(j).Kind] {
				found = true
				if !only || r.touches(v.node(j)) {
					out[v.code[j]] = importText(v, j)
				}
			}
		}
		if !found && (!only || r.touches(v.node(i))) {
			out[v.code[i]] = importText(v, i)
		}
		i = end - 1
	}
	return out
}

// importText is an import unit as shown in a detail.
func importText(v *view, i int32) string {
	return clip(strings.TrimSuffix(squash(v.text(i)), ";"), 80)
}
