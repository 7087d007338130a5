package astdiff

import (
	"context"
	"testing"

	"github.com/git-proof/git-proof/astdiff/syntax"
)

// TestNoCgo runs in builds without cgo (CGO_ENABLED=0 go test ./astdiff/...):
// every hunk of a supported language is line-level "no cgo", and the rest
// keeps its own reason.
func TestNoCgo(t *testing.T) {
	if syntax.Available() {
		t.Skip("cgo build; run with CGO_ENABLED=0")
	}
	az, err := New()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path, reason string
	}{
		{"a/b.go", "no cgo"},
		{"x.py", "no cgo"},
		{"c/d.toml", "unsupported language .toml"},
	}
	for _, tt := range tests {
		r := az.File(context.Background(), FileRequest{Path: tt.path, Old: []byte("a\nb\n"), New: []byte("a\nc\n")})
		if r.Reason != tt.reason || len(r.Hunks) != 1 || r.Hunks[0].Class != LineLevel || r.Hunks[0].Reason != tt.reason {
			t.Errorf("File(%q) = %q %+v; want every hunk line-level (%s)", tt.path, r.Reason, r.Hunks, tt.reason)
		}
	}
}
