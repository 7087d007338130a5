package gitx

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/git-proof/git-proof/internal/lazyre"
)

// commitInProcess writes the commit `git commit-tree tree -p parent… -F -`
// would write, without the process (a run's note commit is on the way
// from the last check to the end of the run). ok is false for whatever
// it leaves to git: a signed or re-encoded commit, an identity or date
// that git would work out or clean up itself, a tree or parent that is not
// a full id of an object of that type, objects git-proof may not write in
// process (looseStore). Then git decides, and says what is wrong.
func (r *Repo) commitInProcess(ctx context.Context, tree string, parents []string, msg string) (id string, ok bool, err error) {
	if r.looseStore(ctx) == nil || !utf8.ValidString(msg) {
		return "", false, nil
	}
	// One look at the config for every key (each ConfigGet would check
	// the config files again).
	c, err := r.config(ctx)
	if err != nil {
		return "", false, nil
	}
	// Signing unless commit.gpgSign says plainly it is off (any other
	// spelling is git's to read); no encoding header.
	if v, set := c.last("commit.gpgSign"); set && !slices.Contains([]string{"false", "no", "off", "0"}, strings.ToLower(v)) {
		return "", false, nil
	}
	if _, set := c.last("i18n.commitEncoding"); set {
		return "", false, nil
	}
	author, ok := r.ident(c, "AUTHOR", "author")
	if !ok {
		return "", false, nil
	}
	committer, ok := r.ident(c, "COMMITTER", "committer")
	if !ok {
		return "", false, nil
	}
	// commit-tree checks the tree and the parents exist; so does this.
	names := append([]string{tree}, parents...)
	for _, n := range names {
		if !r.IsObjectID(n) {
			return "", false, nil
		}
	}
	good := true
	if err := r.ReadObjects(ctx, names, 1, func(i int, o *Object) error {
		want := "commit"
		if i == 0 {
			want = "tree"
		}
		good = good && !o.Missing && o.Type == want
		return nil
	}); err != nil || !good {
		return "", false, nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "tree %s\n", tree)
	for _, p := range parents {
		fmt.Fprintf(&b, "parent %s\n", p)
	}
	fmt.Fprintf(&b, "author %s\ncommitter %s\n\n%s", author, committer, msg)
	id, err = r.WriteObject(ctx, "commit", []byte(b.String()))
	return id, true, err
}

// ident is git's "Name <email> time zone" for role (AUTHOR or COMMITTER;
// cfg is its config section), taken as git takes it: the GIT_<ROLE>_*
// variables, then <cfg>.name/email, then user.name/email (and EMAIL).
// ok is false when git would have to guess any part, or clean it up.
func (r *Repo) ident(c *configCache, role, cfg string) (string, bool) {
	pick := func(env string, keys ...string) (string, bool) {
		if v, set := r.lookupEnv("GIT_" + role + "_" + env); set {
			return v, true
		}
		for _, k := range keys {
			if v, set := c.last(k); set {
				return v, true
			}
		}
		return "", false
	}
	name, ok := pick("NAME", cfg+".name", "user.name")
	if !ok || !plainIdent(name) {
		return "", false
	}
	email, ok := pick("EMAIL", cfg+".email", "user.email")
	if !ok {
		email, ok = r.lookupEnv("EMAIL")
	}
	if !ok || !plainIdent(email) {
		return "", false
	}
	date, ok := r.identDate(role)
	if !ok {
		return "", false
	}
	return name + " <" + email + "> " + date, true
}

// plainIdent reports whether git would take s as it is: not empty, valid
// UTF-8, nothing git strips from its ends (control characters, spaces and
// punctuation such as . , : ; < > " \ ') and no < > or newline inside.
func plainIdent(s string) bool {
	if s == "" || !utf8.ValidString(s) || strings.ContainsAny(s, "<>\n") {
		return false
	}
	crud := func(c byte) bool { return c <= 32 || strings.IndexByte(".,:;<>\"\\'", c) >= 0 }
	return !crud(s[0]) && !crud(s[len(s)-1])
}

var (
	rawDate     = lazyre.New(`^@([0-9]{1,15}) ([+-][0-9]{4})$`)
	rfc3339Date = lazyre.New(`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})$`)
)

// identDate is "<unix time> <±hhmm>" for role from GIT_<ROLE>_DATE in the
// two forms read here (git's raw "@<seconds> ±hhmm", and RFC 3339 with a
// zone), or now in the zone git would use; ok is false for any other form
// or a zone only git can work out.
func (r *Repo) identDate(role string) (string, bool) {
	if v, set := r.lookupEnv("GIT_" + role + "_DATE"); set {
		if m := rawDate.FindStringSubmatch(v); m != nil {
			return m[1] + " " + m[2], true
		}
		if rfc3339Date.MatchString(v) {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return "", false
			}
			return strconv.FormatInt(t.Unix(), 10) + " " + zoneOffset(t), true
		}
		return "", false
	}
	// Now, in the zone of git's TZ, which must be this process's (Go read
	// it at start) and one Go can load as the C library would.
	tz, set := r.lookupEnv("TZ")
	if own, ownSet := os.LookupEnv("TZ"); tz != own || set != ownSet {
		return "", false
	}
	if set && tz != "" {
		if _, err := time.LoadLocation(strings.TrimPrefix(tz, ":")); err != nil {
			return "", false
		}
	}
	t := time.Now()
	return strconv.FormatInt(t.Unix(), 10) + " " + zoneOffset(t), true
}

// zoneOffset is t's zone as git writes it: ±hhmm.
func zoneOffset(t time.Time) string {
	_, off := t.Zone()
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("%c%02d%02d", sign, off/3600, off%3600/60)
}
