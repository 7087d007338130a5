package review

import (
	"strings"
	"testing"
)

// Test secrets are assembled at run time so that this file itself holds
// none that a scanner would flag.
func fake(parts ...string) string { return strings.Join(parts, "") }

func TestScanLine(t *testing.T) {
	t.Parallel()
	b62 := "aZ3kQ9xW2mN7pL4vR8tY1uI6oP5sD0fG"
	tests := []struct {
		name, line, rule string
	}{
		// True positives.
		{"aws", `aws_key = "` + fake("AKIA", "Z7QX4N2LKD5RWT3M") + `"`, "aws-access-key-id"},
		{"aws asia", fake("ASIA", "Z7QX4N2LKD5RWT3M"), "aws-access-key-id"},
		{"github classic", "token: " + fake("ghp_", b62, "abcd"), "github-token"},
		{"github fine-grained", fake("github_pat_", strings.Repeat("A1b2C3d4E5", 8), "zz"), "github-token"},
		{"slack bot", fake("xoxb-", "123456789012-1234567890123-", b62[:24]), "slack-token"},
		{"anthropic", fake("sk-ant-", "api03-", b62, b62, "AA"), "anthropic-api-key"},
		{"openai project", fake("sk-", "proj-", b62, b62), "openai-api-key"},
		{"openai legacy", fake("sk-", b62[:20], "T3Blbk", "FJ", b62[:20]), "openai-api-key"},
		{"google", fake("AIza", "SyD4x9-Qw3_ZkLm8NpRt2VbXc7HjKf1Gs0E"), "google-api-key"},
		{"generic go", `	dbPassword := "` + fake("x7#Kq2!v", "Lp9@Zr4m") + `"`, "generic-secret"},
		{"generic yaml", `client_secret: '` + fake("9f8e7d6c5b4a", "ZyXwVu3210") + `'`, "generic-secret"},
		{"generic env", `API_KEY="` + fake("Qm9Lk2Jh7Gf", "4Ds1Aa8Zx") + `"`, "generic-secret"},
		{"generic json", `"access_token": "` + fake("ya29a0AfH6", "SMBx7Kq2Lp9") + `"`, "generic-secret"},
		// False positives that must not fire.
		{"aws doc key", `key = "` + fake("AKIA", "IOSFODNN7EXAMPLE") + `"`, ""},
		{"password placeholder", `password = "changeme"`, ""},
		{"low entropy", `password = "aaaaaaaaaaaaaaaa1"`, ""},
		{"template", `token = "${GITHUB_TOKEN}"`, ""},
		{"helm template", `secret: "{{ .Values.secret }}"`, ""},
		{"env lookup", `secret := os.Getenv("SECRET")`, ""},
		{"comparison", `if token == "` + fake("x7Kq2vLp9Zr4", "m8Tn") + `" {`, ""},
		{"tokenizer", `tokenizer = "bert-base-uncased-v2"`, ""},
		{"token type", `TOKEN_TYPE = "Bearer"`, ""},
		{"identifier value", `secret_name = "database_password_primary"`, ""},
		{"path", `private_key = "/etc/ssl/private/server-2024.key"`, ""},
		{"url", `token_endpoint = "https://oauth2.example.com/token123"`, ""},
		{"your key", `api_key = "YOUR_API_KEY_HERE_12345"`, ""},
		{"short sk", `sk-1234`, ""},
		{"sk-ant not openai", fake("sk-", "ant-short"), ""},
		{"prose", `The token is rotated every 24 hours; the password must be 12+ chars.`, ""},
		{"pem begin only", `if strings.HasPrefix(s, "-----BEGIN PRIVATE KEY-----") {`, ""},
		{"git sha", `commit = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"`, ""},
	}
	for _, tc := range tests {
		if got := scanAt([]string{tc.line}, 0); got != tc.rule {
			t.Errorf("%s: scan(%q) = %q; want %q", tc.name, tc.line, got, tc.rule)
		}
	}
}

