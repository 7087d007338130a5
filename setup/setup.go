package setup

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/git-proof/git-proof/config"
	"github.com/git-proof/git-proof/gitx"
	"github.com/git-proof/git-proof/notes"
)

// Options of Init.
type Options struct {
	// Display also sets notes.displayRef so plain `git log` shows proofs.
	Display bool
}

// Change is one thing Init changed.
type Change struct {
	What   string `json:"what"`
	Detail string `json:"detail"`
}

// Init sets the repository up and returns what it changed (nothing on a
// second run).
func Init(ctx context.Context, repo *gitx.Repo, opts Options) ([]Change, error) {
	var changes []Change
	setIfDifferent := func(key, value string) error {
		cur, ok, err := repo.ConfigGet(ctx, key)
		if err != nil {
			return err
		}
		if ok && cur == value {
			return nil
		}
		if err := repo.ConfigSet(ctx, key, value); err != nil {
			return err
		}
		changes = append(changes, Change{What: "config", Detail: fmt.Sprintf("%s = %s", key, value)})
		return nil
	}
	addIfMissing := func(key, value string) error {
		vals, err := repo.ConfigGetAll(ctx, key)
		if err != nil {
			return err
		}
		if slices.Contains(vals, value) {
			return nil
		}
		if err := repo.ConfigAdd(ctx, key, value); err != nil {
			return err
		}
		changes = append(changes, Change{What: "config", Detail: fmt.Sprintf("%s += %s", key, value)})
		return nil
	}
	// cat_sort_uniq is a correct set union because every record is one line.
	if err := setIfDifferent("notes.proof.mergeStrategy", "cat_sort_uniq"); err != nil {
		return nil, err
	}
	if opts.Display {
		if err := addIfMissing("notes.displayRef", notes.Ref); err != nil {
			return nil, err
		}
	}
	remotes, err := repo.Remotes(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range remotes {
		// Forced like every remote-tracking refspec; it never touches the
		// local refs/notes/proof, which only `git notes merge` updates.
		if err := addIfMissing("remote."+r+".fetch", "+"+notes.Ref+":"+notes.RemoteRef(r)); err != nil {
			return nil, err
		}
	}
	if top := repo.TopLevel(); top != "" {
		path := filepath.Join(top, filepath.FromSlash(config.Path))
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return nil, fmt.Errorf("create .proof: %w", err)
			}
			if err := os.WriteFile(path, []byte(config.Scaffold), 0o644); err != nil {
				return nil, fmt.Errorf("write %s: %w", config.Path, err)
			}
			changes = append(changes, Change{What: "file", Detail: config.Path + " (commented examples; commit it)"})
		} else if err != nil {
			return nil, fmt.Errorf("check %s: %w", config.Path, err)
		}
	}
	return changes, nil
}
