package sign

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// seededKey is a deterministic ed25519 public key, for tests that need keys
// but no signatures.
func seededKey(t testing.TB, seed byte) ssh.PublicKey {
	t.Helper()
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
	pub, err := ssh.NewPublicKey(priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	return pub
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParseAllowedSigners(t *testing.T) {
	k1, k2 := seededKey(t, 1), seededKey(t, 2)
	a1, a2 := authorizedKey(k1), authorizedKey(k2)
	plus1 := time.FixedZone("UTC+1", 3600)
	tests := []struct {
		name string
		in   string
		loc  *time.Location
		want []AllowedSigner
	}{
		{name: "empty", in: ""},
		{name: "comments and blanks", in: "# a comment\n\n   \n\t# indented comment\n"},
		{
			name: "plain",
			in:   "alice@example.com " + a1 + " alice's key\n",
			want: []AllowedSigner{{Line: 1, Principals: "alice@example.com", Key: k1}},
		},
		{
			name: "several principals, patterns, no final newline",
			in:   "# team\nalice@example.com,*@corp.example,!eve@corp.example " + a1,
			want: []AllowedSigner{{Line: 2, Principals: "alice@example.com,*@corp.example,!eve@corp.example", Key: k1}},
		},
		{
			name: "quoted principals keep blanks",
			in:   `"alice smith@example.com" ` + a1 + "\n",
			want: []AllowedSigner{{Line: 1, Principals: "alice smith@example.com", Key: k1}},
		},
		{
			name: "options, case-insensitive, quoted commas and blanks",
			in: "  alice@example.com NAMESPACES=\"git,git-proof,a b\",Valid-After=\"20240101Z\",valid-before=\"202501021530utc\" " + a1 + "\n" +
				"bob@example.com\tcert-authority,namespaces=\"x\\\"y\"\t" + a2 + "\r\n",
			want: []AllowedSigner{
				{Line: 1, Principals: "alice@example.com", Key: k1, Namespaces: []string{"git", "git-proof", "a b"},
					ValidAfter: utc("2024-01-01T00:00:00Z"), ValidBefore: utc("2025-01-02T15:30:00Z")},
				{Line: 2, Principals: "bob@example.com", Key: k2, CertAuthority: true, Namespaces: []string{`x"y`}},
			},
		},
		{
			name: "empty namespaces matches nothing but is not nil",
			in:   `alice@example.com namespaces="" ` + a1,
			want: []AllowedSigner{{Line: 1, Principals: "alice@example.com", Key: k1, Namespaces: []string{""}}},
		},
		{
			name: "zone-less times are in the given location",
			in:   `alice@example.com valid-after="20240101",valid-before="20240101123456" ` + a1,
			loc:  plus1,
			want: []AllowedSigner{{Line: 1, Principals: "alice@example.com", Key: k1,
				ValidAfter: utc("2023-12-31T23:00:00Z"), ValidBefore: utc("2024-01-01T11:34:56Z")}},
		},
		{
			name: "empty options between commas are tolerated like ssh-keygen",
			in:   `alice@example.com ,cert-authority,,namespaces="a" ` + a1,
			want: []AllowedSigner{{Line: 1, Principals: "alice@example.com", Key: k1, CertAuthority: true, Namespaces: []string{"a"}}},
		},
		{
			name: "days roll over like timegm",
			in:   `alice@example.com valid-after="20230229Z" ` + a1,
			want: []AllowedSigner{{Line: 1, Principals: "alice@example.com", Key: k1, ValidAfter: utc("2023-03-01T00:00:00Z")}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			loc := tc.loc
			if loc == nil {
				loc = time.UTC
			}
			got, err := parseAllowedSigners(strings.NewReader(tc.in), "", loc)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Entries) != len(tc.want) {
				t.Fatalf("got %d entries, want %d: %+v", len(got.Entries), len(tc.want), got.Entries)
			}
			for i, w := range tc.want {
				g := got.Entries[i]
				if g.Line != w.Line || g.Principals != w.Principals || !sameKey(g.Key, w.Key) ||
					fmt.Sprintf("%q", g.Namespaces) != fmt.Sprintf("%q", w.Namespaces) || (g.Namespaces == nil) != (w.Namespaces == nil) ||
					!g.ValidAfter.Equal(w.ValidAfter) || !g.ValidBefore.Equal(w.ValidBefore) || g.CertAuthority != w.CertAuthority {
					t.Errorf("entry %d:\n got %+v\nwant %+v", i, g, w)
				}
			}
		})
	}
}

func TestParseAllowedSignersMalformed(t *testing.T) {
	k1 := seededKey(t, 1)
	a1 := authorizedKey(k1)
	typ, b64, _ := strings.Cut(a1, " ")
	ecdsa := "ecdsa-sha2-nistp256 " + b64 // an ed25519 blob under another name
	good := "ok@example.com " + a1 + "\n"
	tests := []struct {
		name string
		in   string
		line int
		want string
	}{
		{"bad base64", good + "alice@example.com " + typ + " AAAA!!!!\n", 2, "bad base64"},
		{"truncated key blob", "alice@example.com " + typ + " " + b64[:40] + "\n", 1, "invalid ssh-ed25519 key"},
		{"unknown key type", "alice@example.com ssh-foo " + b64 + "\n", 1, `unknown key type "ssh-foo"`},
		{"short type name", "alice@example.com ED25519 " + b64 + "\n", 1, "unknown key type"},
		{"type mismatch", "alice@example.com " + ecdsa + "\n", 1, "key type mismatch"},
		{"missing key", good + good + "alice@example.com\n", 3, "missing key"},
		{"missing key after options", "alice@example.com namespaces=\"git\"\n", 1, "missing key"},
		{"missing key data", "alice@example.com " + typ + "\n", 1, "missing ssh-ed25519 key data"},
		{"unterminated principals quote", `"alice@example.com ` + a1 + "\n", 1, "unterminated quote in principals"},
		{"empty principals", `"" ` + a1 + "\n", 1, "empty principals"},
		{"unterminated option quote", `alice@example.com namespaces="git ` + a1 + "\n", 1, "unterminated quote in options"},
		{"unquoted option value", `alice@example.com namespaces=git ` + a1 + "\n", 1, "double-quoted"},
		{"unknown option", `alice@example.com no-touch-required ` + a1 + "\n", 1, `unknown option "no-touch-required"`},
		{"unknown option after good one", `alice@example.com cert-authority,restrict ` + a1 + "\n", 1, `unknown option "restrict"`},
		{"flag with value", `alice@example.com cert-authority="yes" ` + a1 + "\n", 1, `unknown option "cert-authority"`},
		{"trailing comma", `alice@example.com cert-authority, ` + a1 + "\n", 1, "end with a comma"},
		{"duplicate namespaces", `alice@example.com namespaces="a",namespaces="b" ` + a1 + "\n", 1, `more than one "namespaces"`},
		{"duplicate valid-after", `alice@example.com valid-after="20240101Z",valid-after="20240102Z" ` + a1 + "\n", 1, `more than one "valid-after"`},
		{"bad date", `alice@example.com valid-after="2024-01-01" ` + a1 + "\n", 1, "valid-after: time"},
		{"bad month", `alice@example.com valid-before="20241301Z" ` + a1 + "\n", 1, "out of range"},
		{"hour 24", `alice@example.com valid-before="202401012400Z" ` + a1 + "\n", 1, "out of range"},
		{"day zero", `alice@example.com valid-before="20240100Z" ` + a1 + "\n", 1, "out of range"},
		{"odd length", `alice@example.com valid-before="2024010Z" ` + a1 + "\n", 1, "YYYYMMDD"},
		{"epoch", `alice@example.com valid-after="19700101Z" ` + a1 + "\n", 1, "not after 1970"},
		{"before 1970", `alice@example.com valid-after="19690101Z" ` + a1 + "\n", 1, "not after 1970"},
		{"window inverted", `alice@example.com valid-after="20240102Z",valid-before="20240101Z" ` + a1 + "\n", 1, "not after valid-after"},
		{"window empty", `alice@example.com valid-after="20240101Z",valid-before="20240101Z" ` + a1 + "\n", 1, "not after valid-after"},
		{"NUL byte", good + "alice@example.com " + a1 + "\x00junk\n", 2, "NUL"},
		{"over-long line", good + "alice@example.com " + a1 + " " + strings.Repeat("c", maxAllowedSignerLine) + "\n", 2, "longer than"},
		{"2 MiB file", strings.Repeat(good, (2<<20)/len(good)), maxAllowedSignersBytes/len(good) + 1, "larger than"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseAllowedSigners(strings.NewReader(tc.in))
			if err == nil {
				t.Fatal("parsed")
			}
			prefix := fmt.Sprintf("allowed signers line %d: ", tc.line)
			if !strings.HasPrefix(err.Error(), prefix) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %q, want prefix %q and %q", err, prefix, tc.want)
			}
		})
	}
}

