package hooks

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Limits on hook input.
const (
	maxLines    = 100000 // ref updates in one push
	maxLineSize = 4096   // one line: two ids and a ref name or two
)

// ErrInput: git gave the hook input it could not read; the push is refused.
// It means a git version whose hook protocol differs, or a hook run by
// hand: feed it lines as git does (see githooks(5)).
var ErrInput = errors.New("malformed hook input")

// RefUpdate is one line of pre-receive input: ref moves from Old to New.
type RefUpdate struct {
	Old, New, Ref string
}

// PushUpdate is one line of pre-push input.
type PushUpdate struct {
	LocalRef, LocalID, RemoteRef, RemoteID string
}

// ParsePreReceive reads pre-receive's stdin: "<old> SP <new> SP <ref> LF"
// per ref. idLen is the length of an object id in the repository (40 for
// SHA-1, 64 for SHA-256). All of the input is read, even on error, so git
// never sees a broken pipe.
func ParsePreReceive(r io.Reader, idLen int) ([]RefUpdate, error) {
	var out []RefUpdate
	err := eachLine(r, func(n int, line string) error {
		f := strings.Split(line, " ")
		if len(f) != 3 {
			return fmt.Errorf("line %d: %d fields, want 3 (<old> <new> <ref>)", n, len(f))
		}
		if !isID(f[0], idLen) || !isID(f[1], idLen) {
			return fmt.Errorf("line %d: %q or %q is not a %d-hex object id", n, short(f[0]), short(f[1]), idLen)
		}
		if err := checkRef(f[2]); err != nil {
			return fmt.Errorf("line %d: %w", n, err)
		}
		out = append(out, RefUpdate{Old: f[0], New: f[1], Ref: f[2]})
		return nil
	})
	return out, err
}

// ParsePrePush reads pre-push's stdin: "<local ref> SP <local id> SP
// <remote ref> SP <remote id> LF" per ref; the local ref is "(delete)" for
// a deletion and may be any name the user typed ("HEAD"). Empty input (an
// up-to-date push) is no updates.
func ParsePrePush(r io.Reader, idLen int) ([]PushUpdate, error) {
	var out []PushUpdate
	err := eachLine(r, func(n int, line string) error {
		f := strings.Split(line, " ")
		if len(f) != 4 {
			return fmt.Errorf("line %d: %d fields, want 4 (<local ref> <local id> <remote ref> <remote id>)", n, len(f))
		}
		if f[0] == "" || strings.ContainsAny(f[0], "\x00\t") {
			return fmt.Errorf("line %d: bad local ref %q", n, short(f[0]))
		}
		if !isID(f[1], idLen) || !isID(f[3], idLen) {
			return fmt.Errorf("line %d: %q or %q is not a %d-hex object id", n, short(f[1]), short(f[3]), idLen)
		}
		if err := checkRef(f[2]); err != nil {
			return fmt.Errorf("line %d: %w", n, err)
		}
		out = append(out, PushUpdate{LocalRef: f[0], LocalID: f[1], RemoteRef: f[2], RemoteID: f[3]})
		return nil
	})
	return out, err
}

func eachLine(r io.Reader, f func(n int, line string) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var first error
	for n := 1; ; n++ {
		line, err := br.ReadString('\n')
		if len(line) > 0 && first == nil {
			switch {
			case n > maxLines:
				first = fmt.Errorf("%w: more than %d lines", ErrInput, maxLines)
			case len(line) > maxLineSize:
				first = fmt.Errorf("%w: line %d is over %d bytes", ErrInput, n, maxLineSize)
			case !strings.HasSuffix(line, "\n"):
				first = fmt.Errorf("%w: line %d is not terminated (input cut short?)", ErrInput, n)
			default:
				if e := f(n, strings.TrimSuffix(line, "\n")); e != nil {
					first = fmt.Errorf("%w: %w", ErrInput, e)
				}
			}
		}
		if err == io.EOF {
			return first
		}
		if err != nil {
			if first == nil {
				first = fmt.Errorf("%w: read: %w", ErrInput, err)
			}
			_, _ = io.Copy(io.Discard, br)
			return first
		}
	}
}

func isID(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// checkRef accepts a full ref name as git would send it.
func checkRef(ref string) error {
	switch {
	case !strings.HasPrefix(ref, "refs/") || len(ref) == len("refs/"):
		return fmt.Errorf("ref %q does not start with refs/", short(ref))
	case strings.ContainsAny(ref, "\x00\t\r\\ ~^:?*[") || strings.Contains(ref, ".."):
		return fmt.Errorf("ref %q is not a valid ref name", short(ref))
	}
	for _, c := range []byte(ref) {
		if c < 0x20 || c == 0x7f {
			return fmt.Errorf("ref %q holds a control character", short(ref))
		}
	}
	return nil
}

func short(s string) string {
	if len(s) > 48 {
		return s[:48] + "…"
	}
	return s
}
