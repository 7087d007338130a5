package policy

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/git-proof/git-proof/gitx"
)

// Git config keys that choose the policy.
const (
	// ConfigPolicy names the admin's policy directory. A relative path is
	// relative to the repository's (common) git directory, which for a
	// bare repository is the repository itself; never to a working tree.
	ConfigPolicy = "proof.policy"
	// ConfigPolicyDefault, when false, leaves out the embedded default.
	ConfigPolicyDefault = "proof.policyDefault"
	// ConfigRiskThreshold is data.config.riskThreshold, a number in (0, 1].
	ConfigRiskThreshold = "proof.riskThreshold"
	// ConfigMinChangedCoverage is data.config.minChangedCoverage, a number
	// in (0, 1]: the fraction of changed code lines a check's coverage
	// must show ran; unset, the default policy has no such rule.
	ConfigMinChangedCoverage = "proof.minChangedCoverage"
)

// ClientOptions are the policy sources for a check made in a clone (run,
// verify, show, policy eval): the default, the .proof/policy directory at
// the top of the working tree as it is checked out (none in a bare
// repository), and proof.policy if set. Data comes from git config (see
// ServerOptions).
func ClientOptions(ctx context.Context, repo *gitx.Repo) (LoadOptions, error) {
	opts, err := configOptions(ctx, repo)
	if err != nil {
		return LoadOptions{}, err
	}
	if top := repo.TopLevel(); top != "" {
		opts.RepoPolicyDir = filepath.Join(top, filepath.FromSlash(SourceRepo))
	}
	return opts, nil
}

// ServerOptions are the policy sources for a server-side check (the
// pre-receive hook): the default and proof.policy only. A policy that
// arrives with the pushed commits, or sits in a working tree on the server,
// is never loaded. On both sides proof.riskThreshold, when set, becomes
// data.config.riskThreshold.
func ServerOptions(ctx context.Context, repo *gitx.Repo) (LoadOptions, error) {
	opts, err := configOptions(ctx, repo)
	if err != nil {
		return LoadOptions{}, err
	}
	opts.Server = true
	return opts, nil
}

func configOptions(ctx context.Context, repo *gitx.Repo) (LoadOptions, error) {
	var opts LoadOptions
	dir, ok, err := repo.ConfigGetPath(ctx, ConfigPolicy)
	if err != nil {
		return opts, err
	}
	if dir = strings.TrimSpace(dir); ok && dir != "" {
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(repo.CommonDir(), dir)
		}
		opts.AdminDir = dir
	}
	keep, set, err := repo.ConfigGetBool(ctx, ConfigPolicyDefault)
	if err != nil {
		return opts, err
	}
	opts.NoDefault = set && !keep
	for _, d := range []struct{ key, name, example string }{
		{ConfigRiskThreshold, "riskThreshold", "0.5"},
		{ConfigMinChangedCoverage, "minChangedCoverage", "0.8"},
	} {
		v, ok, err := repo.ConfigGet(ctx, d.key)
		if err != nil {
			return opts, err
		}
		if !ok {
			continue
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || !(f > 0 && f <= 1) {
			return opts, fmt.Errorf("%s = %q: want a number in (0, 1], e.g. %s", d.key, v, d.example)
		}
		if opts.Data == nil {
			opts.Data = map[string]any{}
		}
		opts.Data[d.name] = f
	}
	return opts, nil
}
