package settings_test

import (
	"context"
	"strings"
	"testing"

	"github.com/git-proof/git-proof/gitx"
	"github.com/git-proof/git-proof/internal/gittest"
	"github.com/git-proof/git-proof/settings"
)

// TestIdentity: the committer git-proof records is the one git names
// (`git var GIT_COMMITTER_IDENT`, asked here for comparison), whether it
// comes from the environment, committer.* or user.* config; with nothing
// to go on and user.useConfigOnly, both fields stay empty.
func TestIdentity(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		env    map[string]string // "" removes the variable
		config map[string]string
		want   [2]string // when git var cannot name one
	}{
		{name: "environment", env: map[string]string{"GIT_COMMITTER_NAME": "Env Name", "GIT_COMMITTER_EMAIL": "env@x"},
			config: map[string]string{"user.name": "User", "user.email": "user@x"}},
		{name: "user config", env: map[string]string{"GIT_COMMITTER_NAME": "", "GIT_COMMITTER_EMAIL": ""},
			config: map[string]string{"user.name": "User Name", "user.email": "user@x"}},
		{name: "committer config over user", env: map[string]string{"GIT_COMMITTER_NAME": "", "GIT_COMMITTER_EMAIL": ""},
			config: map[string]string{"user.name": "User", "user.email": "user@x", "committer.name": "Committer", "committer.email": "c@x"}},
		{name: "name from environment, email from config", env: map[string]string{"GIT_COMMITTER_NAME": "Env Name", "GIT_COMMITTER_EMAIL": ""},
			config: map[string]string{"user.email": "user@x"}},
		{name: "nothing, config only", env: map[string]string{"GIT_COMMITTER_NAME": "", "GIT_COMMITTER_EMAIL": "", "EMAIL": ""},
			config: map[string]string{"user.useConfigOnly": "true"}, want: [2]string{"", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := gittest.New(t)
			for k, v := range tt.config {
				r.Git("config", k, v)
			}
			var env []string
			for _, kv := range r.Env {
				k, _, _ := strings.Cut(kv, "=")
				if _, ok := tt.env[k]; !ok {
					env = append(env, kv)
				}
			}
			for k, v := range tt.env {
				if v != "" {
					env = append(env, k+"="+v)
				}
			}
			repo, err := gitx.Open(ctx, r.Dir, env)
			if err != nil {
				t.Fatal(err)
			}
			st := &settings.Settings{}
			st.Identity(ctx, repo)
			want := tt.want
			if out, err := repo.Run(ctx, "var", "GIT_COMMITTER_IDENT"); err == nil {
				ident := string(out)
				name, rest, _ := strings.Cut(ident, " <")
				email, _, _ := strings.Cut(rest, ">")
				want = [2]string{name, email}
			}
			if got := [2]string{st.UserName, st.UserEmail}; got != want {
				t.Errorf("Identity = %q; want %q (git var)", got, want)
			}
		})
	}
}
