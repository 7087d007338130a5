package proofpack

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"

	"github.com/git-proof/git-proof/gitx"
)

// DiffSHA256 is the canonical digest of a tree transition: one line per
// changed path, `<old mode> <new mode> <old blob> <new blob> <status>\t<path>\n`,
// sorted by path bytes, hashed with sha256. It depends only on the two
// trees, so any verifier (git CLI or go-git) can recompute it.
func DiffSHA256(entries []gitx.DiffEntry) string {
	sorted := make([]gitx.DiffEntry, len(entries))
	copy(sorted, entries)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Path < sorted[j].Path })
	h := sha256.New()
	buf := make([]byte, 0, 256)
	for _, e := range sorted {
		buf = buf[:0]
		buf = append(buf, e.OldMode...)
		buf = append(buf, ' ')
		buf = append(buf, e.NewMode...)
		buf = append(buf, ' ')
		buf = append(buf, e.OldID...)
		buf = append(buf, ' ')
		buf = append(buf, e.NewID...)
		buf = append(buf, ' ', e.Status, '\t')
		buf = append(buf, e.Path...)
		buf = append(buf, '\n')
		h.Write(buf)
	}
	return hex.EncodeToString(h.Sum(nil))
}
