package coverage

import (
	"errors"
	"strings"
	"testing"
)

func TestChangedFromUnifiedDiffSamples(t *testing.T) {
	t.Parallel()
	// Both made by git 2.39 from one commit (see testdata/diff/README.md):
	// a deletion, a binary change, changed and added lines, a rename with a
	// change, a missing newline at the end, a mode change, and new files
	// whose names need a tab or quoting.
	for _, c := range []struct{ file, want string }{
		{"diff/mixed.diff", `"keep.txt" 2,6-7
"new.txt" 15
"nonl.txt" 2-3
"sp ace.go" 1-3
"tab\t\"q.go" 1
"é.go" 1
`},
		// Without rename detection the renamed file is all new.
		{"diff/norenames-binary.diff", `"keep.txt" 2,6-7
"new.txt" 1-20
"nonl.txt" 2-3
"sp ace.go" 1-3
"tab\t\"q.go" 1
"é.go" 1
`},
	} {
		got, err := ChangedFromUnifiedDiff(readFile(t, c.file))
		if err != nil {
			t.Fatalf("ChangedFromUnifiedDiff(%s): %v", c.file, err)
		}
		if s := renderChanged(got); s != c.want {
			t.Errorf("ChangedFromUnifiedDiff(%s) =\n%s\nwant\n%s", c.file, s, c.want)
		}
	}
}

func TestChangedFromUnifiedDiffShapes(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ name, diff, want string }{
		{"empty", "", ""},
		{"count omitted means one line", "diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -3 +3 @@\n-x\n+y\n", "\"a\" 3\n"},
		{"pure deletion has no lines", "diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -3,2 +2,0 @@\n-x\n-y\n", ""},
		{"context lines are read, not counted", "diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1,3 +1,4 @@\n a\n-b\n+B\n+C\n c\n", "\"a\" 2-3\n"},
		{"empty context line (stripped space)", "diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1,2 +1,3 @@\n\n+x\n c\n", "\"a\" 2\n"},
		{"added lines that look like headers", "diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -0,0 +1,3 @@\n+++ b/evil\n+@@ -1 +1 @@\n+diff --git a/x b/x\n", "\"a\" 1-3\n"},
		{"removed line that looks like a header", "diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1,2 +1 @@\n--- x\n-+++ y\n+z\n", "\"a\" 1\n"},
		{"git log -p preamble", "commit 0123\nAuthor: A <a@example.com>\n\n    +not a line\n\ndiff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -0,0 +1 @@\n+x\n", "\"a\" 1\n"},
		{"plain diff -u", "--- a/x.c\t2026-01-01 00:00:00\n+++ b/x.c\t2026-01-02 00:00:00\n@@ -1 +1,2 @@\n-a\n+b\n+c\n--- a/y.c\n+++ b/y.c\n@@ -5,0 +6 @@\n+d\n", "\"x.c\" 1-2\n\"y.c\" 6\n"},
		{"CRLF line ends", "diff --git a/a b/a\r\n--- a/a\r\n+++ b/a\r\n@@ -0,0 +1,2 @@\r\n+x\r\n+y\r\n", "\"a\" 1-2\n"},
		{"no final newline", "diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -0,0 +1 @@\n+x", "\"a\" 1\n"},
		{"new file deleted file", "diff --git a/a b/a\ndeleted file mode 100644\n--- a/a\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\ndiff --git a/b b/b\nnew file mode 100644\n--- /dev/null\n+++ b/b\n@@ -0,0 +1 @@\n+y\n", "\"b\" 1\n"},
		{"binary patch body skipped", "diff --git a/i.png b/i.png\nindex 1..2 100644\nGIT binary patch\nliteral 3\nKcmZQzWMT#Y01f~L\n\nliteral 3\nKcmZQzWMT#Y01f~L\n\ndiff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -0,0 +1 @@\n+x\n", "\"a\" 1\n"},
		{"submodule", "diff --git a/sub b/sub\nindex 1..2 160000\n--- a/sub\n+++ b/sub\n@@ -1 +1 @@\n-Subproject commit 1\n+Subproject commit 2\n", "\"sub\" 1\n"},
		{"non-UTF-8 path", "diff --git \"a/\\377.c\" \"b/\\377.c\"\n--- /dev/null\n+++ \"b/\\377.c\"\n@@ -0,0 +1 @@\n+x\n", "\"\\xff.c\" 1\n"},
		{"format-patch signature", "diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -0,0 +1 @@\n+x\n-- \n2.39.5\n\n", "\"a\" 1\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := ChangedFromUnifiedDiff([]byte(c.diff))
			if err != nil {
				t.Fatalf("ChangedFromUnifiedDiff(%q): %v", c.diff, err)
			}
			if s := renderChanged(got); s != c.want {
				t.Errorf("ChangedFromUnifiedDiff(%q) =\n%s\nwant\n%s", c.diff, s, c.want)
			}
		})
	}
}