func TestPrivateKey(t *testing.T) {
	t.Parallel()
	body := strings.Repeat("MIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB\n", 3)
	pem := fake("-----BEGIN RSA ", "PRIVATE KEY-----\n") + body + fake("-----END RSA ", "PRIVATE KEY-----")
	lines := strings.Split(pem, "\n")
	if got := scanAt(lines, 0); got != "private-key" {
		t.Errorf("PEM block: %q", got)
	}
	oneLine := `KEY="` + strings.ReplaceAll(pem, "\n", `\n`) + `"`
	if got := scanAt([]string{oneLine}, 0); got != "private-key" {
		t.Errorf("one-line PEM: %q", got)
	}
	empty := []string{fake("-----BEGIN ", "PRIVATE KEY-----"), "...", fake("-----END ", "PRIVATE KEY-----")}
	if got := scanAt(empty, 0); got != "" {
		t.Errorf("PEM without a body: %q", got)
	}
	pub := []string{"-----BEGIN PUBLIC KEY-----", strings.TrimSpace(body), "-----END PUBLIC KEY-----"}
	if got := scanAt(pub, 0); got != "" {
		t.Errorf("public key: %q", got)
	}
}

// TestScanPromptPlaces: a hit names the diff file and the line on the new
// side (the old side for a removed line); a contract hit the contract line.
func TestScanPromptPlaces(t *testing.T) {
	t.Parallel()
	key := fake("AKIA", "Z7QX4N2LKD5RWT3M")
	diff := strings.Join([]string{
		"diff --git a/app/main.go b/app/main.go",
		"--- a/app/main.go",
		"+++ b/app/main.go",
		"@@ -10,2 +20,3 @@",
		" package main",
		"+var id = \"" + key + "\"",
		"-var old = \"" + fake("ghp_", strings.Repeat("aB3", 12)) + "\"",
		" func main() {}",
		"diff --git a/deploy/key.pem b/deploy/key.pem",
		"--- /dev/null",
		"+++ b/deploy/key.pem",
		"@@ -0,0 +1,4 @@",
		fake("+-----BEGIN ", "PRIVATE KEY-----"),
		"+" + strings.Repeat("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=", 2),
		"+" + strings.Repeat("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=", 2),
		fake("+-----END ", "PRIVATE KEY-----"),
	}, "\n") + "\n"
	in := Input{Diff: []byte(diff), Contract: []byte("{\"x\":1,\n\"api_key\":\"" + fake("Qm9Lk2Jh7Gf", "4Ds1Aa8Zx") + "\"}")}
	p := buildPrompt(in, strings.Repeat("b", 32))
	hits := scanPrompt(p, parseDiff(diff))
	var got []string
	for _, h := range hits {
		got = append(got, h.String())
	}
	want := []string{
		"contract line 2: generic-secret",
		"app/main.go:21: aws-access-key-id",
		"app/main.go:11 (a removed line): github-token",
		"deploy/key.pem:1: private-key",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("hits:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, h := range hits {
		if strings.Contains(mustJSON(t, h), key) {
			t.Fatal("a hit holds the secret")
		}
	}
}

func TestEntropy(t *testing.T) {
	t.Parallel()
	if e := entropy("aaaa"); e != 0 {
		t.Errorf("entropy(aaaa) = %v", e)
	}
	if e := entropy("abcd"); e != 2 {
		t.Errorf("entropy(abcd) = %v", e)
	}
}

func FuzzScanLine(f *testing.F) {
	f.Add(`password = "x7#Kq2!vLp9@Zr4m"`)
	f.Add("-----BEGIN PRIVATE KEY-----")
	f.Fuzz(func(t *testing.T, line string) {
		lines := strings.Split(line, "\n")
		for i := range lines {
			scanAt(lines, i)
		}
	})
}
