package hooks

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

const (
	z  = "0000000000000000000000000000000000000000"
	a1 = "1111111111111111111111111111111111111111"
	b2 = "2222222222222222222222222222222222222222"
)

func TestParsePreReceive(t *testing.T) {
	t.Parallel()
	in := a1 + " " + b2 + " refs/heads/main\n" + z + " " + a1 + " refs/tags/v1\n" + b2 + " " + z + " refs/heads/gone\n"
	got, err := ParsePreReceive(strings.NewReader(in), 40)
	if err != nil || len(got) != 3 || got[0] != (RefUpdate{a1, b2, "refs/heads/main"}) || got[2].New != z {
		t.Fatalf("ParsePreReceive = %+v, %v", got, err)
	}
	if got, err := ParsePreReceive(strings.NewReader(""), 40); err != nil || len(got) != 0 {
		t.Errorf("empty input: %+v, %v", got, err)
	}
}

func TestParsePreReceiveMalformed(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", maxLineSize)
	for name, in := range map[string]string{
		"two fields":        a1 + " refs/heads/main\n",
		"four fields":       a1 + " " + b2 + " refs/heads/main extra\n",
		"short id":          a1[:39] + " " + b2 + " refs/heads/main\n",
		"upper-case id":     strings.Repeat("A", 40) + " " + b2 + " refs/heads/main\n",
		"sha256 id in sha1": a1 + a1[:24] + " " + b2 + " refs/heads/main\n",
		"not a ref":         a1 + " " + b2 + " main\n",
		"bare refs/":        a1 + " " + b2 + " refs/\n",
		"ref with ..":       a1 + " " + b2 + " refs/heads/a..b\n",
		"ref with tab":      a1 + " " + b2 + " refs/heads/a\tb\n",
		"ref with escape":   a1 + " " + b2 + " refs/heads/a\x1bb\n",
		"no newline":        a1 + " " + b2 + " refs/heads/main",
		"CRLF":              a1 + " " + b2 + " refs/heads/main\r\n",
		"double space":      a1 + "  " + b2 + " refs/heads/main\n",
		"too long":          a1 + " " + b2 + " refs/heads/" + long + "\n",
		"binary":            "\x00\x01\x02\n",
		"blank line":        "\n",
		"good then bad":     a1 + " " + b2 + " refs/heads/main\ngarbage\n",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := ParsePreReceive(strings.NewReader(in), 40)
			if !errors.Is(err, ErrInput) {
				t.Errorf("ParsePreReceive(%q) = %v; want ErrInput", in, err)
			}
		})
	}
	// A read error is reported, and wrapped.
	if _, err := ParsePreReceive(iotest.ErrReader(io.ErrUnexpectedEOF), 40); !errors.Is(err, ErrInput) || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("read error: %v", err)
	}
	// All the input is consumed even when the first line is bad.
	r := strings.NewReader("bad\n" + strings.Repeat(a1+" "+b2+" refs/heads/x\n", 1000))
	if _, err := ParsePreReceive(r, 40); err == nil || r.Len() != 0 {
		t.Errorf("after a bad line %d bytes were left unread (err %v)", r.Len(), err)
	}
	// Too many lines.
	many := strings.Repeat(a1+" "+b2+" refs/heads/x\n", maxLines+1)
	if _, err := ParsePreReceive(strings.NewReader(many), 40); !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "more than") {
		t.Errorf("too many lines: %v", err)
	}
}

func TestParsePrePush(t *testing.T) {
	t.Parallel()
	in := "refs/heads/main " + b2 + " refs/heads/main " + a1 + "\n" +
		"(delete) " + z + " refs/heads/old " + a1 + "\n" +
		"HEAD " + b2 + " refs/heads/other " + z + "\n"
	got, err := ParsePrePush(strings.NewReader(in), 40)
	if err != nil || len(got) != 3 || got[1].LocalRef != "(delete)" || got[2].LocalRef != "HEAD" || got[2].RemoteID != z {
		t.Fatalf("ParsePrePush = %+v, %v", got, err)
	}
	if got, err := ParsePrePush(strings.NewReader(""), 40); err != nil || len(got) != 0 {
		t.Errorf("empty input (up to date): %+v, %v", got, err)
	}
	for name, in := range map[string]string{
		"three fields":  "refs/heads/main " + b2 + " refs/heads/main\n",
		"bad remote":    "refs/heads/main " + b2 + " main " + a1 + "\n",
		"bad id":        "refs/heads/main xyz refs/heads/main " + a1 + "\n",
		"empty local":   " " + b2 + " refs/heads/main " + a1 + "\n",
		"no newline":    "refs/heads/main " + b2 + " refs/heads/main " + a1,
		"sha256 in one": "refs/heads/main " + b2 + b2[:24] + " refs/heads/main " + a1 + "\n",
	} {
		if _, err := ParsePrePush(strings.NewReader(in), 40); !errors.Is(err, ErrInput) {
			t.Errorf("%s: ParsePrePush(%q) = %v; want ErrInput", name, in, err)
		}
	}
	sha256 := strings.Repeat("a", 64)
	if got, err := ParsePrePush(strings.NewReader("refs/heads/main "+sha256+" refs/heads/main "+strings.Repeat("0", 64)+"\n"), 64); err != nil || len(got) != 1 {
		t.Errorf("sha256 ids: %+v, %v", got, err)
	}
}

func FuzzParsePreReceive(f *testing.F) {
	f.Add([]byte(a1 + " " + b2 + " refs/heads/main\n"))
	f.Add([]byte(z + " " + a1 + " refs/tags/v1\n" + b2 + " " + z + " refs/heads/gone\n"))
	f.Add([]byte(""))
	f.Add([]byte("garbage\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ups, err := ParsePreReceive(strings.NewReader(string(data)), 40)
		if err != nil {
			if !errors.Is(err, ErrInput) {
				t.Fatalf("error %v is not ErrInput", err)
			}
			return
		}
		for _, u := range ups {
			if !isID(u.Old, 40) || !isID(u.New, 40) || checkRef(u.Ref) != nil {
				t.Fatalf("accepted %+v", u)
			}
		}
	})
}

func FuzzParsePrePush(f *testing.F) {
	f.Add([]byte("refs/heads/main " + b2 + " refs/heads/main " + a1 + "\n"))
	f.Add([]byte("(delete) " + z + " refs/heads/old " + a1 + "\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		ups, err := ParsePrePush(strings.NewReader(string(data)), 40)
		if err != nil {
			if !errors.Is(err, ErrInput) {
				t.Fatalf("error %v is not ErrInput", err)
			}
			return
		}
		for _, u := range ups {
			if !isID(u.LocalID, 40) || !isID(u.RemoteID, 40) || checkRef(u.RemoteRef) != nil || u.LocalRef == "" {
				t.Fatalf("accepted %+v", u)
			}
		}
	})
}
