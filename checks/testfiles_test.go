package checks

import (
	"slices"
	"testing"
)

func TestDefaultTestGlobs(t *testing.T) {
	globs := DefaultTestGlobs()
	if err := ValidateGlobs(globs); err != nil {
		t.Fatal(err)
	}
	// A fresh slice each time: changing one changes no other.
	globs[0] = "changed"
	if DefaultTestGlobs()[0] == "changed" {
		t.Error("DefaultTestGlobs shares its slice")
	}
	tests := []struct {
		path string
		want bool
	}{
		// Go
		{"calc_test.go", true},
		{"pkg/calc/calc_test.go", true},
		{"pkg/calc/calc.go", false},
		{"pkg/calc/testdata/in.txt", true},
		{"testdata/deep/er/x.json", true},
		{"pkg/test.go", false},
		{"pkg/_test.go", true},
		// Python
		{"test_x.py", true},
		{"pkg/test_x.py", true},
		{"pkg/x_test.py", true},
		{"pkg/tests/helpers.py", true},
		{"conftest.py", true},
		{"a/b/conftest.py", true},
		{"pkg/testing.py", false},
		{"pkg/contest.py", false},
		// JS/TS
		{"src/a.test.js", true},
		{"src/a.test.tsx", true},
		{"src/a.spec.ts", true},
		{"src/a.spec.mjs", true},
		{"src/a.test.cjs", true},
		{"src/a.test.jsx", true},
		{"src/a.test.py", false},
		{"src/a.js", false},
		{"src/__tests__/a.js", true},
		{"test/a.js", true},
		{"packages/x/test/fixtures/a.json", true},
		{"src/latest/a.js", false},
		// Rust
		{"tests/integration.rs", true},
		{"crates/x/tests/it.rs", true},
		{"src/lib.rs", false},
		// Java
		{"src/test/java/a/ATest.java", true},
		{"module/src/test/resources/x.xml", true},
		{"src/main/java/a/A.java", false},
		// Paths as git has them.
		{"dir with spaces/my file_test.go", true},
		{"ünï/cödé_test.go", true},
		{"日本/テスト_test.go", true},
		{"new\nline_test.go", true},
		{"new\nline/testdata/x", true},
		{"new\nline.go", false},
		{"tab\there/x_test.go", true},
		{"weird[1]/x*_test.go", true},
		{"{braces}/x.go", false},
		{"back\\slash_test.go", true},
		{"invalid\xffutf8_test.go", true},
		{"", false},
	}
	for _, tt := range tests {
		if got := IsTestFile(tt.path, DefaultTestGlobs()); got != tt.want {
			t.Errorf("IsTestFile(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
}

func TestIsTestFileGlobs(t *testing.T) {
	tests := []struct {
		globs []string
		path  string
		want  bool
	}{
		{[]string{"tests/**"}, "tests/a/b.rs", true},
		{[]string{"tests/**"}, "x/tests/a.rs", false},
		{[]string{"*.go"}, "a/b.go", false},
		{[]string{"**/*.go"}, "a/b.go", true},
		{[]string{"a/?.go"}, "a/\n.go", true},
		{[]string{"**/x_test.go"}, "a\nb/x_test.go", true},
		{[]string{"[invalid"}, "[invalid", false},
		{[]string{"[invalid", "**/*_test.go"}, "a_test.go", true},
		{nil, "a_test.go", false},
		{[]string{`lit\*eral`}, "lit*eral", true},
		{[]string{`lit\*eral`}, "litxeral", false},
	}
	for _, tt := range tests {
		if got := IsTestFile(tt.path, tt.globs); got != tt.want {
			t.Errorf("IsTestFile(%q, %q) = %v, want %v", tt.path, tt.globs, got, tt.want)
		}
	}
}

func TestValidateGlobs(t *testing.T) {
	tests := []struct {
		globs []string
		ok    bool
	}{
		{nil, true},
		{[]string{"**/*_test.go", "tests/**", "**/*.{js,ts}"}, true},
		{[]string{"**/*_test.go", ""}, false},
		{[]string{"/abs/**"}, false},
		{[]string{"[unclosed"}, false},
		{[]string{"{unclosed"}, false},
		{[]string{`trailing\`}, false},
		{[]string{"ok/**", "[a-"}, false},
	}
	for _, tt := range tests {
		err := ValidateGlobs(tt.globs)
		if (err == nil) != tt.ok {
			t.Errorf("ValidateGlobs(%q) = %v, want ok %v", tt.globs, err, tt.ok)
		}
	}
	if !slices.Equal(DefaultTestGlobs(), DefaultTestGlobs()) {
		t.Error("DefaultTestGlobs is not stable")
	}
}
