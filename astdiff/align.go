package astdiff

// pairHow says how two children were paired.
type pairHow uint8

const (
	byHash   pairHow = iota // equal ignoring layout, in order
	byKey                   // declarations with the same kind and name
	byRename                // declarations of one kind, similar enough
	byKind                  // other nodes of one kind, in order
)

// pair is one old child matched to one new child.
type pair struct {
	o, n  int32
	how   pairHow
	moved bool // out of order relative to the equal children
}

// alignment matches the children of an old node to those of a new one.
type alignment struct {
	pairs            []pair
	lonelyO, lonelyN []int32
}

// lcs returns the index pairs of a longest common subsequence of two
// sequences of lengths n and m under eq.
func lcs(n, m int, eq func(i, j int) bool) [][2]int {
	var out [][2]int
	pre := 0
	for pre < n && pre < m && eq(pre, pre) {
		out = append(out, [2]int{pre, pre})
		pre++
	}
	suf := 0
	for suf < n-pre && suf < m-pre && eq(n-1-suf, m-1-suf) {
		suf++
	}
	a, b := n-pre-suf, m-pre-suf
	if a > 0 && b > 0 && a*b <= maxLCSCells {
		// dp[i][j] = LCS length of a[i:], b[j:]
		w := b + 1
		dp := make([]int32, (a+1)*w)
		for i := a - 1; i >= 0; i-- {
			for j := b - 1; j >= 0; j-- {
				if eq(pre+i, pre+j) {
					dp[i*w+j] = dp[(i+1)*w+j+1] + 1
				} else {
					dp[i*w+j] = max(dp[(i+1)*w+j], dp[i*w+j+1])
				}
			}
		}
		for i, j := 0, 0; i < a && j < b; {
			switch {
			case eq(pre+i, pre+j) && dp[i*w+j] == dp[(i+1)*w+j+1]+1:
				out = append(out, [2]int{pre + i, pre + j})
				i++
				j++
			case dp[(i+1)*w+j] >= dp[i*w+j+1]:
				i++
			default:
				j++
			}
		}
	}
	for k := suf; k > 0; k-- {
		out = append(out, [2]int{n - k, m - k})
	}
	return out
}

