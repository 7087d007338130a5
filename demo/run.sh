#!/usr/bin/env bash
# Builds git-proof and proves a bug fix in a small repository it makes:
# init → run → show → verify → git log --notes=proof, then shows verify
# refusing the proof once it is copied to a commit it was not made for.
# Needs Go, git and ssh-keygen (openssh-client). Leaves nothing behind
# unless DEMO_KEEP=1.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/git-proof-demo.XXXXXX")
if [ "${DEMO_KEEP:-}" = 1 ]; then
	echo "demo files kept in $work"
else
	trap 'rm -rf "$work"' EXIT
fi

if [ -t 1 ] && [ -z "${NO_COLOR+x}" ]; then
	step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
else
	step() { printf '\n$ %s\n' "$*"; }
fi

for tool in go git ssh-keygen; do
	command -v "$tool" >/dev/null || { echo "demo: $tool is not installed (apt-get install golang git openssh-client)" >&2; exit 2; }
done

echo "building git-proof…"
(cd "$here" && go build -o "$work/bin/git-proof" ./cmd/git-proof)
export PATH="$work/bin:$PATH"

# A throwaway identity and signing key; nothing of yours is read or changed.
export HOME="$work/home" GIT_CONFIG_NOSYSTEM=1 TZ=UTC
mkdir -p "$HOME"
export GIT_CONFIG_GLOBAL="$HOME/.gitconfig"
git config --global user.name "Demo Dev"
git config --global user.email dev@example.com
git config --global init.defaultBranch main
ssh-keygen -q -t ed25519 -N '' -C dev@example.com -f "$HOME/id_ed25519"
printf 'dev@example.com namespaces="git-proof" %s\n' "$(cut -d' ' -f1,2 "$HOME/id_ed25519.pub")" >"$HOME/allowed_signers"
# The Go caches stay yours, so the demo's go test runs warm.
export GOCACHE="${GOCACHE:-$(go env GOCACHE)}" GOMODCACHE="${GOMODCACHE:-$(go env GOMODCACHE)}" GOFLAGS=-mod=mod GOTOOLCHAIN=local

repo="$work/calc"
git init -q "$repo"
cd "$repo"
git config proof.signingKey "$HOME/id_ed25519"
git config proof.allowedSignersFile "$HOME/allowed_signers"

cat >go.mod <<'EOF'
module example.com/calc

go 1.21
EOF
cat >calc.go <<'EOF'
package calc

// Abs returns the absolute value of x.
func Abs(x int) int { return x } // bug: negative numbers
EOF
cat >calc_test.go <<'EOF'
package calc

import "testing"

func TestAbsPositive(t *testing.T) {
	if Abs(3) != 3 {
		t.Fatal(Abs(3))
	}
}
EOF
git add -A && git commit -qm "calc: add Abs"

cat >calc.go <<'EOF'
package calc

// Abs returns the absolute value of x.
func Abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
EOF
cat >>calc_test.go <<'EOF'

func TestAbsNegative(t *testing.T) {
	if Abs(-3) != 3 {
		t.Fatal(Abs(-3))
	}
}
EOF
git add -A && git commit -qm "calc: fix Abs for negative numbers"

step git proof init
git proof init

step "git proof run --test 'go test -json ./...'"
git proof run --test 'go test -json ./...'

step git proof show
git proof show

step git proof verify
git proof verify

step git log --notes=proof -1
git log --notes=proof -1 | cut -c1-160

step "# copy the proof onto a commit with other content: verify refuses it"
echo 'package calc' >doc.go && git add doc.go && git commit -qm "calc: doc"
git notes --ref=proof copy HEAD~1 HEAD
step git proof verify HEAD
if git proof verify HEAD; then
	echo "demo: verify accepted a moved proof" >&2
	exit 1
fi
echo
echo "demo: ok"
