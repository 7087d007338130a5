package environ

import "strings"

// Lookup returns the value of k in env and whether it is set. A key given
// more than once has its last value, as os/exec passes it.
func Lookup(env []string, k string) (string, bool) {
	for i := len(env) - 1; i >= 0; i-- {
		if name, v, ok := strings.Cut(env[i], "="); ok && name == k {
			return v, true
		}
	}
	return "", false
}

// Get is Lookup's value, "" when k is not set.
func Get(env []string, k string) string {
	v, _ := Lookup(env, k)
	return v
}
