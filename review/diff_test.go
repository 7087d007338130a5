package review

import (
	"strings"
	"testing"
)

// twoFiles has a modified file, a new file whose added lines look like
// headers, a deletion, and a quoted path.
var twoFiles = strings.Join([]string{
	"diff --git a/a.go b/a.go", // 0
	"--- a/a.go",
	"+++ b/a.go",
	"@@ -10,3 +10,3 @@ func f() {",
	" x := 1", // 4: new 10
	"-y := 2", // 5: old 11
	"+y := 3", // 6: new 11
	" z := x", // 7: new 12
	"diff --git a/new.txt b/new.txt",
	"new file mode 100644",
	"--- /dev/null", // 10
	"+++ b/new.txt",
	"@@ -0,0 +1,3 @@",
	"+++ b/looks-like-a-header", // 13: new 1
	"+--- a/also",               // 14: new 2
	"+@@ -1 +1 @@",              // 15: new 3
	"diff --git a/gone.go b/gone.go",
	"deleted file mode 100644",
	"--- a/gone.go",
	"+++ /dev/null",
	"@@ -1 +0,0 @@", // 20
	"-package gone", // 21: old 1
	`diff --git "a/sp ace.go" "b/sp ace.go"`,
	`--- "a/sp ace.go"`,
	`+++ "b/sp ace.go"`,
	"@@ -1 +1,2 @@",
	" a", // 26: new 1
	"+b", // 27: new 2
	`\ No newline at end of file`,
}, "\n") + "\n"

func TestParseDiff(t *testing.T) {
	t.Parallel()
	pd := parseDiff(twoFiles)
	var paths []string
	for _, s := range pd.sections {
		paths = append(paths, s.path)
	}
	if strings.Join(paths, "|") != "a.go|new.txt|gone.go|sp ace.go" {
		t.Fatalf("sections = %q", paths)
	}
	want := map[int]struct {
		file string
		kind byte
		line int
	}{
		4: {"a.go", lineContext, 10}, 5: {"a.go", lineRemoved, 11}, 6: {"a.go", lineAdded, 11}, 7: {"a.go", lineContext, 12},
		10: {"new.txt", lineHeader, 0}, 13: {"new.txt", lineAdded, 1}, 14: {"new.txt", lineAdded, 2}, 15: {"new.txt", lineAdded, 3},
		21: {"gone.go", lineRemoved, 1}, 26: {"sp ace.go", lineContext, 1}, 27: {"sp ace.go", lineAdded, 2},
	}
	for i, w := range want {
		dl := pd.lines[i]
		if pd.sections[dl.section].path != w.file || dl.kind != w.kind || dl.line != w.line {
			t.Errorf("line %d = %s %q %d; want %s %q %d", i, pd.sections[dl.section].path, dl.kind, dl.line, w.file, w.kind, w.line)
		}
	}
	text := pd.fileText(twoFiles)
	if text["a.go"] != "x := 1 y := 3 z := x" || text["new.txt"] != "++ b/looks-like-a-header --- a/also @@ -1 +1 @@" || text["sp ace.go"] != "a b" {
		t.Errorf("fileText = %q", text)
	}
	if _, ok := text["gone.go"]; ok {
		t.Error("a deleted file has new-side text")
	}
}

func TestParseDiffPlain(t *testing.T) {
	t.Parallel()
	plain := "--- old/x.c\t2024-01-01\n+++ new/x.c\t2024-01-02\n@@ -1 +1 @@\n-a\n+b\n--- y.c\n+++ y.c\n@@ -1 +1 @@\n-c\n+d\n"
	pd := parseDiff(plain)
	if len(pd.sections) != 2 || pd.sections[0].path != "new/x.c" || pd.sections[1].path != "y.c" {
		t.Fatalf("sections = %+v", pd.sections)
	}
	// Hunks with no file header at all.
	pd = parseDiff("@@ -1 +1 @@\n-a\n+b\n")
	if len(pd.sections) != 1 || pd.lines[2].kind != lineAdded || pd.lines[2].line != 1 {
		t.Fatalf("headerless hunk = %+v %+v", pd.sections, pd.lines)
	}
}

func TestExcludeFiles(t *testing.T) {
	t.Parallel()
	out, excluded := excludeFiles(twoFiles, []string{"*.txt", "**/gone.go"})
	if strings.Join(excluded, ",") != "new.txt,gone.go" {
		t.Fatalf("excluded = %q", excluded)
	}
	if strings.Contains(out, "looks-like-a-header") || strings.Contains(out, "package gone") || !strings.Contains(out, "+y := 3") || !strings.Contains(out, "+b") {
		t.Fatalf("excludeFiles left:\n%s", out)
	}
	if out, excluded := excludeFiles(twoFiles, nil); out != twoFiles || excluded != nil {
		t.Fatal("no globs changed the diff")
	}
	if out, excluded := excludeFiles(twoFiles, []string{"**"}); strings.TrimSpace(out) != "" || len(excluded) != 4 {
		t.Fatalf("** left %q, excluded %q", out, excluded)
	}
}

func FuzzParseDiff(f *testing.F) {
	f.Add(twoFiles)
	f.Add(testDiff)
	f.Add("@@ -1,2 +1,2 @@\n+\n-\n \n\\\n")
	f.Add("diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -99999999999 +1 @@\n")
	f.Fuzz(func(t *testing.T, text string) {
		pd := parseDiff(text)
		if len(pd.lines) != len(splitLines(text)) {
			t.Fatalf("%d line infos for %d lines", len(pd.lines), len(splitLines(text)))
		}
		for i, dl := range pd.lines {
			if dl.section >= len(pd.sections) || (dl.kind != lineHeader && dl.section < 0) || dl.line < 0 {
				t.Fatalf("line %d: %+v", i, dl)
			}
		}
		pd.fileText(text)
		out, excluded := excludeFiles(text, []string{"**/*.go"})
		if len(out) > len(text)+1 || (excluded == nil && out != text) {
			t.Fatalf("excludeFiles(%q) = %q", text, out)
		}
		p := buildPrompt(Input{Diff: []byte(text)}, strings.Repeat("0", 32))
		p.system = "" // fixed text, and slow to scan under the fuzzer's instrumentation
		for _, h := range scanPrompt(p, pd) {
			if h.Part == "diff" && h.Line < 0 {
				t.Fatalf("hit %+v", h)
			}
		}
	})
}