func TestLoadAllowedSigners(t *testing.T) {
	k1 := seededKey(t, 1)
	dir := t.TempDir()
	good := writeFile(t, filepath.Join(dir, "good"), []byte("alice@example.com "+authorizedKey(k1)+"\n"))
	a, err := LoadAllowedSigners(good)
	if err != nil {
		t.Fatal(err)
	}
	if a.Path != good || len(a.Entries) != 1 {
		t.Fatalf("got %+v", a)
	}
	bad := writeFile(t, filepath.Join(dir, "bad"), []byte("# c\nalice@example.com ssh-ed25519\n"))
	_, err = LoadAllowedSigners(bad)
	if err == nil || !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "line 2:") {
		t.Fatalf("err = %v, want it to name %s line 2", err, bad)
	}
	big := writeFile(t, filepath.Join(dir, "big"), bytes.Repeat([]byte("# padding padding padding\n"), (2<<20)/26))
	if _, err := LoadAllowedSigners(big); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("err = %v", err)
	}
	if _, err := LoadAllowedSigners(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("err = %v, want ErrNotExist", err)
	}
}

func TestLookup(t *testing.T) {
	k1, k2, k3 := seededKey(t, 1), seededKey(t, 2), seededKey(t, 3)
	a1, a2, a3 := authorizedKey(k1), authorizedKey(k2), authorizedKey(k3)
	file := strings.Join([]string{
		"# line 1",
		"alice@example.com " + a1,
		`bob@example.com namespaces="git" ` + a2,
		`bob@example.com,robert@example.com valid-after="20240101Z",valid-before="20250101Z" ` + a2,
		`ca@example.com cert-authority ` + a3,
	}, "\n")
	as, err := parseAllowedSigners(strings.NewReader(file), "", time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	in2024, in2023, in2026 := utc("2024-06-01T00:00:00Z"), utc("2023-06-01T00:00:00Z"), utc("2026-01-01T00:00:00Z")
	tests := []struct {
		name      string
		key       ssh.PublicKey
		namespace string
		at        time.Time
		want      string
		wantErr   error
		wantLine  int
	}{
		{"plain key", k1, Namespace, in2024, "alice@example.com", nil, 0},
		{"plain key, zero time means now", k1, Namespace, time.Time{}, "alice@example.com", nil, 0},
		{"namespace line refuses, window line grants", k2, Namespace, in2024, "bob@example.com,robert@example.com", nil, 0},
		{"namespace line grants", k2, "git", in2023, "bob@example.com", nil, 0},
		{"both refuse: first refusal reported", k2, Namespace, in2023, "", ErrNamespaceNotAllowed, 3},
		{"first refusal reported over expiry", k2, "git-x", in2026, "", ErrNamespaceNotAllowed, 3},
		{"unknown key", seededKey(t, 9), Namespace, in2024, "", ErrUntrustedKey, 0},
		{"nil key", nil, Namespace, in2024, "", ErrUntrustedKey, 0},
		{"cert-authority only", k3, Namespace, in2024, "", ErrCertAuthorityUnsupported, 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := as.Lookup(tc.key, tc.namespace, tc.at)
			if tc.wantErr == nil {
				if err != nil || got != tc.want {
					t.Fatalf("Lookup = %q, %v; want %q", got, err, tc.want)
				}
				return
			}
			var te *TrustError
			if !errors.Is(err, tc.wantErr) || !errors.As(err, &te) || te.Line != tc.wantLine || te.Reason != tc.wantErr.Error() {
				t.Fatalf("Lookup err = %v (%+v), want %v at line %d", err, te, tc.wantErr, tc.wantLine)
			}
			if errors.Is(err, ErrBadSignature) {
				t.Fatal("trust failure matches ErrBadSignature")
			}
		})
	}

	// Validity reasons, one line per key so the reason is unambiguous.
	window, err := parseAllowedSigners(strings.NewReader(
		`w@example.com valid-after="20240101Z",valid-before="20250101Z" `+a1), "", time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		at   time.Time
		want error
	}{
		{utc("2023-12-31T23:59:59Z"), ErrKeyNotYetValid},
		{utc("2024-01-01T00:00:00Z"), nil},   // valid-after is inclusive
		{utc("2025-01-01T00:00:00.9Z"), nil}, // whole seconds, valid-before inclusive
		{utc("2025-01-01T00:00:01Z"), ErrKeyExpired},
	} {
		_, err := window.Lookup(k1, Namespace, tc.at)
		if (tc.want == nil && err != nil) || (tc.want != nil && !errors.Is(err, tc.want)) {
			t.Errorf("at %s: err = %v, want %v", tc.at, err, tc.want)
		}
	}

	var nilSet *AllowedSigners
	if _, err := nilSet.Lookup(k1, Namespace, in2024); !errors.Is(err, ErrUntrustedKey) {
		t.Fatalf("nil set: err = %v", err)
	}
}

