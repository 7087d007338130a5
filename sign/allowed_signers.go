package sign

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

// Limits on an allowed signers file, which may come from a repository and so
// is untrusted input.
const (
	maxAllowedSignersBytes = 1 << 20  // whole file
	maxAllowedSignerLine   = 64 << 10 // one line; an RSA-16384 key line is ~3 KiB
)

// AllowedSigners is a parsed OpenSSH allowed_signers file (ssh-keygen(1),
// ALLOWED SIGNERS): the set of keys trusted to sign, with the principals
// they stand for.
type AllowedSigners struct {
	// Entries are the key lines in file order; comments and blank lines are
	// dropped.
	Entries []AllowedSigner
	// Path is the file LoadAllowedSigners read, "" for ParseAllowedSigners;
	// it names the file in trust errors.
	Path string
}

// AllowedSigner is one line of an allowed signers file.
type AllowedSigner struct {
	// Line is the 1-based line number, for error messages.
	Line int
	// Principals is the raw comma-separated principals field, quotes
	// removed. (`ssh-keygen -Y find-principals` prints the same list with
	// one principal per line.)
	Principals string
	// Key is the public key, or the CA key when CertAuthority is set.
	Key ssh.PublicKey
	// Namespaces are the namespaces="…" patterns; nil means any namespace.
	Namespaces []string
	// ValidAfter and ValidBefore bound the signing time; zero means unset.
	ValidAfter, ValidBefore time.Time
	// CertAuthority marks a cert-authority line. git-proof does not verify
	// SSH certificates, so such lines never match a key.
	CertAuthority bool
}

// ParseAllowedSigners parses an allowed signers file. Unlike ssh-keygen,
// which logs a bad line and skips it, any malformed line is an error: a
// trust file that silently means less than it says is worse than one that
// fails loudly. Times without a Z suffix are in the local time zone.
func ParseAllowedSigners(r io.Reader) (*AllowedSigners, error) {
	return parseAllowedSigners(r, "", time.Local)
}

// LoadAllowedSigners reads and parses the allowed signers file at path
// (at most 1 MiB). Errors name the file and the line.
func LoadAllowedSigners(path string) (*AllowedSigners, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("allowed signers: %w", err)
	}
	defer f.Close()
	a, err := parseAllowedSigners(f, path, time.Local)
	if err != nil {
		return nil, err
	}
	a.Path = path
	return a, nil
}

// parseAllowedSigners is ParseAllowedSigners with the file name for errors
// and the location of zone-less times (tests pin it).
func parseAllowedSigners(r io.Reader, name string, loc *time.Location) (*AllowedSigners, error) {
	lineErr := func(n int, err error) error {
		if name == "" {
			return fmt.Errorf("allowed signers line %d: %w", n, err)
		}
		return fmt.Errorf("allowed signers file %s line %d: %w", name, n, err)
	}
	data, err := io.ReadAll(io.LimitReader(r, maxAllowedSignersBytes+1))
	if err != nil {
		if name == "" {
			return nil, fmt.Errorf("allowed signers: %w", err)
		}
		return nil, fmt.Errorf("allowed signers file %s: %w", name, err)
	}
	if len(data) > maxAllowedSignersBytes {
		n := bytes.Count(data[:maxAllowedSignersBytes], []byte{'\n'}) + 1
		return nil, lineErr(n, fmt.Errorf("file is larger than %d bytes", maxAllowedSignersBytes))
	}
	lines := strings.Split(string(data), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1] // the file's final newline
	}
	a := &AllowedSigners{}
	for i, line := range lines {
		line = strings.TrimSuffix(line, "\r")
		if len(line) > maxAllowedSignerLine {
			return nil, lineErr(i+1, fmt.Errorf("line is longer than %d bytes", maxAllowedSignerLine))
		}
		if strings.IndexByte(line, 0) >= 0 {
			// ssh-keygen would silently cut the line at the NUL.
			return nil, lineErr(i+1, errors.New("line contains a NUL byte"))
		}
		e, ok, err := parseAllowedSignerLine(line, loc)
		if err != nil {
			return nil, lineErr(i+1, err)
		}
		if ok {
			e.Line = i + 1
			a.Entries = append(a.Entries, e)
		}
	}
	return a, nil
}

