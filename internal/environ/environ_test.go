package environ

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestLookup(t *testing.T) {
	env := []string{"A=1", "B=", "A=2", "C", "D=x=y", "=E"}
	for _, tc := range []struct {
		k, v string
		ok   bool
	}{
		{"A", "2", true}, // the last one, as os/exec
		{"B", "", true},
		{"C", "", false}, // no "="
		{"D", "x=y", true},
		{"", "E", true},
		{"a", "", false}, // case matters
		{"Z", "", false},
	} {
		if v, ok := Lookup(env, tc.k); v != tc.v || ok != tc.ok {
			t.Errorf("Lookup(%q) = %q, %v; want %q, %v", tc.k, v, ok, tc.v, tc.ok)
		}
	}
	if Get(env, "Z") != "" || Get(env, "A") != "2" {
		t.Error("Get disagrees with Lookup")
	}
}

// TestLookupAsExec: a key given twice reads as the process started with
// the environment sees it.
func TestLookupAsExec(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip(err)
	}
	env := []string{"PATH=" + os.Getenv("PATH"), "GP_X=first", "GP_X=second"}
	cmd := exec.Command(sh, "-c", "printf %s \"$GP_X\"")
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if got := Get(env, "GP_X"); got != strings.TrimSpace(string(out)) {
		t.Errorf("Get = %q; the process sees %q", got, out)
	}
}
