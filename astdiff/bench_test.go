package astdiff

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	"github.com/git-proof/git-proof/astdiff/syntax"
)

// editedGoroot returns a GOROOT file cut to at most limit bytes at a
// function boundary, and a copy with n one-line insertions spread over it.
func editedGoroot(b *testing.B, rel string, limit, n int) (old, new []byte) {
	b.Helper()
	if !syntax.Available() {
		b.Skip("needs cgo")
	}
	src, err := os.ReadFile(filepath.Join(runtime.GOROOT(), rel))
	if err != nil {
		b.Skipf("no %s: %v", rel, err)
	}
	if len(src) > limit {
		src = src[:bytes.LastIndex(src[:limit], []byte("\nfunc "))+1]
	}
	lines := bytes.SplitAfter(src, []byte("\n"))
	edited := slices.Clone(lines)
	for k := 1; k <= n; k++ {
		i := len(lines) * k / (n + 1)
		for i < len(lines) && !bytes.HasPrefix(bytes.TrimSpace(lines[i]), []byte("return")) {
			i++
		}
		if i < len(lines) {
			edited[i] = append([]byte("\t_ = 0\n"), lines[i]...)
		}
	}
	return src, bytes.Join(edited, nil)
}

func benchFile(b *testing.B, az *Analyzer, path string, old, new []byte) {
	hunks := LineDiff(old, new)
	req := FileRequest{Path: path, Old: old, New: new, Hunks: hunks}
	az.File(context.Background(), req) // load the grammar
	b.SetBytes(int64(len(old) + len(new)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r := az.File(context.Background(), req)
		if r.Reason != "" {
			b.Fatal(r.Reason)
		}
	}
}

// BenchmarkFile labels net/http/server.go (about 130 KB) with five edits.
func BenchmarkFile(b *testing.B) {
	old, new := editedGoroot(b, "src/net/http/server.go", 1<<30, 5)
	az, _ := New()
	benchFile(b, az, "server.go", old, new)
}

// BenchmarkFileFullReparse is BenchmarkFile on the reference path.
func BenchmarkFileFullReparse(b *testing.B) {
	old, new := editedGoroot(b, "src/net/http/server.go", 1<<30, 5)
	az, _ := New(WithFullReparse())
	benchFile(b, az, "server.go", old, new)
}

// BenchmarkBigFile labels 1 MiB of a generated compiler file with three
// edits; the target is 300 ms.
func BenchmarkBigFile(b *testing.B) {
	old, new := editedGoroot(b, "src/cmd/compile/internal/ssa/rewriteAMD64.go", 1<<20, 3)
	az, _ := New()
	benchFile(b, az, "rewriteAMD64.go", old, new)
}