// TestLookupExplicit: only a line that names the namespace grants it; a
// line trusting the key for every namespace does not.
func TestLookupExplicit(t *testing.T) {
	k1, k2, k3 := seededKey(t, 1), seededKey(t, 2), seededKey(t, 3)
	file := strings.Join([]string{
		"agent@example.com " + authorizedKey(k1),
		`alice@example.com namespaces="git-proof,git-proof-approve" ` + authorizedKey(k2),
		`bob@example.com namespaces="git-proof-*" ` + authorizedKey(k3),
		`bob@example.com namespaces="!git-proof-approve,*" ` + authorizedKey(k1),
	}, "\n")
	as, err := parseAllowedSigners(strings.NewReader(file), "", time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	now := utc("2026-01-01T00:00:00Z")
	for _, tc := range []struct {
		name    string
		key     ssh.PublicKey
		want    string
		wantErr error
	}{
		{"no namespaces= option: not an approver", k1, "", ErrNamespaceNotAllowed},
		{"listed explicitly", k2, "alice@example.com", nil},
		{"listed by pattern", k3, "bob@example.com", nil},
	} {
		got, err := as.LookupExplicit(tc.key, ApproveNamespace, now)
		if got != tc.want || !errors.Is(err, tc.wantErr) {
			t.Errorf("%s: LookupExplicit = %q, %v; want %q, %v", tc.name, got, err, tc.want, tc.wantErr)
		}
	}
	// Lookup still trusts the unrestricted line for any namespace.
	if got, err := as.Lookup(k1, ApproveNamespace, now); err != nil || got != "agent@example.com" {
		t.Errorf("Lookup = %q, %v", got, err)
	}
}

func TestMatchPatternList(t *testing.T) {
	tests := []struct {
		s, list string
		want    int
	}{
		{"git-proof", "git-proof", 1},
		{"git-proof", "git", 0},
		{"git-proof", "git,git-proof", 1},
		{"git-proof", "git-*", 1},
		{"git-proof", "git-?roof", 1},
		{"git-proof", "git-?", 0},
		{"git-proof", "*", 1},
		{"git-proof", "!git-proof,*", -1},
		{"git-proof", "*,!git-proof", -1},
		{"git", "*,!git-proof", 1},
		{"git-proof", "", 0},
		{"", "", 0},
		{"", "*", 1},
		{"git-proof", ",", 0},
		{"a", "!b", 0},
		{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", strings.Repeat("*a", 30) + "b", 0}, // exponential in the C code
		{"git-proof", strings.Repeat("*", maxSubpattern), 0},                            // over-long subpattern never matches
		{"git-proof", "git-proof," + strings.Repeat("x", maxSubpattern), 0},             // ... and fails the whole list
	}
	for _, tc := range tests {
		if got := matchPatternList(tc.s, tc.list); got != tc.want {
			t.Errorf("matchPatternList(%q, %q) = %d, want %d", tc.s, short(tc.list), got, tc.want)
		}
	}
}