// align matches the children of old node a and new node b: equal subtrees
// in order, then declarations by key, renamed declarations by similarity,
// and the rest by kind in order. Results are cached per pair.
func (fc *fileClassifier) align(a, b int32, inFunc bool) *alignment {
	k := [2]int32{a, b}
	if al, ok := fc.aligns[k]; ok {
		return al
	}
	o, n := fc.old, fc.new
	ok, nk := o.kids(a), n.kids(b)
	al := &alignment{}
	usedO, usedN := make([]bool, len(ok)), make([]bool, len(nk))
	cntO, cntN := make([]int, len(ok)+1), make([]int, len(nk)+1)
	for _, p := range lcs(len(ok), len(nk), func(i, j int) bool { return o.full[ok[i]] == n.full[nk[j]] }) {
		usedO[p[0]], usedN[p[1]] = true, true
		al.pairs = append(al.pairs, pair{o: ok[p[0]], n: nk[p[1]], how: byHash})
	}
	for i := range ok {
		cntO[i+1] = cntO[i]
		if usedO[i] {
			cntO[i+1]++
		}
	}
	for j := range nk {
		cntN[j+1] = cntN[j]
		if usedN[j] {
			cntN[j+1]++
		}
	}
	add := func(i, j int, how pairHow) {
		usedO[i], usedN[j] = true, true
		al.pairs = append(al.pairs, pair{o: ok[i], n: nk[j], how: how, moved: cntO[i] != cntN[j]})
	}

	// Declarations by key, in order among equal keys.
	declO, declN := map[int]int32{}, map[int]int32{}
	byKeyO := map[string][]int{}
	for i, c := range ok {
		if !usedO[i] {
			if d := o.declOf(c, inFunc); d >= 0 {
				declO[i] = d
				key := o.keyOf(d)
				byKeyO[key] = append(byKeyO[key], i)
			}
		}
	}
	for j, c := range nk {
		if usedN[j] {
			continue
		}
		d := n.declOf(c, inFunc)
		if d < 0 {
			continue
		}
		declN[j] = d
		key := n.keyOf(d)
		for len(byKeyO[key]) > 0 && usedO[byKeyO[key][0]] {
			byKeyO[key] = byKeyO[key][1:]
		}
		if q := byKeyO[key]; len(q) > 0 {
			add(q[0], j, byKey)
			byKeyO[key] = q[1:]
		}
	}

	// Renamed declarations: same label, similar content.
	budget := maxRenamePairs
	for j := range nk {
		dn, isDecl := declN[j]
		if usedN[j] || !isDecl {
			continue
		}
		best, bestScore := -1, 0.5
		for i := range ok {
			do, isDecl := declO[i]
			if usedO[i] || !isDecl || o.labelOf(do) != n.labelOf(dn) || budget <= 0 {
				continue
			}
			budget--
			if s := fc.similarity(do, dn); s >= bestScore {
				best, bestScore = i, s
			}
		}
		if best >= 0 {
			add(best, j, byRename)
		}
	}

	// Everything else that is not a declaration, by kind in order.
	var restO, restN []int
	for i := range ok {
		if _, isDecl := declO[i]; !usedO[i] && !isDecl {
			restO = append(restO, i)
		}
	}
	for j := range nk {
		if _, isDecl := declN[j]; !usedN[j] && !isDecl {
			restN = append(restN, j)
		}
	}
	for _, p := range lcs(len(restO), len(restN), func(i, j int) bool {
		return o.node(ok[restO[i]]).Kind == n.node(nk[restN[j]]).Kind
	}) {
		add(restO[p[0]], restN[p[1]], byKind)
	}
	for i, c := range ok {
		if !usedO[i] {
			al.lonelyO = append(al.lonelyO, c)
		}
	}
	for j, c := range nk {
		if !usedN[j] {
			al.lonelyN = append(al.lonelyN, c)
		}
	}
	fc.aligns[k] = al
	return al
}

// namedCount counts the named nodes of d's subtree, up to minRenameNodes.
func (v *view) namedCount(d int32) int {
	n := 0
	for i := d; i < v.t.End(d) && n < minRenameNodes; i++ {
		if v.node(i).Collapsed() {
			return minRenameNodes // it has many descendants
		}
		if v.node(i).Named() && !v.isComment[i] {
			n++
		}
	}
	return n
}

// similarity scores two declarations in [0, 1]: 1 when their bodies are
// equal, else the Dice coefficient of their named descendants' code hashes.
func (fc *fileClassifier) similarity(do, dn int32) float64 {
	o, n := fc.old, fc.new
	if o.namedCount(do) < minRenameNodes || n.namedCount(dn) < minRenameNodes {
		return 0 // too small to tell a rename from a removal and an addition
	}
	if bo, bn := o.bodyOf(do), n.bodyOf(dn); bo >= 0 && bn >= 0 && o.code[bo] == n.code[bn] {
		return 1
	}
	count := map[uint64]int{}
	total := 0
	for i := do + 1; i < o.t.End(do) && total < maxSimilarityNodes; i++ {
		if o.node(i).Named() && !o.isComment[i] {
			count[o.code[i]]++
			total++
		}
	}
	common, totalN := 0, 0
	for i := dn + 1; i < n.t.End(dn) && totalN < maxSimilarityNodes; i++ {
		if n.node(i).Named() && !n.isComment[i] {
			totalN++
			if count[n.code[i]] > 0 {
				count[n.code[i]]--
				common++
			}
		}
	}
	if total+totalN == 0 {
		return 0
	}
	return 2 * float64(common) / float64(total+totalN)
}
