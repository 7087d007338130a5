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

func TestEachLine(t *testing.T) {
	long := strings.Repeat("x", 70<<10) // over the 64 KiB buffer
	in := "a\n" + long + "\n" + strings.Repeat("y", 200<<10) + "\nb\r\n\nc"
	var got []string
	err := EachLine(strings.NewReader(in), 100<<10, func(line []byte) error {
		if line == nil {
			got = append(got, "<dropped>")
		} else {
			got = append(got, strings.TrimRight(string(line), "\r\n"))
		}
		return nil
	})
	want := []string{"a", long, "<dropped>", "b", "", "c"}
	if err != nil || strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("EachLine: %v, %d lines; want %d lines: a, the 70 KiB line, one dropped, b, an empty line, c", err, len(got), len(want))
	}
	stop := errors.New("stop")
	if err := EachLine(strings.NewReader("a\nb\n"), 10, func([]byte) error { return stop }); err != stop {
		t.Errorf("callback error: %v; want it back unwrapped", err)
	}
	errBig := errors.New("too large")
	err = EachLine(LimitReader(strings.NewReader("a\nbbbbbb\n"), 4, errBig), 10, func([]byte) error { return nil })
	var re *ReadError
	if !errors.As(err, &re) || !errors.Is(err, errBig) {
		t.Errorf("read error: %v; want a *ReadError wrapping the too-large error", err)
	}
}