// parseAllowedSignerLine parses "principals [options] keytype base64
// [comment]" following OpenSSH's parse_principals_key_and_options. ok is
// false for blank and comment lines.
func parseAllowedSignerLine(line string, loc *time.Location) (e AllowedSigner, ok bool, err error) {
	cp := strings.TrimLeft(line, " \t")
	if cp == "" || cp[0] == '#' {
		return e, false, nil
	}
	principals, rest, err := cutPrincipals(cp)
	if err != nil {
		return e, false, err
	}
	if principals == "" {
		// ssh-keygen lets it through, but it can never be a useful answer.
		return e, false, errors.New("empty principals field")
	}
	if rest == "" {
		return e, false, errors.New("missing key")
	}
	// ssh-keygen tries a key first and takes the field as options if that
	// fails; a field naming a key type is never a valid option list.
	var opts string
	if first, _ := cutField(rest); !isKeyType(first) {
		if opts, rest, err = cutOptions(rest); err != nil {
			return e, false, err
		}
		if rest == "" {
			return e, false, errors.New("missing key")
		}
		if next, _ := cutField(rest); !isKeyType(next) && parseSignerOptions(opts, &AllowedSigner{}, loc) != nil {
			// Neither options nor a key: most likely a mistyped key type.
			return e, false, fmt.Errorf("unknown key type %q", short(first))
		}
	}
	pub, _, err := parseKeyFields(rest)
	if err != nil {
		return e, false, err
	}
	e.Principals, e.Key = principals, pub
	if err := parseSignerOptions(opts, &e, loc); err != nil {
		return e, false, fmt.Errorf("bad options: %w", err)
	}
	return e, true, nil
}

// cutPrincipals takes the first field as OpenSSH's strdelimw does: it ends
// at a blank, and a '"' starts a quoted run (quotes removed) that may hold
// blanks.
func cutPrincipals(s string) (field, rest string, err error) {
	const blanks = " \t\r\n"
	i := strings.IndexAny(s, blanks+`"`)
	if i < 0 {
		return s, "", nil
	}
	if s[i] != '"' {
		return s[:i], strings.TrimLeft(s[i+1:], blanks), nil
	}
	s = s[:i] + s[i+1:]
	j := strings.IndexByte(s[i:], '"')
	if j < 0 {
		return "", "", errors.New("unterminated quote in principals")
	}
	j += i
	return s[:j], strings.TrimLeft(s[j+1:], blanks), nil
}

// cutOptions takes the options field as sshkey_advance_past_options does:
// it ends at a blank outside double quotes; \" does not toggle quoting.
func cutOptions(s string) (opts, rest string, err error) {
	quoted := false
	i := 0
	for ; i < len(s) && (quoted || (s[i] != ' ' && s[i] != '\t')); i++ {
		if s[i] == '\\' && i+1 < len(s) && s[i+1] == '"' {
			i++
		} else if s[i] == '"' {
			quoted = !quoted
		}
	}
	if quoted {
		return "", "", errors.New("unterminated quote in options")
	}
	return s[:i], strings.TrimLeft(s[i:], " \t"), nil
}

