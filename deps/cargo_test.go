package deps

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestCargoReq(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		req, version string
		want         bool
	}{
		{"1.2.3", "1.2.3", true}, {"1.2.3", "1.9.0", true}, {"1.2.3", "2.0.0", false}, {"1.2.3", "1.2.2", false},
		{"^0.2.3", "0.2.9", true}, {"^0.2.3", "0.3.0", false},
		{"0.0.3", "0.0.3", true}, {"0.0.3", "0.0.4", false},
		{"0.0", "0.0.9", true}, {"0.0", "0.1.0", false}, {"0", "0.9.9", true}, {"0", "1.0.0", false},
		{"0.7", "0.7.3", true}, {"0.7", "0.8.5", false}, {"0.8", "0.8.5", true},
		{"~1.2.3", "1.2.9", true}, {"~1.2.3", "1.3.0", false}, {"~1", "1.9.0", true}, {"~1", "2.0.0", false},
		{"=1.2.3", "1.2.3", true}, {"=1.2.3", "1.2.4", false}, {"=1.2", "1.2.7", true},
		{"1.*", "1.5.0", true}, {"1.*", "2.0.0", false}, {"*", "9.9.9", true}, {"1.2.*", "1.3.0", false},
		{">1.2.3", "1.2.4", true}, {">1.2.3", "1.2.3", false}, {">1.2", "1.2.9", false}, {">1.2", "1.3.0", true},
		{">=1.2, <1.5", "1.4.9", true}, {">=1.2, <1.5", "1.5.0", false},
		{"<=1.2", "1.2.9", true}, {"<=1.2", "1.3.0", false}, {"<=1.2.3", "1.2.3", true},
		{"1.0.0-rc.1", "1.0.0-rc.2", true}, {"1.0.0", "1.0.0-rc.1", false},
		{"1", "not a version", false},
	} {
		r, err := parseCargoReq(tc.req)
		if err != nil {
			t.Errorf("parseCargoReq(%q): %v", tc.req, err)
			continue
		}
		if got := r.matches(tc.version); got != tc.want {
			t.Errorf("parseCargoReq(%q).matches(%q) = %v; want %v", tc.req, tc.version, got, tc.want)
		}
	}
	for _, bad := range []string{"1.2.3.4", "a", ">=", "1.x.y.z", "^-1"} {
		if _, err := parseCargoReq(bad); err == nil {
			t.Errorf("parseCargoReq(%q) = nil error; want one", bad)
		}
	}
}

func TestCargoManifestRules(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  string
	}{
		{
			name: "without a lock",
			files: map[string]string{"Cargo.toml": `
[package]
name = "x"
version = "0.1.0"
[dependencies]
serde = "1.0"
exact = "=2.0.1"
renamed = { package = "real-name", version = "0.3", optional = true }
g = { git = "https://github.com/o/g", branch = "dev" }
[dev_dependencies]
old-style = "1"
[target."cfg(unix)".build-dependencies]
cc = "1"
`},
			want: "Cargo.toml cargo cc@1 [build]\nCargo.toml cargo exact@=2.0.1\nCargo.toml cargo g@git+https://github.com/o/g?branch=dev\nCargo.toml cargo old-style@1 [dev]\nCargo.toml cargo real-name@0.3 [optional]\nCargo.toml cargo serde@1.0\n",
		},
		{
			name: "lock without manifest",
			files: map[string]string{"Cargo.lock": `version = 4
[[package]]
name = "x"
version = "0.1.0"
dependencies = ["serde", "rand 0.8.5"]
[[package]]
name = "serde"
version = "1.0.1"
source = "registry+https://github.com/rust-lang/crates.io-index"
[[package]]
name = "rand"
version = "0.8.5"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = ["rand_core"]
[[package]]
name = "rand"
version = "0.7.3"
source = "registry+https://github.com/rust-lang/crates.io-index"
[[package]]
name = "rand_core"
version = "0.6.4"
source = "registry+https://github.com/rust-lang/crates.io-index"
`},
			want: "Cargo.lock cargo rand@0.7.3 indirect\nCargo.lock cargo rand@0.8.5\nCargo.lock cargo rand_core@0.6.4 indirect\nCargo.lock cargo serde@1.0.1\n",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := depLines(mustParse(t, tc.files)); got != tc.want {
				t.Errorf("Parse =\n%s; want\n%s", got, tc.want)
			}
		})
	}
}

