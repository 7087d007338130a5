// Package atomicfile writes a file so that readers see its old content or
// its new content, never a part: the data goes to a temporary file in the
// same directory, which is then renamed over the name.
package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
)

// Write replaces name with b, making name's directory if it is missing.
// On an error nothing is left behind and name is as it was.
func Write(name string, b []byte) error {
	dir := filepath.Dir(name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	f, err := os.CreateTemp(dir, ".tmp-"+filepath.Base(name)+"-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), name)
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}