// parseSignerOptions follows OpenSSH's sshsigopt_parse: option names are
// case-insensitive, values must be double-quoted, each option at most once,
// and empty options between commas are tolerated as ssh-keygen does.
func parseSignerOptions(opts string, e *AllowedSigner, loc *time.Location) error {
	var after, before int64
	seenNS := false
	for opts != "" {
		start := opts
		switch {
		case hasPrefixFold(opts, "cert-authority"):
			e.CertAuthority = true
			opts = opts[len("cert-authority"):]
		case hasPrefixFold(opts, "namespaces="):
			if seenNS {
				return errors.New(`more than one "namespaces" option`)
			}
			v, r, err := dequote(opts[len("namespaces="):])
			if err != nil {
				return fmt.Errorf("namespaces: %w", err)
			}
			e.Namespaces, seenNS, opts = strings.Split(v, ","), true, r
		case hasPrefixFold(opts, "valid-after="), hasPrefixFold(opts, "valid-before="):
			name, dst := "valid-after", &after
			if hasPrefixFold(opts, "valid-before=") {
				name, dst = "valid-before", &before
			}
			if *dst != 0 {
				return fmt.Errorf("more than one %q option", name)
			}
			v, r, err := dequote(opts[len(name)+1:])
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			t, err := parseSSHTime(v, loc)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			*dst, opts = t, r
		}
		if opts == "" {
			break
		}
		if opts[0] != ',' {
			n := strings.IndexAny(start, ",=")
			if n < 0 {
				n = len(start)
			}
			return fmt.Errorf("unknown option %q", short(start[:n]))
		}
		opts = opts[1:]
		if opts == "" {
			return errors.New("options end with a comma")
		}
	}
	if after != 0 && before != 0 && before <= after {
		return errors.New("valid-before is not after valid-after")
	}
	if after != 0 {
		e.ValidAfter = time.Unix(after, 0).UTC()
	}
	if before != 0 {
		e.ValidBefore = time.Unix(before, 0).UTC()
	}
	return nil
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// dequote reads a double-quoted option value as OpenSSH's opt_dequote: \"
// stands for a quote, any other backslash is literal.
func dequote(s string) (value, rest string, err error) {
	if s == "" || s[0] != '"' {
		return "", "", errors.New("value must be double-quoted")
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s) && s[i+1] == '"':
			b.WriteByte('"')
			i++
		case s[i] == '"':
			return b.String(), s[i+1:], nil
		default:
			b.WriteByte(s[i])
		}
	}
	return "", "", errors.New("missing closing quote")
}

// parseSSHTime parses an allowed_signers time as OpenSSH's
// parse_absolute_time: YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS, in loc unless
// suffixed with Z or UTC. Like ssh-keygen it refuses times before 1970 and
// the epoch itself (0 means "unset" there), and normalises out-of-range days
// (Feb 30 is Mar 1) as timegm/mktime do.
func parseSSHTime(s string, loc *time.Location) (int64, error) {
	orig := s
	switch n := len(s); {
	case n > 1 && (s[n-1] == 'Z' || s[n-1] == 'z'):
		s, loc = s[:n-1], time.UTC
	case n > 3 && strings.EqualFold(s[n-3:], "UTC"):
		s, loc = s[:n-3], time.UTC
	}
	if len(s) != 8 && len(s) != 12 && len(s) != 14 {
		return 0, fmt.Errorf("time %q is not YYYYMMDD[HHMM[SS]][Z]", short(orig))
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Errorf("time %q is not YYYYMMDD[HHMM[SS]][Z]", short(orig))
		}
	}
	num := func(i, j int) int {
		n := 0
		for _, c := range s[i:j] {
			n = n*10 + int(c-'0')
		}
		return n
	}
	f := [6]int{num(0, 4), num(4, 6), num(6, 8)}
	if len(s) >= 12 {
		f[3], f[4] = num(8, 10), num(10, 12)
	}
	if len(s) == 14 {
		f[5] = num(12, 14)
	}
	// strptime's ranges; a leap second (60, 61) rolls over like timegm.
	if f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 || f[4] > 59 || f[5] > 61 {
		return 0, fmt.Errorf("time %q is out of range", short(orig))
	}
	t := time.Date(f[0], time.Month(f[1]), f[2], f[3], f[4], f[5], 0, loc).Unix()
	if t <= 0 {
		return 0, fmt.Errorf("time %q is not after 1970", short(orig))
	}
	return t, nil
}

