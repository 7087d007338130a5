#!/usr/bin/env bash
# Run benchmark: `git proof run` against running the same test command by
# hand, on a generated 30-package Go module (bench/cmd/genproject). See
# bench/README.md.
#
#   bench/run/run.sh                     # build, generate, check, time, report
#   RUNS=7 ANALYSIS=0 bench/run/run.sh   # more runs, no breakdown experiments
#
# Two cases, each side interleaved with the other, RUNS quiet runs each; the
# test command is the same everywhere, `go test -json ./...`:
#   cold    Go's build and test caches empty (a fresh GOCACHE for every run,
#           both sides), git-proof's result cache off (--no-cache).
#           by hand:   in a clone at base, the command, then
#                      `git checkout head` and the command again;
#           git-proof: `git proof run --no-cache --json --test CMD head`.
#   cached  Go's caches warm (one GOCACHE kept for the whole benchmark, used
#           by both sides); git-proof proved head just before, so head's
#           results (the base of what follows) are in its result cache.
#           by hand:   in the clone, `git checkout R` and the command once;
#           git-proof: `git proof run --json --test CMD R`, for R
#             next-R     a second fix on head, each R new to every cache but
#                        with the same regression test: iterating on a fix
#                        (base and repro cached, head runs), and
#             newtest-R  the same with a test of its own in every R (base
#                        cached; repro and head run). By hand a third
#                        side does what that evidence takes: the command
#                        at R, then the new test's package on base's code.
# Every git-proof run must exit 0 with AUTO_OK, head and base passing, repro
# failing exactly the new test, and that test listed as fixed; every by-hand
# run must pass. The ratio is the median over the rounds of the two sides'
# times in the same round (see paired); the ratio of the medians is shown too.
#
# Then (ANALYSIS=1) where the time goes: the progress lines of every timed
# git-proof run (--progress; each line is dated as it arrives) split it into setup, checkout, test and
# record; ANALYSIS_RUNS runs each of -j 1, -j 3 (the three trees side by
# side), --fresh, and of both sides with `go test -count=1` (no test results
# replayed); git-proof's fixed cost with a check that does nothing (`true`),
# and the network-namespace start.
#
# Knobs: CASES (all): "next" times only the cached next-R pair, with no
# analysis, and reports its two rows (a quick look at the sub-second case,
# ~4 minutes for RUNS=15); RUNS (5) quiet timed runs per side and case; PKGS (30) and SCALE
# (1.5) the size of the generated project and of its tests' workloads;
# ANALYSIS (1) and ANALYSIS_RUNS (3); NOISE (0.10): a run is noisy, logged and
# left out of the medians, when other processes took more than this share of
# the machine's CPU during it; QUIET_WAIT (600): before each timed run, wait
# up to this many seconds for a 3-second window in which other processes
# took less than NOISE of the machine; OUT (bench/out).
#
# Output: a markdown report on stdout and in bench/out/run.md; per-run logs
# (JSON records, go test output, dated progress lines, times) in
# bench/out/run/runs/.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

RUNS=${RUNS:-5}
CASES=${CASES:-all}
[[ $CASES == all || $CASES == next ]] || { echo "run/run.sh: CASES is all or next, not $CASES" >&2; exit 2; }
PKGS=${PKGS:-30}
SCALE=${SCALE:-1.5}
ANALYSIS=${ANALYSIS:-1}
ANALYSIS_RUNS=${ANALYSIS_RUNS:-3}
NOISE=${NOISE:-0.10}
QUIET_WAIT=${QUIET_WAIT:-600}
TARGET=1.1 # both targets: ≤ 1.1× the by-hand time (issue 4)

CMD='go test -json ./...'
COUNT1_CMD='go test -count=1 -json ./...'

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${OUT:-$ROOT/bench/out}
W=$OUT/run
LOGS=$W/runs
REPORT=$OUT/run.md
BIN=$W/bin
mkdir -p "$W"
rm -rf "$LOGS"
mkdir -p "$LOGS" "$BIN"

say() { printf '== %s\n' "$*" >&2; }
die() { printf 'run/run.sh: %s\n' "$*" >&2; exit 1; }

# --- build -------------------------------------------------------------------
say "build (go build)"
cd "$ROOT"
go build -o "$BIN/git-proof" ./cmd/git-proof
go build -o "$BIN/genproject" ./bench/cmd/genproject
GO=$(command -v go)
export PATH="$BIN:$PATH"
[[ "$(command -v git-proof)" == "$BIN/git-proof" ]] || die "git-proof on PATH is $(command -v git-proof), not $BIN/git-proof"
# Both sides see the same Go settings: no GOFLAGS (git-proof passes none to
# a check unless its env: asks), no go env file (a check's HOME is empty),
# the local toolchain (git-proof sets GOTOOLCHAIN=local).
unset GOFLAGS GOCACHE GOMAXPROCS
export GOENV=off GOTOOLCHAIN=local
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_NOTES_REF

