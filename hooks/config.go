package hooks

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/git-proof/git-proof/gitx"
)

// What a protected ref can require, as verify.Options.Rule.Require takes it.
const (
	RequireAutoOK   = "AUTO_OK"
	RequireApproval = "approval"
)

// Config is the gate's configuration, from git config (the server's own
// repository config for pre-receive; the user's for pre-push):
//
//	proof.protect            ref glob, repeatable; default refs/heads/* and refs/tags/*
//	proof.require            AUTO_OK | approval: what protected refs require (default approval)
//	proof.<glob>.require     the same for refs matching <glob> (the most specific glob wins)
//	proof.since              a commit: commits it reaches are grandfathered
//	proof.approvers          principal pattern, repeatable (see verify.Options.Approvers)
//
// In a glob, * matches any run of characters, '/' included, as in refspecs.
type Config struct {
	Protect   []string
	Require   string
	Rules     []RefRule // most specific first
	Since     string    // a full commit id, or ""
	Approvers []string
}

// RefRule is what refs matching Glob require.
type RefRule struct {
	Glob, Require string
}

// DefaultProtect are the protected refs when proof.protect is unset.
func DefaultProtect() []string { return []string{"refs/heads/*", "refs/tags/*"} }

// LoadConfig reads the gate's configuration of repo.
func LoadConfig(ctx context.Context, repo *gitx.Repo) (*Config, error) {
	c := &Config{Require: RequireApproval}
	var err error
	if c.Protect, err = repo.ConfigGetAll(ctx, "proof.protect"); err != nil {
		return nil, err
	}
	if len(c.Protect) == 0 {
		c.Protect = DefaultProtect()
	}
	for _, g := range c.Protect {
		if err := checkGlob(g); err != nil {
			return nil, fmt.Errorf("proof.protect %q: %w", g, err)
		}
	}
	if v, ok, err := repo.ConfigGet(ctx, "proof.require"); err != nil {
		return nil, err
	} else if ok {
		if c.Require, err = checkRequire("proof.require", v); err != nil {
			return nil, err
		}
	}
	keys, err := repo.ConfigKeys(ctx, func(k string) bool {
		return strings.HasPrefix(k, "proof.") && strings.HasSuffix(k, ".require") && k != "proof.require"
	})
	if err != nil {
		return nil, fmt.Errorf("read proof.<glob>.require: %w", err)
	}
	for _, key := range keys {
		val, _, err := repo.ConfigGet(ctx, key)
		if err != nil {
			return nil, err
		}
		glob := strings.TrimSuffix(strings.TrimPrefix(key, "proof."), ".require")
		req, err := checkRequire(key, val)
		if err != nil {
			return nil, err
		}
		if err := checkGlob(glob); err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		c.Rules = append(c.Rules, RefRule{Glob: glob, Require: req})
	}
	// Most specific first: the glob with the most literal characters.
	sortBySpecificity(c.Rules)
	if since, ok, err := repo.ConfigGet(ctx, "proof.since"); err != nil {
		return nil, err
	} else if ok && strings.TrimSpace(since) != "" {
		id, err := repo.ResolveCommit(ctx, strings.TrimSpace(since))
		if err != nil {
			return nil, fmt.Errorf("proof.since %q: %w", since, err)
		}
		c.Since = id
	}
	if c.Approvers, err = repo.ConfigGetAll(ctx, "proof.approvers"); err != nil {
		return nil, err
	}
	return c, nil
}

// Protected reports whether ref is gated. Notes refs never are: they hold
// the proofs, and refs/notes/proof has rules of its own.
func (c *Config) Protected(ref string) bool {
	if strings.HasPrefix(ref, "refs/notes/") {
		return false
	}
	for _, g := range c.Protect {
		if globMatch(g, ref) {
			return true
		}
	}
	return false
}

// RequireFor returns what ref requires.
func (c *Config) RequireFor(ref string) string {
	for _, r := range c.Rules {
		if globMatch(r.Glob, ref) {
			return r.Require
		}
	}
	return c.Require
}

func checkRequire(key, v string) (string, error) {
	switch strings.TrimSpace(v) {
	case RequireAutoOK:
		return RequireAutoOK, nil
	case RequireApproval:
		return RequireApproval, nil
	}
	return "", fmt.Errorf("%s = %q: want %s or %s", key, v, RequireAutoOK, RequireApproval)
}

func checkGlob(g string) error {
	if !strings.HasPrefix(g, "refs/") {
		return fmt.Errorf("a ref glob starts with refs/, e.g. refs/heads/*")
	}
	return nil
}

// globMatch matches a ref against a glob where * is any run of characters
// ('/' included) and ? one character.
func globMatch(glob, ref string) bool {
	var b strings.Builder
	b.WriteString("^")
	for _, r := range glob {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	return err == nil && re.MatchString(ref)
}

func sortBySpecificity(rules []RefRule) {
	literal := func(g string) int { return len(g) - strings.Count(g, "*") - strings.Count(g, "?") }
	for i := 1; i < len(rules); i++ {
		for j := i; j > 0 && literal(rules[j].Glob) > literal(rules[j-1].Glob); j-- {
			rules[j], rules[j-1] = rules[j-1], rules[j]
		}
	}
}
