package sign

import (
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestLookupMatchesSSHKeygen is a differential test: for each allowed
// signers file and each (namespace, time), Lookup must accept exactly when
// `ssh-keygen -Y verify -n NS -I alice@example.com -Overify-time=T` does, and
// Lookup with namespaces ignored must name the same principals as
// `ssh-keygen -Y find-principals` (which does not look at namespaces, and
// prints the principals field one comma-separated item per line).
//
// Every line for the signing key K matches principal alice@example.com, so
// verify's -I filter never decides; other keys (O) may list anyone. Times
// without Z are read as UTC on both sides (TestMain sets TZ=UTC).
func TestLookupMatchesSSHKeygen(t *testing.T) {
	dir := t.TempDir()
	key := genKey(t, dir, "signer", "ed25519")
	other := genKey(t, dir, "other", "ecdsa-p256")
	K, O := authorizedKey(key.Pub), authorizedKey(other.Pub)
	data := []byte("signed data\n")

	namespaces := []string{Namespace, "git", "file"}
	sigs := map[string]string{}
	for _, ns := range namespaces {
		sigs[ns] = writeFile(t, filepath.Join(dir, ns+".sig"), keygenSign(t, key.Priv, ns, data))
	}
	times := []string{
		"2022-06-01T00:00:00Z",
		"2023-01-01T00:00:00Z",
		"2023-12-31T23:59:59Z",
		"2024-01-01T00:00:00Z",
		"2024-01-01T12:00:00Z",
		"2024-01-01T12:00:01Z",
		"2024-03-01T00:00:00Z",
		"2025-06-01T00:00:00Z",
	}

	files := []struct{ name, text string }{
		{"plain", "alice@example.com " + K},
		{"namespace exact", `alice@example.com namespaces="git-proof" ` + K},
		{"namespace other", `alice@example.com namespaces="git" ` + K},
		{"namespace list", `alice@example.com namespaces="git,file" ` + K},
		{"namespace wildcard", `alice@example.com namespaces="git-*" ` + K},
		{"namespace ?", `alice@example.com namespaces="fil?,git-pro?f" ` + K},
		{"namespace negated first", `alice@example.com namespaces="!git-proof,*" ` + K},
		{"namespace negated last", `alice@example.com namespaces="*,!git" ` + K},
		{"namespace empty", `alice@example.com namespaces="" ` + K},
		{"namespace with quote and blank", `alice@example.com namespaces="a \"b,file" ` + K},
		{"valid-after local day", `alice@example.com valid-after="20240101" ` + K},
		{"valid-after Z seconds", `alice@example.com valid-after="20240101120000Z" ` + K},
		{"valid-before Z day", `alice@example.com valid-before="20240101Z" ` + K},
		{"window", `alice@example.com valid-after="20230101Z",valid-before="20240101Z" ` + K},
		{"window utc minutes, mixed case", `alice@example.com VALID-BEFORE="202401011200utc",Namespaces="git-proof,git",Valid-After="20230101000000z" ` + K},
		{"rolled-over date", `alice@example.com valid-after="20240230Z" ` + K},
		{"two lines: expired then current", "alice@example.com valid-before=\"20230101Z\" " + K + "\n*@example.com valid-after=\"20230101Z\" " + K},
		{"two lines: other namespace then ours", "alice@example.com namespaces=\"git\" " + K + "\nalice@example.com,bob@example.com namespaces=\"git-proof\" " + K},
		{"two lines: both refuse", "alice@example.com namespaces=\"file\" " + K + "\nalice@example.com valid-before=\"20230601Z\" " + K},
		{"wildcard principals", "*@example.com " + K},
		{"negated principal for someone else", "bob@example.com " + O + "\n*@example.com,!mallory@example.com " + K},
		{"quoted principals", `"alice@example.com" ` + K + " comment with \"quotes\""},
		{"comments, blanks, tabs, CRLF", "# allowed signers\r\n\r\n\t# indented\r\nalice@example.com\t" + K + "\r\n"},
		{"empty options", `alice@example.com ,namespaces="git-proof",,valid-after="20200101Z" ` + K},
		{"cert-authority only", "alice@example.com cert-authority " + K},
		{"cert-authority then plain", "alice@example.com Cert-Authority " + K + "\nalice@example.com " + K},
		{"unknown key", "alice@example.com " + O},
		{"empty file", ""},
	}

	var accepted, refused atomic.Int64
	t.Run("files", func(t *testing.T) {
		for _, f := range files {
			t.Run(f.name, func(t *testing.T) {
				t.Parallel()
				path := writeFile(t, filepath.Join(t.TempDir(), "allowed_signers"), []byte(f.text+"\n"))
				as, err := parseAllowedSigners(strings.NewReader(f.text), "", time.UTC)
				if err != nil {
					t.Fatal(err)
				}
				anyNS := &AllowedSigners{Entries: append([]AllowedSigner(nil), as.Entries...)}
				for i := range anyNS.Entries {
					anyNS.Entries[i].Namespaces = nil
				}
				for _, ts := range times {
					at := utc(ts)
					vt := "-Overify-time=" + at.UTC().Format("20060102150405") + "Z"
					for _, ns := range namespaces {
						_, stderr, kerr := run(t, data, nil, "ssh-keygen", "-Y", "verify", "-n", ns, "-f", path,
							"-I", "alice@example.com", "-s", sigs[ns], vt)
						_, err := as.Lookup(key.Pub, ns, at)
						if (kerr == nil) != (err == nil) {
							t.Errorf("%s %s: ssh-keygen verify ok=%v (%s), Lookup err=%v", ns, ts, kerr == nil, strings.TrimSpace(stderr), err)
						}
						if err == nil {
							accepted.Add(1)
						} else {
							refused.Add(1)
						}
					}
					out, stderr, kerr := run(t, nil, nil, "ssh-keygen", "-Y", "find-principals", "-f", path, "-s", sigs[Namespace], vt)
					want := ""
					if kerr == nil {
						want = strings.TrimSuffix(out, "\n")
					}
					got, err := anyNS.Lookup(key.Pub, "ignored", at)
					got = strings.ReplaceAll(got, ",", "\n")
					if got != want || (err == nil) != (kerr == nil) {
						t.Errorf("%s: find-principals %q (ok=%v, %s), Lookup %q, %v", ts, want, kerr == nil, strings.TrimSpace(stderr), got, err)
					}
				}
			})
		}
	})
	// Both outcomes must occur, or agreement would be vacuous.
	if accepted.Load() == 0 || refused.Load() == 0 {
		t.Fatalf("accepted %d, refused %d: the table does not exercise both outcomes", accepted.Load(), refused.Load())
	}
	t.Logf("%d accepted, %d refused, all agreeing with ssh-keygen", accepted.Load(), refused.Load())
}