# --- fixture -----------------------------------------------------------------
# proj: as generated; hand: a clone of proj for the by-hand side. next-R
# and newtest-R commits: one per timed or warm-up run of the cached case.
NEXT=$((18 * RUNS + 6 * ANALYSIS_RUNS + 8)) # newtest-R: six sides a round, up to 3 tries each
say "generate the project ($PKGS packages, scale $SCALE, $NEXT next-R commits)"
rm -rf "$W/proj" "$W/proj-same" "$W/hand" "$W/trimpath" "$W/trimpath-tmp" "$W/stable-tmp" "$W/key" "$W/key.pub" "$W/gocache-warm" "$W/gocache-cold"
t0=$(date +%s%N)
"$BIN/genproject" -dir "$W/proj" -pkgs "$PKGS" -work "$SCALE" -next "$NEXT"
t1=$(date +%s%N)
gen_s=$(calc '%.1f s' "($t1-$t0)/1e9")
git clone -q "$W/proj" "$W/hand"
ssh-keygen -q -t ed25519 -N '' -C bench -f "$W/key"
git -C "$W/proj" config proof.signingKey "$W/key"
nfiles=$(git -C "$W/proj" ls-files | wc -l)
nlines=$(git -C "$W/proj" ls-files -z '*.go' | (cd "$W/proj" && xargs -0 cat) | wc -l)

# --- helpers -------------------------------------------------------------------
TIMEFORMAT='%3R %3U %3S'

# wait_quiet: wait until other processes took less than NOISE of the
# machine over 3 seconds, at most QUIET_WAIT seconds; the wait is logged.
waited_total=0
wait_quiet() {
	local waited=0 b0 b1
	while :; do
		b0=$(busy_cpu)
		sleep 3
		b1=$(busy_cpu)
		awk -v a="$b0" -v b="$b1" -v n="$ncpu" -v lim="$NOISE" 'BEGIN{exit !((b-a) <= lim*3*n)}' && break
		waited=$((waited + 3))
		if ((waited >= QUIET_WAIT)); then
			say "the machine is still busy after ${QUIET_WAIT}s; going on"
			break
		fi
	done
	waited_total=$((waited_total + waited))
}

# timed NAME I CMD...: run CMD (a function) with its output in $LOGS/NAME-I.*;
# .time gets "wall user sys other quiet" as in bench/verify/run.sh.
timed() {
	local name=$1 i=$2
	shift 2
	local b0 b1 wall usr sys
	wait_quiet
	b0=$(busy_cpu)
	{ time "$@" >"$LOGS/$name-$i.out" 2>"$LOGS/$name-$i.err"; } 2>"$LOGS/$name-$i.time" ||
		die "$name run $i failed: $(tail -5 "$LOGS/$name-$i.err" "$LOGS/$name-$i.out")"
	b1=$(busy_cpu)
	read -r wall usr sys <"$LOGS/$name-$i.time"
	awk -v b0="$b0" -v b1="$b1" -v u="$usr" -v s="$sys" -v w="$wall" -v n="$ncpu" -v lim="$NOISE" \
		'BEGIN{o=(b1-b0)-(u+s); if(o<0)o=0; printf "%s %s %s %.2f %d\n", w, u, s, o, (o <= lim*w*n)}' >"$LOGS/$name-$i.time"
	printf '   %-16s run %2d: %6.2f s wall (%s s user, %s s sys; other processes %s CPU-s%s)\n' \
		"$name" "$i" "$wall" "$usr" "$sys" "$(cut -d' ' -f4 "$LOGS/$name-$i.time")" \
		"$(awk '$5==0{printf ": noisy, not counted"}' "$LOGS/$name-$i.time")" >&2
}
quiet_runs() { cat "$LOGS/$1"-[0-9]*.time 2>/dev/null | awk '$5==1' | wc -l; }
attempts() { ls "$LOGS/$1"-[0-9]*.time 2>/dev/null | wc -l; }