func TestChangedFromUnifiedDiffMalformed(t *testing.T) {
	t.Parallel()
	const head = "diff --git a/a b/a\n--- a/a\n+++ b/a\n"
	for _, c := range []struct {
		name, diff string
		kind       error
		line       int
		msg        string
	}{
		{"truncated hunk header", head + "@@ -1,2 +1,2\n", ErrMalformed, 4, "no closing @@"},
		{"hunk header without new range", head + "@@ -1,2 @@\n", ErrMalformed, 4, "want -old[,n] +new[,n]"},
		{"hunk header with letters", head + "@@ -1,x +1 @@\n", ErrMalformed, 4, "old range"},
		{"hunk header overflow", head + "@@ -1 +99999999999999999999 @@\n", ErrMalformed, 4, "new range"},
		{"hunk past MaxLine", head + "@@ -1 +9999999,5 @@\n", ErrTooLarge, 4, "past 10000000"},
		{"hunk with lines at line 0", head + "@@ -1 +0,1 @@\n", ErrMalformed, 4, "starts at line 0"},
		{"hunk cut short at the end", head + "@@ -0,0 +1,3 @@\n+a\n+b\n", ErrMalformed, 6, "cut short (0 old and 1 new lines missing)"},
		{"hunk cut short by the next file", head + "@@ -1,2 +1,2 @@\n-a\n+b\ndiff --git a/b b/b\n", ErrMalformed, 7, "ends early"},
		{"more added lines than declared", head + "@@ -1 +1 @@\n-a\n+b\n+c\n", ErrMalformed, 7, "header undercounts"},
		{"context past the old count", head + "@@ -1 +1,2 @@\n-a\n+b\n c\n", ErrMalformed, 7, "more context lines"},
		{"hunk before +++", "diff --git a/a b/a\n@@ -0,0 +1 @@\n+x\n", ErrMalformed, 2, "without a ---/+++ file header"},
		{"no b/ prefix", "diff --git a/a b/a\n--- a\n+++ a\n@@ -0,0 +1 @@\n+x\n", ErrMalformed, 3, "want the b/ prefix"},
		{"path climbing out", "diff --git a/a b/a\n--- a/a\n+++ b/../etc/passwd\n", ErrMalformed, 3, "not a clean path"},
		{"bad quoting", "diff --git a/a b/a\n--- a/a\n+++ \"b/a\\q\"\n", ErrMalformed, 3, "bad quoting"},
		{"unterminated quote", "diff --git a/a b/a\n--- a/a\n+++ \"b/a\n", ErrMalformed, 3, "bad quoting"},
		{"combined diff", "diff --cc a\nindex 1,2..3\n--- a/a\n+++ b/a\n@@@ -1,1 -1,1 +1,1 @@@\n", ErrUnsupported, 1, "combined diff"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := ChangedFromUnifiedDiff([]byte(c.diff))
			if err == nil {
				t.Fatalf("ChangedFromUnifiedDiff(%q) = %s; want an error", c.diff, renderChanged(got))
			}
			var pe *ParseError
			if !errors.As(err, &pe) || !errors.Is(err, c.kind) || pe.Line != c.line || pe.Format != "diff" || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("ChangedFromUnifiedDiff(%q) = %v; want a diff ParseError at line %d wrapping %v and saying %q", c.diff, err, c.line, c.kind, c.msg)
			}
		})
	}
}

func TestChangedFromUnifiedDiffTooManyFiles(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	for i := 0; i <= MaxFiles; i++ {
		b.WriteString("--- /dev/null\n+++ b/f" + itoa(i) + "\n")
	}
	_, err := ChangedFromUnifiedDiff([]byte(b.String()))
	var pe *ParseError
	if !errors.Is(err, ErrTooLarge) || !errors.As(err, &pe) || pe.Line != 2*MaxFiles+2 {
		t.Fatalf("ChangedFromUnifiedDiff(%d files) = %v; want ErrTooLarge at line %d", MaxFiles+1, err, 2*MaxFiles+2)
	}
}

func TestUnquoteGit(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{`"a"`, "a", true},
		{`"\a\b\t\n\v\f\r\"\\"`, "\a\b\t\n\v\f\r\"\\", true},
		{`"\303\251"`, "é", true},
		{"\"x\"\t", "x", true},
		{`"\400"`, "", false},
		{`"\12"`, "", false},
		{`"\x41"`, "", false},
		{`"a" b`, "", false},
		{`"a`, "", false},
		{`"\`, "", false},
	} {
		got, ok := unquoteGit([]byte(c.in))
		if got != c.want || ok != c.ok {
			t.Errorf("unquoteGit(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}
