package astdiff

import (
	"reflect"
	"testing"
)

func TestParseDiff(t *testing.T) {
	patch := `commit message lines are skipped
diff --git a/a.go b/a.go
index 1111111..2222222 100644
--- a/a.go
+++ b/a.go
@@ -3 +3 @@ func x
-a
+b
@@ -10,0 +11,2 @@
+c
+d
diff --git a/new.py b/new.py
new file mode 100644
--- /dev/null
+++ b/new.py
@@ -0,0 +1 @@
+x
\ No newline at end of file
diff --git a/old.rs b/old.rs
deleted file mode 100644
--- a/old.rs
+++ /dev/null
@@ -1,2 +0,0 @@
-fn f() {}
--- not a header, a removed line
diff --git a/img.png b/img.png
Binary files a/img.png and b/img.png differ
diff --git a/x.c b/y.c
similarity index 90%
rename from x.c
rename to y.c
--- a/x.c
+++ b/y.c
@@ -1,3 +1,3 @@ context
 keep
-old
+new
 keep
diff --git "a/sp ace\303\251.go" "b/sp ace\303\251.go"
--- "a/sp ace\303\251.go"
+++ "b/sp ace\303\251.go"
@@ -1 +1 @@
-a
+b
`
	got, err := ParseDiff([]byte(patch))
	if err != nil {
		t.Fatal(err)
	}
	want := []FilePatch{
		{OldPath: "a.go", NewPath: "a.go", Hunks: []Hunk{{3, 1, 3, 1}, {10, 0, 11, 2}}},
		{OldPath: "", NewPath: "new.py", Hunks: []Hunk{{0, 0, 1, 1}}},
		{OldPath: "old.rs", NewPath: "", Hunks: []Hunk{{1, 2, 0, 0}}},
		{OldPath: "img.png", NewPath: "img.png", Binary: true},
		{OldPath: "x.c", NewPath: "y.c", Hunks: []Hunk{{1, 3, 1, 3}}},
		{OldPath: "sp aceé.go", NewPath: "sp aceé.go", Hunks: []Hunk{{1, 1, 1, 1}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseDiff =\n%+v\nwant\n%+v", got, want)
	}
}

func TestParseHunkHeader(t *testing.T) {
	tests := []struct {
		in   string
		want Hunk
		ok   bool
	}{
		{"@@ -1,2 +3,4 @@", Hunk{1, 2, 3, 4}, true},
		{"@@ -5 +6 @@ func f()", Hunk{5, 1, 6, 1}, true},
		{"@@ -0,0 +1,3 @@", Hunk{0, 0, 1, 3}, true},
		{"@@ -a,2 +3,4 @@", Hunk{}, false},
		{"@@ -1,2 +3,4", Hunk{}, false},
		{"@@ -1,-2 +3,4 @@", Hunk{}, false},
	}
	for _, tt := range tests {
		got, err := ParseHunkHeader(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("ParseHunkHeader(%q) = %v, %v; want %v, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}
