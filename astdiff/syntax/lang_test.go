package syntax

import "testing"

func TestDetect(t *testing.T) {
	tests := []struct {
		path string
		want Lang
		ok   bool
	}{
		{"a/b.go", Go, true},
		{"x.PY", Python, true},
		{"web/app.jsx", JavaScript, true},
		{"types.d.ts", TypeScript, true},
		{"App.tsx", TSX, true},
		{"src/lib.rs", Rust, true},
		{"A.java", Java, true},
		{"x.c", C, true},
		{"x.h", C, true},
		{"x.hpp", CPP, true},
		{"x.cc", CPP, true},
		{"Makefile", "", false},
		{"a.toml", "", false},
	}
	for _, tt := range tests {
		if got, ok := Detect(tt.path); got != tt.want || ok != tt.ok {
			t.Errorf("Detect(%q) = %q, %v; want %q, %v", tt.path, got, ok, tt.want, tt.ok)
		}
	}
	if !IsHeader("a/b.h") || IsHeader("a/b.c") {
		t.Errorf("IsHeader wrong")
	}
}