// Lookup decides whether key may make signatures in namespace at time at
// (the signing time; zero means now, as ssh-keygen without -Overify-time).
// It returns the principals field of the first line that grants it. As in
// ssh-keygen, lines are tried in order and any line that grants wins, so a
// key listed twice — say with an expired and a current validity window — is
// trusted if either line allows it. When no line grants, the error is a
// *TrustError: the refusal of the first line listing the key, else
// "cert-authority unsupported" if the key (or its certificate's CA) is only
// on cert-authority lines, else "unknown key".
func (a *AllowedSigners) Lookup(key ssh.PublicKey, namespace string, at time.Time) (principal string, err error) {
	return a.lookup(key, namespace, at, false)
}

// LookupExplicit is Lookup for a namespace that a line must name in its
// namespaces= option: a line without the option, which trusts the key for
// every namespace, does not count. git-proof uses it for ApproveNamespace,
// so that a key trusted to sign proofs (an agent's, say) is not thereby
// trusted to approve them.
func (a *AllowedSigners) LookupExplicit(key ssh.PublicKey, namespace string, at time.Time) (principal string, err error) {
	return a.lookup(key, namespace, at, true)
}

func (a *AllowedSigners) lookup(key ssh.PublicKey, namespace string, at time.Time, explicit bool) (principal string, err error) {
	if at.IsZero() {
		at = time.Now()
	}
	t := at.Unix() // whole seconds, as ssh-keygen's verify time
	var ca ssh.PublicKey
	if c, ok := key.(*ssh.Certificate); ok {
		ca = c.SignatureKey
	}
	var refusal *TrustError
	caLine := 0
	var entries []AllowedSigner
	if a != nil {
		entries = a.Entries
	}
	for i := range entries {
		e := &entries[i]
		if e.CertAuthority {
			if caLine == 0 && (sameKey(e.Key, key) || sameKey(e.Key, ca)) {
				caLine = e.Line
			}
			continue
		}
		if !sameKey(e.Key, key) {
			continue
		}
		var r *TrustError
		switch {
		case explicit && e.Namespaces == nil:
			r = &TrustError{Reason: ErrNamespaceNotAllowed.Error(), Line: e.Line,
				detail: fmt.Sprintf("%q must be listed in the line's namespaces= option", namespace)}
		case e.Namespaces != nil && matchPatternList(namespace, strings.Join(e.Namespaces, ",")) != 1:
			r = &TrustError{Reason: ErrNamespaceNotAllowed.Error(), Line: e.Line,
				detail: fmt.Sprintf("%q does not match namespaces=%q", namespace, strings.Join(e.Namespaces, ","))}
		case !e.ValidAfter.IsZero() && t < e.ValidAfter.Unix():
			r = &TrustError{Reason: ErrKeyNotYetValid.Error(), Line: e.Line,
				detail: fmt.Sprintf("signed at %s, valid-after %s", fmtTime(t), fmtTime(e.ValidAfter.Unix()))}
		case !e.ValidBefore.IsZero() && t > e.ValidBefore.Unix():
			r = &TrustError{Reason: ErrKeyExpired.Error(), Line: e.Line,
				detail: fmt.Sprintf("signed at %s, valid-before %s", fmtTime(t), fmtTime(e.ValidBefore.Unix()))}
		default:
			return e.Principals, nil
		}
		if refusal == nil {
			refusal = r
		}
	}
	if refusal != nil {
		return "", refusal
	}
	if caLine != 0 {
		return "", &TrustError{Reason: ErrCertAuthorityUnsupported.Error(), Line: caLine,
			detail: "the key is listed only as a cert-authority; list the signing key itself"}
	}
	where := "the allowed signers file"
	if a != nil && a.Path != "" {
		where = a.Path
	}
	return "", &TrustError{Reason: ErrUntrustedKey.Error(), detail: "not listed in " + where}
}

func fmtTime(t int64) string { return time.Unix(t, 0).UTC().Format(time.RFC3339) }
