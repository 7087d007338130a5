package astdiff

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/git-proof/git-proof/astdiff/syntax"
)

// TestMalformed feeds inputs no grammar should see: each gives line-level
// hunks with a reason, never a panic.
func TestMalformed(t *testing.T) {
	az, err := New(WithMaxFileBytes(4096))
	if err != nil {
		t.Fatal(err)
	}
	big := bytes.Repeat([]byte("var x = 1\n"), 1000)
	tests := []struct {
		name    string
		req     FileRequest
		reason  string // want this file reason (prefix); "" for none
		hunks   int
		cgoOnly bool
	}{
		{"binary NUL", FileRequest{Path: "a.go", Old: []byte("package a\n"), New: []byte("package a\x00\n")}, "binary", 1, false},
		{"binary flag", FileRequest{Path: "a.go", Old: []byte("a\n"), New: []byte("b\n"), Binary: true}, "binary", 1, false},
		{"huge", FileRequest{Path: "a.go", Old: []byte("package a\n"), New: append([]byte("package a\n"), big...)}, "file 9.8 KiB over limit 4.0 KiB", 1, true},
		{"invalid UTF-8", FileRequest{Path: "a.go", Old: []byte("package a\n"), New: []byte("package a\n// \xff\xfe\n")}, "invalid UTF-8", 1, true},
		{"no extension", FileRequest{Path: "Makefile", Old: []byte("a\n"), New: []byte("b\n")}, "unsupported language", 1, false},
		{"empty both", FileRequest{Path: "a.go"}, "", 0, false},
		{"hunks beyond the file", FileRequest{Path: "a.go", Old: []byte("package a\n"), New: []byte("package b\n"),
			Hunks: []Hunk{{OldStart: 5, OldLines: 1, NewStart: 5, NewLines: 1}}}, "hunk 1", 1, true},
		{"hunks that miss a change", FileRequest{Path: "a.go", Old: []byte("package a\nvar x = 1\n"), New: []byte("package b\nvar x = 2\n"),
			Hunks: []Hunk{{OldStart: 1, OldLines: 1, NewStart: 1, NewLines: 1}}}, "after the last hunk", 1, true},
		{"empty hunk", FileRequest{Path: "a.go", Old: []byte("a\n"), New: []byte("a\n"),
			Hunks: []Hunk{{OldStart: 1, OldLines: 0, NewStart: 1, NewLines: 0}}}, "hunk 1", 1, true},
		{"negative hunk", FileRequest{Path: "a.go", Old: []byte("a\n"), New: []byte("b\n"),
			Hunks: []Hunk{{OldStart: -1, OldLines: 1, NewStart: 1, NewLines: 1}}}, "hunk 1", 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.cgoOnly && !syntax.Available() {
				t.Skip("the no-cgo reason comes first")
			}
			r := az.File(context.Background(), tt.req)
			if !strings.HasPrefix(r.Reason, tt.reason) || (tt.reason == "") != (r.Reason == "") {
				t.Errorf("File(%s).Reason = %q; want prefix %q", tt.name, r.Reason, tt.reason)
			}
			if len(r.Hunks) != tt.hunks {
				t.Fatalf("File(%s) has %d hunks; want %d", tt.name, len(r.Hunks), tt.hunks)
			}
			for _, h := range r.Hunks {
				if tt.reason != "" && (h.Class != LineLevel || h.Reason != r.Reason || !h.Essential) {
					t.Errorf("File(%s) hunk = %+v; want line-level, essential, reason %q", tt.name, h, r.Reason)
				}
			}
		})
	}
}

// TestAddedAndDeletedFile: an added file is a run of added declarations, a
// deleted one of removed declarations.
func TestAddedAndDeletedFile(t *testing.T) {
	if !syntax.Available() {
		t.Skip("needs cgo")
	}
	az, _ := New()
	src := []byte("package a\n\nimport \"fmt\"\n\n// F prints.\nfunc F() { fmt.Println() }\n")
	tests := []struct {
		name     string
		old, new []byte
		want     Class
		api      string
	}{
		{"added", nil, src, DeclAdded, APIAdded},
		{"deleted", src, nil, DeclRemoved, APIRemoved},
	}
	for _, tt := range tests {
		r := az.File(context.Background(), FileRequest{Path: "a/a.go", Old: tt.old, New: tt.new})
		if len(r.Hunks) != 1 || r.Hunks[0].Class != tt.want {
			t.Errorf("File(%s) = %s; want one %s hunk", tt.name, render(r), tt.want)
		}
		if len(r.API) != 1 || r.API[0].Change != tt.api || r.API[0].Name != "F" {
			t.Errorf("File(%s).API = %+v; want F %s", tt.name, r.API, tt.api)
		}
	}
}

// TestParseLimits: a parse over its time or node budget, or a cancelled
// context, makes the file line-level with the reason.
func TestParseLimits(t *testing.T) {
	if !syntax.Available() {
		t.Skip("needs cgo")
	}
	old := []byte("package a\n" + strings.Repeat("var x = []int{1, 2, 3, 4, 5, 6, 7, 8}\n", 2000))
	new := append(slices.Clone(old), "var y = 2\n"...)
	slow, _ := New(WithParseTimeout(time.Nanosecond))
	small, _ := New(WithMaxNodes(10))
	normal, _ := New()
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name   string
		az     *Analyzer
		ctx    context.Context
		reason string
	}{
		{"timeout", slow, context.Background(), "parse timeout"},
		{"nodes", small, context.Background(), "too many syntax nodes"},
		{"cancelled", normal, cancelled, "cancelled"},
	}
	for _, tt := range tests {
		r := tt.az.File(tt.ctx, FileRequest{Path: "a.go", Old: old, New: new})
		if r.Reason != tt.reason || r.Hunks[0].Class != LineLevel {
			t.Errorf("File(%s) = %q, %s; want line-level %q", tt.name, r.Reason, r.Hunks[0].Class, tt.reason)
		}
	}
	if _, err := New(WithParseTimeout(0)); err == nil {
		t.Errorf("New(WithParseTimeout(0)) = nil error; want one")
	}
	if _, err := New(WithMaxNodes(-1)); err == nil {
		t.Errorf("New(WithMaxNodes(-1)) = nil error; want one")
	}
	if _, err := New(WithMaxFileBytes(0)); err == nil {
		t.Errorf("New(WithMaxFileBytes(0)) = nil error; want one")
	}
}
