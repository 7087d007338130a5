package testcase

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func TestMerge(t *testing.T) {
	in := []Case{
		{ID: "b", Status: StatusPass},
		{ID: "a", Status: StatusSkip, Message: "later"},
		{ID: "a", Status: StatusFail, Message: "z"},
		{ID: "a", Status: StatusFail, Message: "y"},
		{ID: "a", Status: StatusPass},
	}
	got := Merge(in)
	if len(got) != 2 || got[0].ID != "a" || got[0].Status != StatusFail || got[0].Message != "y" || got[1].ID != "b" {
		t.Errorf("Merge = %+v; want a (fail, the first message of the worst) then b", got)
	}
	if Severity(StatusPass) >= Severity(StatusSkip) || Severity(StatusSkip) >= Severity(StatusFail) {
		t.Error("Severity does not rank pass < skip < fail")
	}
}

func TestCapID(t *testing.T) {
	long := strings.Repeat("é", 100)
	a, b := CapID(long+"x", 50), CapID(long+"y", 50)
	if len(a) > 50 || len(b) > 50 || a == b || !strings.HasPrefix(a, "éé") {
		t.Errorf("CapID = %q, %q; want ≤ 50 bytes, distinct, cut on a character", a, b)
	}
	if CapID("short", 50) != "short" {
		t.Error("CapID changed a short ID")
	}
	if got := CutUTF8("aé", 2); got != "a" {
		t.Errorf("CutUTF8(aé, 2) = %q; want a", got)
	}
}

func TestLimitReader(t *testing.T) {
	errBig := errors.New("too large")
	if b, err := io.ReadAll(LimitReader(strings.NewReader("12345"), 5, errBig)); err != nil || string(b) != "12345" {
		t.Errorf("at the limit: %q, %v; want all of it", b, err)
	}
	if _, err := io.ReadAll(LimitReader(strings.NewReader("123456"), 5, errBig)); !errors.Is(err, errBig) {
		t.Errorf("over the limit: %v; want the too-large error", err)
	}
}
