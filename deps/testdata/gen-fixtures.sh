#!/bin/sh
# Regenerates the lock files under trees/ with the real tools, from the
# manifests checked in beside them. See README.md.
#   sh gen-fixtures.sh npm     # needs the npm registry
#   sh gen-fixtures.sh cargo   # offline: stand-in crates in a directory source
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=${TMPDIR:-/tmp}/deps-fixtures
copy() { # from to name: copy every file called name, keeping its path
	(cd "$1" && find . -name "$3") | while read -r f; do
		mkdir -p "$2/$(dirname "$f")" && cp "$1/$f" "$2/$f"
	done
}
case "${1:-}" in
npm)
	# case/side lockfile-version
	for spec in npm/base:3 npm/head:3 npm-v1/base:1 npm-workspace/base:2; do
		tree=${spec%%:*} v=${spec##*:}
		rm -rf "$work/$tree" && mkdir -p "$work/$tree"
		copy "$here/trees/$tree" "$work/$tree" package.json
		(cd "$work/$tree" && npm install --package-lock-only --lockfile-version "$v" \
			--omit-lockfile-registry-resolved=false --ignore-scripts --no-audit --no-fund >/dev/null)
		cp "$work/$tree/package-lock.json" "$here/trees/$tree/package-lock.json"
	done
	;;
cargo)
	# The git dependency of the head tree lives at a fixed path, with fixed
	# dates, so its commit id (recorded in Cargo.lock) is stable.
	g=/tmp/cargofx/gitdep
	rm -rf "$g" && mkdir -p "$g/src"
	printf '[package]\nname = "gitdep"\nversion = "0.1.0"\nedition = "2021"\n' >"$g/Cargo.toml"
	echo >"$g/src/lib.rs"
	(cd "$g" && git init -q -b main && git add . &&
		GIT_AUTHOR_DATE=2026-01-01T00:00:00Z GIT_COMMITTER_DATE=2026-01-01T00:00:00Z \
			git -c user.name=f -c user.email=f@example.com commit -qm init && git tag v0.1.0)
	crate() { # dir name version [dependency lines]
		d=$1/$2-$3 && mkdir -p "$d/src" && echo >"$d/src/lib.rs"
		printf '[package]\nname = "%s"\nversion = "%s"\nedition = "2021"\n[dependencies]\n%s\n' "$2" "$3" "${4:-}" >"$d/Cargo.toml"
		[ "$2" = winapi ] && printf '[features]\nwinbase = []\n' >>"$d/Cargo.toml"
		printf '{"files":{},"package":"%s"}' "$(printf '%s' "$2-$3" | sha256sum | cut -c1-64)" >"$d/.cargo-checksum.json"
	}
	for side in base head; do
		v=$work/vendor-$side && rm -rf "$v"
		crate "$v" rand_core 0.5.1; crate "$v" rand_core 0.6.4
		crate "$v" rand 0.7.3 'rand_core = "0.5"'; crate "$v" rand 0.8.5 'rand_core = "0.6"'
		crate "$v" cc 1.0.90; crate "$v" tempfile 3.10.0; crate "$v" winapi 0.3.9
		crate "$v" log 0.4.21; crate "$v" anyhow 1.0.86
		if [ $side = base ]; then crate "$v" serde 1.0.200; else crate "$v" serde 1.0.210; fi
		t=$work/cargo-$side && rm -rf "$t" && mkdir -p "$t/.cargo"
		copy "$here/trees/cargo/$side" "$t" Cargo.toml
		for m in app util; do mkdir -p "$t/crates/$m/src" && echo >"$t/crates/$m/src/lib.rs"; done
		printf '[source.crates-io]\nreplace-with = "vendored-sources"\n[source.vendored-sources]\ndirectory = "%s"\n' "$v" >"$t/.cargo/config.toml"
		(cd "$t" && cargo generate-lockfile -q)
		cp "$t/Cargo.lock" "$here/trees/cargo/$side/Cargo.lock"
	done
	;;
*)
	echo "usage: $0 npm|cargo" >&2
	exit 2
	;;
esac