# proof PREFIX DIR ARGS...: `git proof run --progress --json ARGS` in DIR;
# the record goes to PREFIX.json, the progress lines (stderr), each with the
# time it arrived, to PREFIX.progress (the first line is the start time).
# Exit status: git-proof's. Not under script(1): a pseudo-terminal costs
# ~20 ms a run (`script -qefc true /dev/null` takes 23 ms here) that no user
# of a real terminal pays, and the by-hand side does not pay it either.
proof() {
	local p=$1 dir=$2
	shift 2
	echo "$EPOCHREALTIME start" >"$p.progress"
	cd "$dir"
	# stderr (the progress lines) into the pipe, stdout into the file; the
	# exit status through a file, out of the pipeline's subshell.
	{
		local rc=0
		git proof run --progress --json "$@" 2>&1 >"$p.json" || rc=$?
		echo "$rc" >"$p.rc"
	} | stamp >>"$p.progress"
	echo "$EPOCHREALTIME end" >>"$p.progress"
	cd "$ROOT"
	return "$(cat "$p.rc")"
}
stamp() { # each line of stdin with the time it arrived
	local line
	while IFS= read -r line; do printf '%s %s\n' "$EPOCHREALTIME" "$line"; done
}

# hand PREFIX CMD REV...: in the clone, for each REV: check it out and run
# CMD, its output in PREFIX.REV.json; PREFIX.steps gets each step's time.
hand() {
	local p=$1 cmd=$2 t
	shift 2
	cd "$W/hand"
	for rev in "$@"; do
		t=$EPOCHREALTIME
		git checkout -q --detach "$rev" || return 1
		echo "checkout-$rev $t $EPOCHREALTIME" >>"$p.steps"
		t=$EPOCHREALTIME
		$cmd >"$p.${rev#origin/}.json" || return 1
		echo "test-$rev $t $EPOCHREALTIME" >>"$p.steps"
	done
	cd "$ROOT"
}

# hand_repro PREFIX CMD REV: what git-proof's evidence of REV costs by hand:
# CMD at REV, then the repro as git-proof runs it (run/narrow.go): REV's
# test files on its parent's code, CMD on the packages whose test files
# changed only. Putting the tree back at REV (a few ms) is timed too.
hand_repro() {
	local p=$1 cmd=$2 rev=$3 t code dirs
	cd "$W/hand"
	t=$EPOCHREALTIME
	git checkout -q --detach "$rev" || return 1
	$cmd >"$p.${rev#origin/}.json" || return 1
	echo "test-$rev $t $EPOCHREALTIME" >>"$p.steps"
	t=$EPOCHREALTIME
	code=$(git diff --name-only "$rev^" "$rev" | grep -v '_test\.go$' || true)
	dirs=$(git diff --name-only "$rev^" "$rev" | grep '_test\.go$' | xargs -n1 dirname | sort -u | sed 's|^|./|')
	[[ -z "$code" ]] || git checkout -q "$rev^" -- $code
	# shellcheck disable=SC2086 # the narrowed package list
	${cmd% ./...} $dirs >"$p.repro.json" || true # the new test fails here
	echo "repro-$rev $t $EPOCHREALTIME" >>"$p.steps"
	git checkout -q -f --detach "$rev"
	cd "$ROOT"
}

# check_hand PREFIX REV...: every by-hand run passed; counts replayed packages.
check_hand() {
	local p=$1 rev f n
	shift
	for rev in "$@"; do
		f="$p.${rev#origin/}.json"
		[[ -s "$f" ]] || die "no go test output in $f"
		! grep -q '"Action":"fail"' "$f" || die "by-hand go test at $rev failed: $(grep '"Action":"fail"' "$f" | head -3)"
		n=$(grep -c '"Action":"pass","Package":"[^"]*","Elapsed"' "$f" || true)
		[[ "$n" == "$PKGS" ]] || die "by-hand go test at $rev: $n of $PKGS packages passed ($f)"
	done
}

