package astdiff

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	"github.com/git-proof/git-proof/astdiff/syntax"
)

// corpusGlobs names real sources on a usual Go/Debian machine; missing ones
// are skipped.
func corpusGlobs() []string {
	root := runtime.GOROOT()
	return []string{
		filepath.Join(root, "src/net/http/*.go"),
		filepath.Join(root, "src/go/types/*.go"),
		"/usr/lib/python3*/*.py",
		"/usr/lib/node_modules/npm/lib/*/*.js",
		"/usr/include/*.h",
		"/usr/include/c++/*/bits/*.h",
		"/root/go/pkg/mod/github.com/tree-sitter/tree-sitter-typescript@*/examples/*.ts",
		"/root/go/pkg/mod/github.com/in-toto/attestation@*/rust/src/*/*/*/*.rs",
		"/root/go/pkg/mod/github.com/in-toto/attestation@*/java/io/github/intoto/attestation/v1/*.java",
	}
}

// mutate applies a few seeded line edits of the kinds real changes have:
// delete, duplicate, swap, re-indent, change a digit, insert a token.
func mutate(src []byte, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 7))
	lines := bytes.SplitAfter(src, []byte("\n"))
	for range 2 + r.IntN(5) {
		if len(lines) < 3 {
			break
		}
		i := r.IntN(len(lines) - 1)
		switch r.IntN(6) {
		case 0:
			lines = slices.Delete(lines, i, i+1)
		case 1:
			lines = slices.Insert(lines, i, slices.Clone(lines[i]))
		case 2:
			lines[i], lines[i+1] = lines[i+1], lines[i]
		case 3:
			lines[i] = append([]byte("  "), lines[i]...)
		case 4:
			l := slices.Clone(lines[i])
			for j, c := range l {
				if c >= '0' && c <= '8' {
					l[j] = c + 1
					break
				}
			}
			lines[i] = l
		case 5:
			lines[i] = append([]byte(" x "), lines[i]...)
		}
	}
	return bytes.Join(lines, nil)
}

// TestFastPathMatchesReference edits real files of every language and
// checks that the fast path (incremental parse, collapsed subtrees) labels
// every hunk exactly as full parses of whole trees do.
func TestFastPathMatchesReference(t *testing.T) {
	if !syntax.Available() {
		t.Skip("needs cgo")
	}
	if testing.Short() {
		t.Skip("short")
	}
	fast, _ := New()
	ref, _ := New(WithFullReparse())
	checked := 0
	for _, glob := range corpusGlobs() {
		files, _ := filepath.Glob(glob)
		slices.Sort(files)
		n := 0
		for i, f := range files {
			if n == 6 {
				break
			}
			src, err := os.ReadFile(f)
			if err != nil || len(src) < 4<<10 || len(src) > 300<<10 {
				continue
			}
			n++
			for k := range uint64(3) {
				new := mutate(src, uint64(i)*31+k)
				req := FileRequest{Path: f, Old: src, New: new}
				fr, rr := fast.File(context.Background(), req), ref.File(context.Background(), req)
				if len(fr.ParseErrors)+len(rr.ParseErrors) > 0 {
					continue // error recovery may shape unchanged text differently
				}
				if a, b := render(fr), render(rr); a != b {
					t.Errorf("%s (edit %d): fast path\n%s\nreference\n%s", f, k, a, b)
				}
				checked++
			}
		}
	}
	t.Logf("%d edited files compared", checked)
}