func TestCargoPURL(t *testing.T) {
	t.Parallel()
	got := mustParse(t, map[string]string{"Cargo.toml": "[dependencies]\na = \"1.0\"\nb = \"=1.0.2\"\n"})
	if got[0].PURL != "pkg:cargo/a" || got[1].PURL != "pkg:cargo/b@1.0.2" {
		t.Errorf("purls = %q, %q; want a version only for the exact requirement", got[0].PURL, got[1].PURL)
	}
}

func TestCargoWorkspaceInheritWithoutRoot(t *testing.T) {
	t.Parallel()
	got, errs := Parse(map[string][]byte{"crates/a/Cargo.toml": []byte("[package]\nname = \"a\"\n\n[dependencies]\nok = \"1\"\nserde.workspace = true\n")})
	var pe *ParseError
	if len(errs) != 1 || !errors.Is(errs[0], ErrInvalid) || !errors.As(errs[0], &pe) || pe.Line != 6 {
		t.Errorf("errors = %v; want one ErrInvalid at line 6", errs)
	}
	if len(got) != 1 || got[0].Name != "ok" {
		t.Errorf("Parse = %v; want the other dependency kept", got)
	}
}

// TestCargoLive locks a small workspace with the real cargo, offline,
// against a directory source of stand-in crates, and checks that every
// version Parse reports is the one cargo chose.
func TestCargoLive(t *testing.T) {
	if testing.Short() {
		t.Skip("runs cargo")
	}
	cargo, err := exec.LookPath("cargo")
	if err != nil {
		t.Skip("cargo not installed")
	}
	t.Parallel()
	dir := t.TempDir()
	write := func(p, s string) {
		t.Helper()
		p = filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	crate := func(name, version, deps string) {
		d := "vendor/" + name + "-" + version
		write(d+"/Cargo.toml", fmt.Sprintf("[package]\nname = %q\nversion = %q\nedition = \"2021\"\n[dependencies]\n%s", name, version, deps))
		write(d+"/src/lib.rs", "")
		write(d+"/.cargo-checksum.json", fmt.Sprintf(`{"files":{},"package":"%x"}`, sha256.Sum256([]byte(name+version))))
	}
	crate("rand_core", "0.5.1", "")
	crate("rand_core", "0.6.4", "")
	crate("rand", "0.7.3", "rand_core = \"0.5\"\n")
	crate("rand", "0.8.5", "rand_core = \"0.6\"\n")
	crate("log", "0.4.21", "")
	write("ws/.cargo/config.toml", "[source.crates-io]\nreplace-with = \"v\"\n[source.v]\ndirectory = \""+filepath.ToSlash(filepath.Join(dir, "vendor"))+"\"\n")
	write("ws/Cargo.toml", "[workspace]\nresolver = \"2\"\nmembers = [\"app\"]\n[workspace.dependencies]\nlog = \"0.4\"\n")
	write("ws/app/src/lib.rs", "")
	write("ws/app/Cargo.toml", "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[dependencies]\nrand07 = { package = \"rand\", version = \"0.7\" }\nrand = \"0.8\"\nlog.workspace = true\n")
	cmd := exec.Command(cargo, "generate-lockfile", "--offline")
	cmd.Dir = filepath.Join(dir, "ws")
	cmd.Env = append(os.Environ(), "CARGO_HOME="+filepath.Join(dir, "cargo-home"), "CARGO_NET_OFFLINE=true")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("cargo generate-lockfile --offline: %v\n%s", err, out)
	}
	files := map[string][]byte{}
	for _, f := range []string{"Cargo.toml", "Cargo.lock", "app/Cargo.toml"} {
		b, err := os.ReadFile(filepath.Join(dir, "ws", f))
		if err != nil {
			t.Fatal(err)
		}
		files[f] = b
	}
	got, errs := Parse(files)
	if len(errs) > 0 {
		t.Fatalf("Parse: %v", errs)
	}
	want := `Cargo.lock cargo rand_core@0.5.1 indirect
Cargo.lock cargo rand_core@0.6.4 indirect
Cargo.toml cargo log@0.4 [workspace]
app/Cargo.toml cargo log@0.4.21
app/Cargo.toml cargo rand@0.7.3
app/Cargo.toml cargo rand@0.8.5
`
	if s := depLines(got); s != want {
		t.Errorf("Parse(cargo's own lock) =\n%s; want\n%s\nCargo.lock:\n%s", s, want, files["Cargo.lock"])
	}
	if !strings.Contains(string(files["Cargo.lock"]), "version = 4") {
		t.Logf("cargo wrote a lock file of another format version:\n%s", files["Cargo.lock"])
	}
}