# check_proof PREFIX PKG TEST [BASECACHED]: the run recorded AUTO_OK, head and
# base pass, repro fails exactly PKG.TEST, which is the one fixed test, and
# repro ran only PKG (the narrowed repro, run/narrow.go).
check_proof() {
	local p=$1 pkg=$2 test=$3 got
	got=$(jq -r --arg id "example.com/benchproj/pkg/$pkg.$test" '.predicate as $p | $p.checks[0] as $c |
		[$p.decision, $c.head.status, $c.base.status, $c.repro.status,
		 ($c.fixed == [$id]), ($c.repro.failedTests - ["example.com/benchproj/pkg/'"$pkg"'"] == [$id]),
		 ($c.regressed | length), ($c.head.failed), ($c.base.failed),
		 ($c.repro.only == ["./pkg/'"$pkg"'"])] | map(tostring) | join(" ")' "$p.json") ||
		die "cannot read the record in $p.json"
	[[ "$got" == "AUTO_OK pass pass fail true true 0 0 0 true" ]] ||
		die "$p: recorded $got, want AUTO_OK, head pass, base pass, repro fail with $pkg.$test only, $test fixed, nothing regressed, repro narrowed to ./pkg/$pkg"
	jq -r '.predicate.checks[0] | [(.head.cached // false), (.base.cached // false), (.repro.cached // false)] | map(tostring) | join(" ")' "$p.json" >"$p.cached"
}

cache_stats() { # GOCACHE → "files MiB"
	printf '%s %s\n' "$(find "$1" -type f | wc -l)" "$(du -sm "$1" | cut -f1)"
}

fresh_gocache() {
	rm -rf "$W/gocache-cold"
	mkdir -p "$W/gocache-cold"
}

# --- the sides -----------------------------------------------------------------
# Cold. By hand: checkout of base untimed (the clone exists), then the pair.
hand_cold() { # NAME I CMD
	local name=$1 i=$2 cmd=$3
	local p=$LOGS/$name-$i
	fresh_gocache
	git -C "$W/hand" checkout -q --detach origin/base
	GOCACHE=$W/gocache-cold timed "$name" "$i" hand "$p" "$cmd" origin/base origin/head
	check_hand "$p" origin/base origin/head
	grep -c '"Output":"ok.*(cached)' "$p.head.json" >"$p.replayed" || true
	cache_stats "$W/gocache-cold" >"$p.gocache"
}
proof_cold() { # NAME I EXTRA-ARGS...
	local name=$1 i=$2
	shift 2
	local p=$LOGS/$name-$i
	fresh_gocache
	GOCACHE=$W/gocache-cold timed "$name" "$i" proof "$p" "$W/proj" --no-cache "$@" --test "$CMD" head
	check_proof "$p" p07 TestMedianEven
	cache_stats "$W/gocache-cold" >"$p.gocache"
}

# Cached baseline. Each run takes the next unused R of its family.
declare -A next_r=([next]=1 [newtest]=1) # R = 0 is for the warm-up
take() { # FAMILY → NEXT_REV
	NEXT_REV=$1-${next_r[$1]}
	next_r[$1]=$((next_r[$1] + 1))
	((next_r[$1] < NEXT)) || die "out of $1-R commits"
}
hand_cached() { # NAME I FAMILY CMD
	local name=$1 i=$2
	take "$3"
	local p=$LOGS/$name-$i
	GOCACHE=$W/gocache-warm timed "$name" "$i" hand "$p" "$4" "origin/$NEXT_REV"
	check_hand "$p" "origin/$NEXT_REV"
}
proof_cached() { # NAME I FAMILY CMD EXTRA-ARGS...
	local name=$1 i=$2 cmd=$4
	take "$3"
	shift 4
	local p=$LOGS/$name-$i
	GOCACHE=$W/gocache-warm timed "$name" "$i" proof "$p" "$W/proj" "$@" --test "$cmd" "$NEXT_REV"
	check_proof "$p" p15 TestClampAbove
}

# bench_sides WANT FN:NAME...: interleave the sides (functions taking I)
# until each has WANT quiet runs (at most 3×WANT attempts each), the order
# alternating.
bench_sides() {
	local want=$1
	shift
	local round=0 more s
	local -a sides=("$@")
	local -A n=()
	while :; do
		more=0 round=$((round + 1))
		local -a order=("${sides[@]}")
		if ((round % 2 == 0)); then
			local -a rev=()
			for ((k = ${#order[@]} - 1; k >= 0; k--)); do rev+=("${order[k]}"); done
			order=("${rev[@]}")
		fi
		for s in "${order[@]}"; do
			local fn=${s%%:*} name=${s#*:}
			(($(quiet_runs "$name") < want && ${n[$name]:-0} < 3 * want)) || continue
			n[$name]=$((${n[$name]:-0} + 1))
			$fn "${n[$name]}"
			more=1
		done
		((more)) || break
	done
}

# Side functions of one argument (the run number) for bench_sides.
s_hand_cold() { hand_cold hand-cold "$1" "$CMD"; }
s_proof_cold() { proof_cold proof-cold "$1"; }
s_hand_next() { hand_cached hand-next "$1" next "$CMD"; }
s_proof_next() { proof_cached proof-next "$1" next "$CMD"; }
s_hand_newtest() { hand_cached hand-newtest "$1" newtest "$CMD"; }
s_proof_newtest() { proof_cached proof-newtest "$1" newtest "$CMD"; }
s_hand_next_c1() { hand_cached hand-next-count1 "$1" next "$COUNT1_CMD"; }
s_proof_next_c1() { proof_cached proof-next-count1 "$1" next "$COUNT1_CMD"; }
s_hand_newtest_c1() { hand_cached hand-newtest-count1 "$1" newtest "$COUNT1_CMD"; }
hand_cached_repro() { # NAME I CMD: hand_repro on the next newtest-R
	local name=$1 i=$2
	take newtest
	local p=$LOGS/$name-$i
	GOCACHE=$W/gocache-warm timed "$name" "$i" hand_repro "$p" "$3" "origin/$NEXT_REV"
	check_hand "$p" "origin/$NEXT_REV"
	grep -q '"Action":"fail","Package":"example.com/benchproj/pkg/p15","Test":"TestClampAbove"' "$p.repro.json" ||
		die "$p: by hand, the new test did not fail on base's code"
}
s_hand_newtest_repro() { hand_cached_repro hand-newtest-repro "$1" "$CMD"; }
s_hand_newtest_repro_c1() { hand_cached_repro hand-newtest-repro-count1 "$1" "$COUNT1_CMD"; }
s_proof_newtest_c1() { proof_cached proof-newtest-count1 "$1" newtest "$COUNT1_CMD"; }

# --- sanity checks and warm-up -------------------------------------------------
load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
say "sanity checks and warm-up (untimed)"
mkdir -p "$W/gocache-warm"
# base and head must pass (the git-proof runs check that the new test fails
# on base's code).
for rev in base head; do
	git -C "$W/hand" checkout -q --detach "origin/$rev"
	(cd "$W/hand" && GOCACHE=$W/gocache-warm go test -count=1 ./... >"$LOGS/sanity-$rev.txt" 2>&1) ||
		die "go test fails at $rev: $(grep -v '^ok' "$LOGS/sanity-$rev.txt" | head)"
done
# The warm caches: std and every package built in the clone and in the
# pool's worktrees; head's results in git-proof's result cache; one R of
# each family proved (and tested by hand), so that every timed run starts
# from the state the one before it leaves.
for fam in next newtest; do
	git -C "$W/hand" checkout -q --detach "origin/$fam-0"
	(cd "$W/hand" && GOCACHE=$W/gocache-warm go test -json ./... >/dev/null 2>&1) || die "go test fails at $fam-0"
done
# Each command is its own check definition: prove head with both.
for c in "$CMD" "$COUNT1_CMD"; do
	k=${#c}
	GOCACHE=$W/gocache-warm proof "$LOGS/warmup-head-$k" "$W/proj" --test "$c" head || die "warm-up run of head failed"
	check_proof "$LOGS/warmup-head-$k" p07 TestMedianEven
	for fam in next newtest; do
		GOCACHE=$W/gocache-warm proof "$LOGS/warmup-$fam-$k" "$W/proj" --test "$c" "$fam-0" || die "warm-up run of $fam-0 failed"
		check_proof "$LOGS/warmup-$fam-$k" p15 TestClampAbove
	done
done
[[ -d "$W/proj/.git/git-proof/worktrees/slot-0" ]] || die "no worktree pool after the warm-up"

# --- timed runs ----------------------------------------------------------------
if [[ $CASES == next ]]; then
	say "time, cached baseline, next-R only (CASES=next): by hand (the command at R) vs git proof run R, ×$RUNS each"
	bench_sides "$RUNS" s_hand_next:hand-next s_proof_next:proof-next
	ANALYSIS=0
else
	say "time, cold: by hand ($CMD at base, checkout head, again) vs git proof run --no-cache, ×$RUNS each"
	bench_sides "$RUNS" s_hand_cold:hand-cold s_proof_cold:proof-cold
	say "time, cached baseline: by hand (the command at R) vs git proof run R, for next-R and newtest-R, with and without -count=1, ×$RUNS each"
	bench_sides "$RUNS" s_hand_next:hand-next s_proof_next:proof-next s_hand_newtest:hand-newtest s_proof_newtest:proof-newtest \
		s_hand_next_c1:hand-next-count1 s_proof_next_c1:proof-next-count1 s_hand_newtest_c1:hand-newtest-count1 s_proof_newtest_c1:proof-newtest-count1 \
		s_hand_newtest_repro:hand-newtest-repro s_hand_newtest_repro_c1:hand-newtest-repro-count1
fi

# --- analysis ------------------------------------------------------------------
if ((ANALYSIS)); then
	say "analysis: cold variants, ×$ANALYSIS_RUNS each"
	a_j1() { proof_cold proof-cold-j1 "$1" -j 1; }
	a_j3() { proof_cold proof-cold-j3 "$1" -j 3; }
	a_fresh() { proof_cold proof-cold-fresh "$1" --fresh; }
	bench_sides "$ANALYSIS_RUNS" a_j1:proof-cold-j1 a_j3:proof-cold-j3 a_fresh:proof-cold-fresh

	say "analysis: cached-baseline variants, ×$ANALYSIS_RUNS each"
	w_j3() { proof_cached proof-newtest-j3 "$1" newtest "$COUNT1_CMD" -j 3; }
	w_fresh() { proof_cached proof-next-fresh "$1" next "$CMD" --fresh; }
	bench_sides "$ANALYSIS_RUNS" w_j3:proof-newtest-j3 w_fresh:proof-next-fresh

	say "analysis: fixed cost (a check that does nothing) and the network namespace"
	# A check that proves nothing: the policy may well say REVIEW (exit 1).
	noop_proof() { proof "$@" || (($? == 1)); }
	noop() { # NAME I EXTRA...
		local name=$1 i=$2
		shift 2
		timed "$name" "$i" noop_proof "$LOGS/$name-$i" "$W/proj" --no-cache "$@" --check noop=true head
	}
	for ((i = 1; i <= 5; i++)); do
		noop noop "$i"
		noop noop-fresh "$i" --fresh
	done
	# 20 starts of the helper in a new network namespace (what each check
	# pays before its command starts), against 20 starts of `true`.
	{ time (for ((k = 0; k < 20; k++)); do unshare --net "$BIN/git-proof" __git-proof-netns-exec true; done); } 2>"$LOGS/netns.time" || echo "nan nan nan" >"$LOGS/netns.time"
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")

# --- report --------------------------------------------------------------------
pick() { # name → the .time lines that count (quiet; all when none is)
	if (($(quiet_runs "$1") > 0)); then cat "$LOGS/$1"-[0-9]*.time | awk '$5==1'; else cat "$LOGS/$1"-[0-9]*.time; fi
}
picked() { # name → the prefixes of the runs that count
	local f
	for f in "$LOGS/$1"-[0-9]*.time; do
		if (($(quiet_runs "$1") == 0)) || [[ "$(cut -d' ' -f5 "$f")" == 1 ]]; then echo "${f%.time}"; fi
	done
}
runs_note() {
	local all q
	all=$(attempts "$1")
	q=$(quiet_runs "$1")
	if ((q == all)); then echo "$all"; elif ((q == 0)); then echo "$all, **all noisy**"; else echo "$q of $all"; fi
}
col() { awk -v c="$1" '{print $c}'; }
wall() { pick "$1" | col 1 | median; }
range() { pick "$1" | col 1 | awk '{printf ($1 < 10 ? "%.2f\n" : "%.1f\n"), $1}' | minmax; }
cpu() { pick "$1" | awk '{print $2+$3}' | median; }
s1() { awk -v x="$1" 'BEGIN{printf (x < 10 ? "%.2f" : "%.1f"), x}'; }
ratio() { calc '%.2f' "$1/$2"; }
verdict() { awk -v a="$1" -v b="$TARGET" 'BEGIN{print (a<=b) ? "met" : "**MISSED**"}'; }
cached_note() { # name column (2 base, 3 repro) → "in 5 of 5"
	local n=0 k=0 p
	for p in $(picked "$1"); do
		n=$((n + 1))
		[[ "$(cut -d' ' -f"$2" "$p.cached")" == true ]] && k=$((k + 1))
	done
	echo "in $k of $n"
}
# paired NAME REF: the median over the rounds of NAME's time / REF's time in
# the same round (run i of each, both quiet). The sides of a round run one
# right after the other, so this ratio is not moved by the machine's speed
# drifting over the benchmark (seen here: the same cold run 18.8 s and
# 22.8 s twenty minutes apart); the ratio of the medians is.
paired() {
	local f g i
	for f in "$LOGS/$1"-[0-9]*.time; do
		i=${f##*-}
		g="$LOGS/$2-$i"
		[[ -f "$g" ]] || continue
		awk 'NR==FNR{a=$1; qa=$5; next} {if (qa==1 && $5==1) printf "%.4f\n", a/$1}' "$f" "$g"
	done | median
}
row() { # label name [ratio-to]
	local label=$1 name=$2 ref=${3:-}
	local r="" m="" v=""
	if [[ -n "$ref" ]]; then
		r="**$(ratio "$(paired "$name" "$ref")" 1)×**"
		m="$(ratio "$(wall "$name")" "$(wall "$ref")")×"
		v="≤ ${TARGET}×: $(verdict "$(ratio "$(paired "$name" "$ref")" 1)")"
	fi
	echo "| $label | $(runs_note "$name") | $(s1 "$(wall "$name")") s | $(range "$name") s | $(s1 "$(cpu "$name")") s | $r | $m | $v |"
}
arow() { # label name [ref-name] (analysis rows: ratio to the by-hand reference, no target)
	[[ -n "$(ls "$LOGS/$2"-[0-9]*.time 2>/dev/null)" ]] || return 0
	local r="–"
	[[ -z "${3:-}" ]] || r="$(ratio "$(wall "$2")" "$(wall "$3")")×"
	echo "| $1 | $(runs_note "$2") | $(s1 "$(wall "$2")") s | $(range "$2") s | $(s1 "$(cpu "$2")") s | $r |"
}

# Phase split of a git-proof run from its dated progress lines: setup (start →
# first line: repository, config, policy compile, diff, repro tree, netns
# probe, go env), per tree its checkout (→ its "test:" line) and its test
# (→ its "exit" line), or "cached", and record (last "exit" → end: compare,
# policy, signature, notes).
phases() { # prefix → "setup head-co head-test base-co base-test repro-co repro-test record" (s; "c" = cached)
	awk '
	NR==1 { start=$1; next }
	$2=="end" { end=$1; next }
	{ if (!first) first=$1 }
	match($0, /\[(head|base|repro)\]/) {
		t=substr($0, RSTART+1, RLENGTH-2)
		if ($0 ~ /checking out tree/) co[t]=$1
		else if ($0 ~ /cached result/) cached[t]=1
		else if ($0 ~ /: exit [0-9-]+ in /) { ex[t]=$1; if ($1 > last) last=$1 }
		else if ($0 ~ /\] [^ ]+: /) ts[t]=$1
	}
	END {
		printf "%.2f", first-start
		split("head base repro", L, " ")
		for (k=1; k<=3; k++) { t=L[k]
			if (cached[t] && !co[t]) printf " c c"
			else printf " %.2f %.2f", ts[t]-co[t], ex[t]-ts[t]
		}
		printf " %.2f\n", end-last
	}' "$1.progress"
}
phase_med() { # name column → median over the counted runs ("cached" when cached)
	local p v
	for p in $(picked "$1"); do phases "$p"; done | awk -v c="$2" '{print $c}' >"$LOGS/.ph"
	if grep -q '^c$' "$LOGS/.ph"; then echo "cached"; else calc '%.2f' "$(median <"$LOGS/.ph")"; fi
}
phase_row() { # label name
	[[ -n "$(ls "$LOGS/$2"-[0-9]*.time 2>/dev/null)" ]] || return 0
	echo "| $1 | $(phase_med "$2" 1) | $(phase_med "$2" 2) / $(phase_med "$2" 3) | $(phase_med "$2" 4) / $(phase_med "$2" 5) | $(phase_med "$2" 6) / $(phase_med "$2" 7) | $(phase_med "$2" 8) | $(s1 "$(wall "$2")") |"
}
hand_step() { # name step-prefix → median seconds
	local p
	for p in $(picked "$1"); do awk -v s="$2" 'index($1, s) == 1 {printf "%.3f\n", $3-$2}' "$p.steps"; done | median
}
gocache_med() { # name col
	local p
	calc '%.0f' "$(for p in $(picked "$1"); do cat "$p.gocache"; done | awk -v c="$2" '{print $c}' | median)"
}

if [[ $CASES == next ]]; then
	{
		echo "## git proof run vs the same tests by hand: cached next-R only (CASES=next)"
		echo
		echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) · $ncpu CPUs · git-proof $(git -C "$ROOT" describe --always --dirty --abbrev=7) · \`$CMD\`, $PKGS packages"
		echo
		echo "| case | side | runs | median wall | range | CPU | ratio (paired) | ratio of medians | target |"
		echo "|---|---|---|---:|---:|---:|---:|---:|---|"
		row "cached baseline, iterating on a fix (next-R) | by hand: \`git checkout next-R\`, the command once" hand-next
		row "| \`git proof run next-R\` (base cached $(cached_note proof-next 2), repro cached $(cached_note proof-next 3))" proof-next hand-next
	} | tee "$REPORT"
	say "report written to $REPORT; per-run logs in $LOGS"
	exit 0
fi

{
	echo "## git proof run vs the same tests by hand — $PKGS-package Go module"
	echo
	echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) · $ncpu CPUs ($(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo 2>/dev/null)) ·" \
		"$(git --version) · $(go version | cut -d' ' -f3) · git-proof $(git -C "$ROOT" describe --always --dirty --abbrev=7)"
	echo
	echo "Project: \`bench/cmd/genproject -pkgs $PKGS -work $SCALE\` — $PKGS packages, $nfiles files, $nlines lines of Go, standard library only;"
	echo "base → head fixes Median in p07 and adds TestMedianEven; next-R and newtest-R (on head) fix Clamp in p15 and add TestClampAbove"
	echo "(the same test file in every next-R, one of its own in every newtest-R). Command everywhere: \`$CMD\`."
	echo "Both sides: the same GOCACHE (below), the user's GOMODCACHE, no GOFLAGS, GOENV=off, GOTOOLCHAIN=local; git-proof with its default -j."
	echo
	echo "| case | side | runs | median wall | range | CPU | ratio (paired) | ratio of medians | target |"
	echo "|---|---|---|---:|---:|---:|---:|---:|---|"
	row "cold (fresh GOCACHE every run) | by hand: base, \`git checkout head\`, head" hand-cold
	row "| \`git proof run --no-cache head\`" proof-cold hand-cold
	row "cached baseline, iterating on a fix (next-R) | by hand: \`git checkout next-R\`, the command once" hand-next
	row "| \`git proof run next-R\` (base cached $(cached_note proof-next 2), repro cached $(cached_note proof-next 3))" proof-next hand-next
	row "cached baseline, a new test (newtest-R) | by hand: \`git checkout newtest-R\`, the command once" hand-newtest
	row "| \`git proof run newtest-R\` (base cached $(cached_note proof-newtest 2), repro cached $(cached_note proof-newtest 3))" proof-newtest hand-newtest
	row "| by hand, the same evidence: the command at newtest-R, then its new test's package on base's code" hand-newtest-repro
	row "| \`git proof run newtest-R\` against that" proof-newtest hand-newtest-repro
	row "the same with \`go test -count=1 -json ./...\` (no test results replayed): next-R | by hand" hand-next-count1
	row "| \`git proof run next-R\` (base cached $(cached_note proof-next-count1 2), repro cached $(cached_note proof-next-count1 3))" proof-next-count1 hand-next-count1
	row "\`-count=1\`: newtest-R | by hand" hand-newtest-count1
	row "| \`git proof run newtest-R\` (base cached $(cached_note proof-newtest-count1 2), repro cached $(cached_note proof-newtest-count1 3))" proof-newtest-count1 hand-newtest-count1
	row "| by hand, the same evidence (as above, with -count=1)" hand-newtest-repro-count1
	row "| \`git proof run newtest-R\` against that" proof-newtest-count1 hand-newtest-repro-count1
	echo
	echo "By hand, cold: base $(s1 "$(hand_step hand-cold test-origin/base)") s, checkout $(calc '%.2f' "$(hand_step hand-cold checkout-origin/head)") s, head $(s1 "$(hand_step hand-cold test-origin/head)") s, of which $(for p in $(picked hand-cold); do cat "$p.replayed"; done | median) of $PKGS packages' results"
	echo "replayed from Go's test cache (same directory, same test binary). The fresh GOCACHE after the run: by hand $(gocache_med hand-cold 1) files,"
	echo "$(gocache_med hand-cold 2) MiB; git-proof $(gocache_med proof-cold 1) files, $(gocache_med proof-cold 2) MiB."
	echo
	echo "Where git-proof's time goes (median s over the counted runs, from its progress lines; checkout / test per tree, \"cached\" when"
	echo "the result came from the cache; setup = start → first progress line, record = last test exit → process end):"
	echo
	echo "| run | setup | head checkout / test | base checkout / test | repro checkout / test | record | wall |"
	echo "|---|---:|---:|---:|---:|---:|---:|"
	phase_row "cold" proof-cold
	phase_row "cached, next-R" proof-next
	phase_row "cached, newtest-R" proof-newtest
	phase_row "cached, next-R, -count=1" proof-next-count1
	phase_row "cached, newtest-R, -count=1" proof-newtest-count1
	if ((ANALYSIS)); then
		phase_row "cold, -j 3 (side by side)" proof-cold-j3
		phase_row "noop check (\`true\`)" noop
		echo
		echo "Variants ($ANALYSIS_RUNS runs each; ratio to the by-hand median of the same case):"
		echo
		echo "| variant | runs | median wall | range | CPU | ratio |"
		echo "|---|---|---:|---:|---:|---:|"
		arow "cold, -j 1" proof-cold-j1 hand-cold
		arow "cold, -j 3 (the three trees side by side)" proof-cold-j3 hand-cold
		arow "cold, --fresh (temporary worktrees)" proof-cold-fresh hand-cold
		arow "cached, next-R, --fresh" proof-next-fresh hand-next
		arow "cached, newtest-R, -count=1, -j 3 (repro and head side by side)" proof-newtest-j3 hand-newtest-count1
		arow "noop check \`true\` (3 trees), pool" noop
		arow "noop check \`true\` (3 trees), --fresh" noop-fresh
		echo
		read -r nw _ _ <"$LOGS/netns.time" || nw=nan
		echo "Network namespace: 20 starts of \`unshare --net git-proof __git-proof-netns-exec true\` took $nw s ($(calc '%.1f' "$nw*1000/20") ms each)."
	fi
	echo
	echo "Fixture generation $gen_s. Waited $waited_total s in all for quiet moments. Load average before/after: $load_before / $load_after."
	echo "A run is noisy, and not counted, when other processes took more than $(calc '%.0f' "$NOISE*100")% of the machine during it."
} | tee "$REPORT"
say "report written to $REPORT; per-run logs in $LOGS"
