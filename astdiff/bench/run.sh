#!/bin/sh
# Benchmark astdiff against git diff on two released versions of a module.
#
#   astdiff/bench/run.sh [module [old-version new-version]]
#
# Defaults to golang.org/x/crypto v0.45.0 → v0.58.0. The versions are
# fetched through the Go module proxy (go mod download); the large-file
# timing uses a 1 MiB cut of GOROOT's ssa/rewriteAMD64.go. Peak memory is
# reported by /usr/bin/time -v when it is installed.
set -eu
mod=${1:-golang.org/x/crypto}
old=${2:-v0.45.0}
new=${3:-v0.58.0}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
dir() { go mod download -json "$mod@$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p'; }
olddir=$(dir "$old")
newdir=$(dir "$new")
big="$(go env GOROOT)/src/cmd/compile/internal/ssa/rewriteAMD64.go"
go build -o /tmp/astdiff-bench ./astdiff/bench
set -- /tmp/astdiff-bench -old "$olddir" -new "$newdir" -check
[ -f "$big" ] && set -- "$@" -big "$big"
if [ -x /usr/bin/time ]; then
	/usr/bin/time -v "$@" 2>/tmp/astdiff-bench.time
	grep -E 'Maximum resident|Elapsed \(wall' /tmp/astdiff-bench.time
else
	"$@"
fi
