package astdiff

import (
	"context"
	"strings"
	"testing"
)

// fuzzPaths picks the grammar of a fuzz case.
var fuzzPaths = []string{"f.go", "f.py", "f.js", "f.ts", "f.tsx", "f.rs", "f.java", "f.c", "f.h", "f.cpp"}

// FuzzFile classifies arbitrary (old, new) pairs: it must not panic (File
// turns a panic into an "internal error" reason, which fails here), must
// return one result per hunk, every hunk needs a class, and the incremental
// parse of the new side must label as a full parse does.
func FuzzFile(f *testing.F) {
	f.Add(uint8(0), []byte("package a\nfunc F() {}\n"), []byte("package a\nfunc F() { x() }\n"))
	f.Add(uint8(1), []byte("def f():\n    return 1\n"), []byte("def f():\n  return 2\n"))
	f.Add(uint8(2), []byte("export function f(a) {}\n"), []byte("export function f(a, b) {\n"))
	f.Add(uint8(5), []byte("pub fn f() {}\n"), []byte("pub(crate) fn f() {}\r\n"))
	f.Add(uint8(7), []byte("int f(void);\n"), []byte("int f(void) { return (1; }\n"))
	f.Add(uint8(9), []byte(""), []byte("namespace { class A { public: int x; }; }\n"))
	f.Add(uint8(0), []byte("\xff\x00"), []byte("package"))
	az, err := New(WithMaxFileBytes(1 << 16))
	if err != nil {
		f.Fatal(err)
	}
	full, err := New(WithMaxFileBytes(1<<16), WithFullReparse())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, lang uint8, old, new []byte) {
		path := fuzzPaths[int(lang)%len(fuzzPaths)]
		r := az.File(context.Background(), FileRequest{Path: path, Old: old, New: new})
		if a, b := render(r), render(full.File(context.Background(), FileRequest{Path: path, Old: old, New: new})); a != b {
			t.Fatalf("File(%s) incremental:\n%s\nfull reparse:\n%s", path, a, b)
		}
		if strings.HasPrefix(r.Reason, internalError) {
			t.Fatalf("File(%s) = %s", path, r.Reason)
		}
		if want := len(LineDiff(old, new)); len(r.Hunks) != want {
			t.Fatalf("File(%s) has %d hunks; want %d", path, len(r.Hunks), want)
		}
		for _, h := range r.Hunks {
			if h.Class == "" || (h.Class == LineLevel && h.Reason == "") || h.Essential != h.Class.Essential() {
				t.Fatalf("File(%s) hunk %s = %+v", path, h.Hunk, h)
			}
		}
	})
}

// FuzzParseDiff reads arbitrary patches without panicking, and every hunk it
// returns has non-negative numbers.
func FuzzParseDiff(f *testing.F) {
	f.Add([]byte("diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,2 +1,3 @@\n-a\n+b\n"))
	f.Add([]byte("--- \"a/q\\303\\251\"\t\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n"))
	f.Fuzz(func(t *testing.T, patch []byte) {
		files, err := ParseDiff(patch)
		if err != nil {
			return
		}
		for _, fp := range files {
			for _, h := range fp.Hunks {
				if h.OldStart < 0 || h.OldLines < 0 || h.NewStart < 0 || h.NewLines < 0 {
					t.Fatalf("ParseDiff hunk %+v", h)
				}
			}
		}
	})
}

// FuzzLineDiff: the computed hunks always turn old into new.
func FuzzLineDiff(f *testing.F) {
	f.Add([]byte("a\nb\nc\n"), []byte("a\nc\nd"))
	f.Fuzz(func(t *testing.T, old, new []byte) {
		if err := checkHunks(splitLines(old), splitLines(new), LineDiff(old, new)); err != nil {
			t.Fatalf("LineDiff(%q, %q): %v", old, new, err)
		}
	})
}
