package deps

import (
	"cmp"
	"slices"
)

// Diff compares the dependencies of a base tree with those of a head tree.
//
// A dependency is identified by ecosystem, manifest and name, so the same
// package declared in two manifests is two entries. Within one identity
// the entries of both sides are paired: identical ones first (unchanged,
// left out), then those with the same version (a change of scope,
// directness or replacement), then those with the same scope, then in
// version order; what is left over is added or removed. Last, a removed
// and an added entry of the same package are one change when one comes
// from a lock file and the other from a manifest at or below the lock's
// directory: a transitive dependency that became direct, or the reverse.
func Diff(base, head []Dependency) Delta {
	type ident struct{ eco, manifest, name string }
	groups := map[ident]*[2][]Dependency{}
	var order []ident
	for side, list := range [2][]Dependency{base, head} {
		for _, d := range list {
			k := ident{d.Ecosystem, d.Manifest, d.Name}
			g := groups[k]
			if g == nil {
				g = &[2][]Dependency{}
				groups[k] = g
				order = append(order, k)
			}
			g[side] = append(g[side], d)
		}
	}
	delta := Delta{Added: []Change{}, Removed: []Change{}, Changed: []Change{}}
	var removed, added []Dependency
	for _, k := range order {
		g := groups[k]
		changed, r, a := pair(g[0], g[1])
		delta.Changed = append(delta.Changed, changed...)
		removed = append(removed, r...)
		added = append(added, a...)
	}
	promoted, removed, added := pairAcrossLock(removed, added)
	delta.Changed = append(delta.Changed, promoted...)
	for i := range removed {
		delta.Removed = append(delta.Removed, Change{Old: &removed[i]})
	}
	for i := range added {
		delta.Added = append(delta.Added, Change{New: &added[i]})
	}
	for _, l := range [][]Change{delta.Added, delta.Removed, delta.Changed} {
		slices.SortFunc(l, compareChanges)
	}
	return delta
}

// pair matches the base and head entries of one identity in passes of
// decreasing likeness; it returns the changes and the unmatched entries.
// Each pass is a map lookup, so a crafted list stays linear.
func pair(base, head []Dependency) (changed []Change, removed, added []Dependency) {
	base, head = slices.Clone(base), slices.Clone(head)
	slices.SortFunc(base, compareDeps)
	slices.SortFunc(head, compareDeps)
	passes := []func(d Dependency) any{
		func(d Dependency) any { return d },
		func(d Dependency) any { return d.Version },
		func(d Dependency) any { return d.Scope },
		func(d Dependency) any { return nil },
	}
	bUsed := make([]bool, len(base))
	hUsed := make([]bool, len(head))
	for pass, key := range passes {
		waiting := map[any][]int{} // unmatched head entries by key, in order
		for j := range head {
			if !hUsed[j] {
				k := key(head[j])
				waiting[k] = append(waiting[k], j)
			}
		}
		for i := range base {
			if bUsed[i] {
				continue
			}
			k := key(base[i])
			q := waiting[k]
			if len(q) == 0 {
				continue
			}
			j := q[0]
			waiting[k] = q[1:]
			bUsed[i], hUsed[j] = true, true
			if pass > 0 {
				changed = append(changed, Change{Old: &base[i], New: &head[j]})
			}
		}
	}
	for i, u := range bUsed {
		if !u {
			removed = append(removed, base[i])
		}
	}
	for j, u := range hUsed {
		if !u {
			added = append(added, head[j])
		}
	}
	return changed, removed, added
}

// pairAcrossLock pairs a removed and an added entry of one package when one
// side's manifest is a lock file and the other's a manifest that lock
// covers (same directory or below), same versions first. It weighs at most
// MaxCandidates added entries of one name against each removed one.
func pairAcrossLock(removed, added []Dependency) (changed []Change, r, a []Dependency) {
	covers := func(x, y Dependency) bool {
		lx, ly := isLock(x.Manifest), isLock(y.Manifest)
		switch {
		case lx && !ly:
			return within(dirOf(y.Manifest), dirOf(x.Manifest))
		case ly && !lx:
			return within(dirOf(x.Manifest), dirOf(y.Manifest))
		}
		return false
	}
	type pkg struct{ eco, name string }
	byName := map[pkg][]int{}
	for j, n := range added {
		k := pkg{n.Ecosystem, n.Name}
		byName[k] = append(byName[k], j)
	}
	rUsed := make([]bool, len(removed))
	aUsed := make([]bool, len(added))
	for _, sameVersion := range []bool{true, false} {
		for i, o := range removed {
			if rUsed[i] {
				continue
			}
			weighed := 0
			for _, j := range byName[pkg{o.Ecosystem, o.Name}] {
				if aUsed[j] {
					continue
				}
				if weighed++; weighed > MaxCandidates {
					break
				}
				if (sameVersion && o.Version != added[j].Version) || !covers(o, added[j]) {
					continue
				}
				rUsed[i], aUsed[j] = true, true
				changed = append(changed, Change{Old: &removed[i], New: &added[j]})
				break
			}
		}
	}
	for i := range removed {
		if !rUsed[i] {
			r = append(r, removed[i])
		}
	}
	for j := range added {
		if !aUsed[j] {
			a = append(a, added[j])
		}
	}
	return changed, r, a
}

func compareChanges(x, y Change) int {
	key := func(c Change) *Dependency {
		if c.New != nil {
			return c.New
		}
		return c.Old
	}
	version := func(d *Dependency) string {
		if d == nil {
			return ""
		}
		return d.Version
	}
	kx, ky := key(x), key(y)
	return cmp.Or(
		cmp.Compare(kx.Ecosystem, ky.Ecosystem),
		cmp.Compare(kx.Manifest, ky.Manifest),
		cmp.Compare(kx.Name, ky.Name),
		cmp.Compare(version(x.Old), version(y.Old)),
		cmp.Compare(version(x.New), version(y.New)),
		compareDeps(*kx, *ky),
	)
}
