package gitx

import (
	"context"
	"fmt"
	"strings"
)

// ConfigGet returns the last value of a git config key and whether it is set.
func (r *Repo) ConfigGet(ctx context.Context, key string) (string, bool, error) {
	out, err := r.Run(ctx, "config", "--get", key)
	if err != nil {
		if ExitCode(err) == 1 {
			return "", false, nil
		}
		return "", false, fmt.Errorf("read config %s: %w", key, err)
	}
	return strings.TrimRight(string(out), "\n"), true, nil
}

// ConfigGetPath is ConfigGet with git's path expansion (~/ and %(prefix)/).
func (r *Repo) ConfigGetPath(ctx context.Context, key string) (string, bool, error) {
	out, err := r.Run(ctx, "config", "--type=path", "--get", key)
	if err != nil {
		if ExitCode(err) == 1 {
			return "", false, nil
		}
		return "", false, fmt.Errorf("read config %s: %w", key, err)
	}
	return strings.TrimRight(string(out), "\n"), true, nil
}

// ConfigGetAll returns every value of a multi-valued key.
func (r *Repo) ConfigGetAll(ctx context.Context, key string) ([]string, error) {
	out, err := r.Run(ctx, "config", "--get-all", key)
	if err != nil {
		if ExitCode(err) == 1 {
			return nil, nil
		}
		return nil, fmt.Errorf("read config %s: %w", key, err)
	}
	return strings.Split(strings.TrimRight(string(out), "\n"), "\n"), nil
}

// ConfigSet sets a key in the repository's local config.
func (r *Repo) ConfigSet(ctx context.Context, key, value string) error {
	if _, err := r.Run(ctx, "config", "--local", key, value); err != nil {
		return fmt.Errorf("set config %s: %w", key, err)
	}
	return nil
}

// ConfigAdd adds a value to a multi-valued key in the local config.
func (r *Repo) ConfigAdd(ctx context.Context, key, value string) error {
	if _, err := r.Run(ctx, "config", "--local", "--add", key, value); err != nil {
		return fmt.Errorf("add config %s: %w", key, err)
	}
	return nil
}

// Remotes lists the configured remotes.
func (r *Repo) Remotes(ctx context.Context) ([]string, error) {
	out, err := r.Run(ctx, "remote")
	if err != nil {
		return nil, fmt.Errorf("list remotes: %w", err)
	}
	return strings.Fields(string(out)), nil
}
