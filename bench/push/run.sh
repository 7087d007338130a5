#!/usr/bin/env bash
# Push benchmark: what the server-side gate (the pre-receive hook that
# `git proof hooks install --server` writes) adds to a push.
#
#   bench/push/run.sh                 # build, generate, check, time, report
#   RUNS=9 SINGLE_RUNS=15 bench/push/run.sh
#   REUSE=1 bench/push/run.sh         # keep an existing fixture of the same N
#
# Two cases, each timed against the same push into a bare repository with no
# hook, interleaved:
#   full    `git push --atomic <server> main refs/notes/proof` of N (1,000)
#           proven commits and their notes into an empty bare repository;
#   single  the last commit plus the notes commit that adds its note, into a
#           bare repository that already holds the first N-1 commits and
#           their notes.
# Every push goes to a fresh server (made untimed just before), over the
# local transport (a plain path: git runs git-receive-pack and its hooks
# exactly as over ssh, minus the ssh). Each hooked push must print git-proof's
# "N new commit(s) checked" line and each server must end at the pushed refs;
# once, before timing, a push of an unproven commit to a hooked server must be
# refused.
#
# Knobs: N (1000), RUNS (7) quiet timed pushes per side for the full case,
# SINGLE_RUNS (11) for the single case, TRACE_RUNS (5) extra hooked pushes
# under GIT_TRACE2_PERF for the stage split, REPLAY_RUNS (7) runs of the hook
# alone, NOISE (0.10) and NOISE_FLOOR (0.03 CPU-s): a push is noisy, logged and
# left out of the medians, when other processes took more than NOISE of the
# machine's CPU during it, or more than NOISE_FLOOR CPU seconds (/proc/stat
# counts in 10 ms ticks, too coarse for a 30 ms push otherwise); PROFILE (auto:
# include a CPU profile of the gate when a target is missed; 1 always; 0
# never); REUSE (0); OUT (bench/out).
#
# Output: a markdown report on stdout and in bench/out/push.md; per-push logs
# in bench/out/push/runs/.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

N=${N:-1000}
RUNS=${RUNS:-7}
SINGLE_RUNS=${SINGLE_RUNS:-11}
TRACE_RUNS=${TRACE_RUNS:-5}
REPLAY_RUNS=${REPLAY_RUNS:-7}
NOISE=${NOISE:-0.10}
NOISE_FLOOR=${NOISE_FLOOR:-0.03}
PROFILE=${PROFILE:-auto}
REUSE=${REUSE:-0}
TARGET_FULL_MS=1000 # added for N = 1,000 commits (issue 3)
TARGET_ONE_MS=50    # added for a single commit

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${OUT:-$ROOT/bench/out}
WORK=$OUT/push
FIXTURE=$WORK/fixture-$N
REPO=$FIXTURE/repo
SRV=$WORK/servers
LOGS=$WORK/runs
REPORT=$OUT/push.md
mkdir -p "$WORK"
rm -rf "$LOGS" "$SRV"
mkdir -p "$LOGS" "$SRV"

say() { printf '== %s\n' "$*" >&2; }
die() { printf 'push/run.sh: %s\n' "$*" >&2; exit 1; }
((N >= 2)) || die "N must be at least 2"

# --- build -------------------------------------------------------------------
say "build (go build)"
cd "$ROOT"
go build -o "$OUT/git-proof" ./cmd/git-proof
go build -o "$OUT/genhistory" ./bench/cmd/genhistory
go build -o "$OUT/hookprof" ./bench/cmd/hookprof
export PATH="$OUT:$PATH"
[[ "$(command -v git-proof)" == "$OUT/git-proof" ]] || die "git-proof on PATH is $(command -v git-proof), not $OUT/git-proof"
# Isolate everything from the user's and the system's git configuration.
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_NOTES_REF GIT_TRACE2 GIT_TRACE2_PERF GIT_TRACE2_EVENT

# --- fixture -----------------------------------------------------------------
gen_s="(reused)"
if [[ "$REUSE" == 1 && -d "$REPO" ]] && git -C "$REPO" rev-parse -q --verify refs/bench/notes-full >/dev/null; then
	say "reuse fixture $FIXTURE"
else
	say "generate $N commits into $FIXTURE"
	rm -rf "$FIXTURE"
	t0=$(date +%s%N)
	"$OUT/genhistory" -dir "$FIXTURE" -n "$N"
	t1=$(date +%s%N)
	gen_s=$(calc '%.1f s' "($t1-$t0)/1e9")
	# For the single-commit case: two notes commits, the first holding the
	# notes of all commits but the tip, the second (its child) all of them,
	# so that pushing the tip with the second fast-forwards the notes ref of
	# a server that got the first. And an unproven commit on top of main for
	# the refusal check. Fixed dates: the same N gives the same ids.
	(
		cd "$REPO"
		export GIT_AUTHOR_DATE="@1767225600 +0000" GIT_COMMITTER_DATE="@1767225600 +0000"
		export GIT_INDEX_FILE=$FIXTURE/bench.index
		full=$(git rev-parse refs/notes/proof)
		tip=$(git rev-parse main)
		path=$(git ls-tree -r --name-only "$full" | awk -v id="$tip" '{p=$0; gsub("/","",p); if(p==id) print $0}')
		[[ -n "$path" ]] || die "the tip $tip has no note in $full"
		git read-tree "$full^{tree}"
		git update-index --force-remove "$path"
		prev=$(git commit-tree "$(git write-tree)" -m "notes of all commits but the tip")
		next=$(git commit-tree "$full^{tree}" -p "$prev" -m "notes: add the tip's")
		git update-ref refs/bench/notes-prev "$prev"
		git update-ref refs/bench/notes-full "$next"
		git read-tree main
		blob=$(printf 'package unproven\n' | git hash-object -w --stdin)
		git update-index --add --cacheinfo "100644,$blob,src/unproven/unproven.go"
		git update-ref refs/bench/unproven "$(git commit-tree "$(git write-tree)" -p main -m "a commit without a proof")"
		rm -f "$GIT_INDEX_FILE"
	)
fi
cd "$REPO"
TIP=$(git rev-parse main)
PREV=$(git rev-parse main~1)
NOTES=$(git rev-parse refs/notes/proof)
NOTES_PREV=$(git rev-parse refs/bench/notes-prev)
NOTES_FULL=$(git rev-parse refs/bench/notes-full)
UNPROVEN=$(git rev-parse refs/bench/unproven)
ALLOWED=$FIXTURE/allowed_signers
ZERO=0000000000000000000000000000000000000000

# --- sanity checks -----------------------------------------------------------
say "sanity checks"
count=$(git rev-list --count main)
[[ "$count" == "$N" ]] || die "main has $count commits, want $N"
root=$(git rev-list --max-parents=0 main)
last=$(git proof verify "$root..main" "$root" | tail -1)
[[ "$last" == "$N commits: $N verified, 0 failed" ]] ||
	die "git proof verify over all $N commits: $last (a fixture made by an older git-proof? run without REUSE=1)"
[[ "$(git rev-parse "$NOTES_FULL^{tree}")" == "$(git rev-parse "$NOTES^{tree}")" ]] || die "refs/bench/notes-full does not hold the fixture's notes"
[[ "$(git ls-tree -r --name-only "$NOTES_PREV" | wc -l)" == $((N - 1)) && "$(git ls-tree -r --name-only "$NOTES_FULL" | wc -l)" == "$N" ]] ||
	die "refs/bench/notes-prev must hold $((N - 1)) notes and refs/bench/notes-full $N"

# mkserver DIR HOOKED [TEMPLATE]: a bare repository, empty or a copy of
# TEMPLATE, with the fixture's allowed signers configured (on both sides, so
# the servers differ only by the hook) and, when HOOKED, the git-proof gate.
mkserver() {
	rm -rf "$1"
	if [[ -n "${3:-}" ]]; then
		cp -a "$3" "$1"
	else
		git init -q --bare -b main "$1"
	fi
	git -C "$1" config proof.allowedSignersFile "$ALLOWED"
	if (($2)); then
		git -C "$1" proof hooks install --server >/dev/null
		[[ -x "$1/hooks/pre-receive" ]] || die "no pre-receive hook in $1"
	fi
}

# The server for the single-commit case: the first N-1 commits and their
# notes, pushed once into a server with no hook; every single-commit push
# goes into a fresh copy of it.
BASE=$WORK/base-$((N - 1)).git
mkserver "$BASE" 0
git push -q --atomic "$BASE" "$PREV:refs/heads/main" "$NOTES_PREV:refs/notes/proof" 2>/dev/null ||
	die "could not pre-load $BASE"
[[ "$(git -C "$BASE" rev-parse main refs/notes/proof | tr '\n' ' ')" == "$PREV $NOTES_PREV " ]] || die "$BASE is not at main~1 and notes-prev"
git -C "$BASE" gc --auto -q

FULL_SPEC=(main refs/notes/proof)
ONE_SPEC=(main refs/bench/notes-full:refs/notes/proof)

# Refusal check, once: the tip (proven, its note in the push) and an unproven
# commit on top of it, pushed to a hooked server holding the first N-1.
say "refusal check: an unproven commit is refused by the hooked server"
mkserver "$SRV/refuse" 1 "$BASE"
if git push --atomic "$SRV/refuse" "$UNPROVEN:refs/heads/main" refs/bench/notes-full:refs/notes/proof >"$LOGS/refuse.out" 2>"$LOGS/refuse.err"; then
	die "the hooked server accepted an unproven commit: $(cat "$LOGS/refuse.err")"
fi
grep -q "remote: git-proof: refused refs/heads/main: 1 of 2 new commits lack a valid proof" "$LOGS/refuse.err" ||
	die "the refusal does not say why: $(cat "$LOGS/refuse.err")"
[[ "$(git -C "$SRV/refuse" rev-parse main refs/notes/proof | tr '\n' ' ')" == "$PREV $NOTES_PREV " ]] ||
	die "the refused atomic push changed the server's refs"

# --- timed pushes ------------------------------------------------------------
TIMEFORMAT='%3R %3U %3S'

# timed NAME I SERVER REFSPEC... : push into SERVER; the push's output goes to
# $LOGS/NAME-I.out and .err; .time gets "wall user sys other quiet", where
# other is the machine's busy CPU during the push minus the push's own
# (receive-pack and the hook included: they are its children).
timed() {
	local name=$1 i=$2 srv=$3
	shift 3
	local b0 b1 wall usr sys
	b0=$(busy_cpu)
	{ time git push --atomic "$srv" "$@" >"$LOGS/$name-$i.out" 2>"$LOGS/$name-$i.err"; } 2>"$LOGS/$name-$i.time" ||
		die "$name push $i failed: $(tail -5 "$LOGS/$name-$i.err")"
	b1=$(busy_cpu)
	read -r wall usr sys <"$LOGS/$name-$i.time"
	awk -v b0="$b0" -v b1="$b1" -v u="$usr" -v s="$sys" -v w="$wall" -v n="$ncpu" -v lim="$NOISE" -v floor="$NOISE_FLOOR" \
		'BEGIN{o=(b1-b0)-(u+s); if(o<0)o=0; m=lim*w*n; if(m<floor)m=floor; printf "%s %s %s %.3f %d\n", w, u, s, o, (o <= m)}' >"$LOGS/$name-$i.time"
	printf '   %-12s push %2d: %7.3f s wall (%s s user, %s s sys; other processes %s CPU-s%s)\n' \
		"$name" "$i" "$wall" "$usr" "$sys" "$(cut -d' ' -f4 "$LOGS/$name-$i.time")" \
		"$(awk '$5==0{printf ": noisy, not counted"}' "$LOGS/$name-$i.time")" >&2
}
quiet_runs() { cat "$LOGS/$1"-*.time 2>/dev/null | awk '$5==1' | wc -l; }

# check NAME I SERVER HOOKED COMMITS NOTES: the push did what it should.
check() {
	local name=$1 i=$2 srv=$3 hooked=$4 commits=$5 notes=$6
	if ((hooked)); then
		grep -q "^remote: git-proof: $commits new commit(s) checked" "$LOGS/$name-$i.err" ||
			die "$name push $i: the hook did not report $commits checked commits: $(cat "$LOGS/$name-$i.err")"
	elif grep -q "git-proof" "$LOGS/$name-$i.err"; then
		die "$name push $i: git-proof ran on the server without a hook: $(cat "$LOGS/$name-$i.err")"
	fi
	[[ "$(git -C "$srv" rev-parse main refs/notes/proof | tr '\n' ' ')" == "$TIP $notes " ]] ||
		die "$name push $i: the server is not at the pushed main and notes"
}

# bench CASE WANT: interleaved hooked/plain pushes until each side has WANT
# quiet ones (at most 3×WANT attempts per side); the order alternates.
bench() {
	local kase=$1 want=$2 i=0 h=0 p=0 side more
	local template="" commits=$N notes=$NOTES spec=("${FULL_SPEC[@]}")
	if [[ "$kase" == one ]]; then
		template=$BASE commits=1 notes=$NOTES_FULL spec=("${ONE_SPEC[@]}")
	fi
	# One untimed warm-up push per side (page cache, binaries).
	for side in 1 0; do
		mkserver "$SRV/warm" "$side" "$template"
		git push -q --atomic "$SRV/warm" "${spec[@]}" >/dev/null 2>&1 || die "$kase warm-up push failed"
	done
	while :; do
		more=0 i=$((i + 1))
		for side in $((i % 2)) $(((i + 1) % 2)); do
			if ((side)); then
				(($(quiet_runs "$kase-hook") < want && h < 3 * want)) || continue
				h=$((h + 1))
				mkserver "$SRV/$kase-hook" 1 "$template"
				timed "$kase-hook" "$h" "$SRV/$kase-hook" "${spec[@]}"
				check "$kase-hook" "$h" "$SRV/$kase-hook" 1 "$commits" "$notes"
			else
				(($(quiet_runs "$kase-plain") < want && p < 3 * want)) || continue
				p=$((p + 1))
				mkserver "$SRV/$kase-plain" 0 "$template"
				timed "$kase-plain" "$p" "$SRV/$kase-plain" "${spec[@]}"
				check "$kase-plain" "$p" "$SRV/$kase-plain" 0 "$commits" "$notes"
			fi
			more=1
		done
		((more)) || break
	done
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
say "time: git push --atomic <server> ${FULL_SPEC[*]} ($N commits), hooked and plain, ×$RUNS each"
bench full "$RUNS"
say "time: git push --atomic <server> ${ONE_SPEC[*]} (1 commit onto $((N - 1))), hooked and plain, ×$SINGLE_RUNS each"
bench one "$SINGLE_RUNS"
load_after=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")

# --- stage split: GIT_TRACE2_PERF --------------------------------------------
# Extra hooked pushes (not timed above) with GIT_TRACE2_PERF. receive-pack
# reports the hook child's start and exit; git-proof's own git commands are
# traced too (they inherit the variable), which dates its steps:
#   start-up  hook start → first git command of git-proof (sh, Go runtime,
#             package initialisation, argument parsing)
#   setup     → the check reads refs/notes/proof (git rev-parse …^{commit}):
#             opening the repository, the server's config (one git config per
#             key), allowed signers, compiling the policy
#   check     → hook exit: notes update check, rev-list of the new commits,
#             notes reads, diff-tree, signatures, policy, verdict
# Output per trace: "hook start-up setup check gits" (ms, ms, ms, ms, count).
trace_split() {
	awk -F'|' '
	function ts(s,  a) { split(substr(s, 1, 15), a, ":"); return a[1]*3600 + a[2]*60 + a[3] }
	{ ev = $4; gsub(/ /, "", ev); d = $2; gsub(/ /, "", d) }
	ev == "child_start" && $9 ~ /class:hook hook:pre-receive/ {
		hs = ts($1); hd = d; match($9, /\[ch[0-9]+\]/); hch = substr($9, RSTART, RLENGTH); inhook = 1; next
	}
	inhook && ev == "child_exit" && d == hd && index($9, hch " ") {
		he = ts($1); inhook = 0; next
	}
	inhook && ev == "start" {
		gits++
		if (!first) first = ts($1)
		if (!check && index($9, "refs/notes/proof^{commit}")) check = ts($1)
	}
	END {
		if (!hs || !he) { print "nan nan nan nan 0"; exit }
		if (he < hs) he += 86400
		if (!first) first = he
		if (!check) { printf "%.1f %.1f nan nan %d\n", (he-hs)*1e3, (first-hs)*1e3, gits; exit }
		printf "%.1f %.1f %.1f %.1f %d\n", (he-hs)*1e3, (first-hs)*1e3, (check-first)*1e3, (he-check)*1e3, gits
	}' "$1"
}
say "stage split: $TRACE_RUNS hooked pushes per case under GIT_TRACE2_PERF"
for kase in full one; do
	template="" spec=("${FULL_SPEC[@]}")
	[[ "$kase" == one ]] && template=$BASE spec=("${ONE_SPEC[@]}")
	for ((i = 1; i <= TRACE_RUNS; i++)); do
		mkserver "$SRV/trace" 1 "$template"
		rm -f "$LOGS/trace-$kase-$i.perf"
		GIT_TRACE2_PERF="$LOGS/trace-$kase-$i.perf" git push -q --atomic "$SRV/trace" "${spec[@]}" >/dev/null 2>&1 ||
			die "traced $kase push failed"
		trace_split "$LOGS/trace-$kase-$i.perf" >"$LOGS/trace-$kase-$i.split"
	done
done

# --- the hook alone, replayed ------------------------------------------------
# A copy of the last hooked server of each case with its refs set back to
# what they were before the push (the objects stay, now in the object store
# rather than the quarantine), and the stdin git gave the hook. There:
#   `git proof hook pre-receive < stdin` with GIT_DIR=. as receive-pack sets
#   it, REPLAY_RUNS times: the hook process alone, without receive-pack;
#   hookprof: the same gate in process, its setup steps and its check split
#   step by step (see bench/cmd/hookprof), with a CPU profile.
say "the hook alone: replay of each case's stdin, ×$REPLAY_RUNS"
replay() { # CASE → $WORK/replay-CASE.git, $WORK/replay-CASE.stdin
	local kase=$1 dir=$WORK/replay-$1.git
	rm -rf "$dir"
	cp -a "$SRV/$kase-hook" "$dir"
	if [[ "$kase" == full ]]; then
		git -C "$dir" update-ref -d refs/heads/main
		git -C "$dir" update-ref -d refs/notes/proof
		printf '%s %s refs/heads/main\n%s %s refs/notes/proof\n' "$ZERO" "$TIP" "$ZERO" "$NOTES" >"$WORK/replay-$kase.stdin"
	else
		git -C "$dir" update-ref refs/heads/main "$PREV"
		git -C "$dir" update-ref refs/notes/proof "$NOTES_PREV"
		printf '%s %s refs/heads/main\n%s %s refs/notes/proof\n' "$PREV" "$TIP" "$NOTES_PREV" "$NOTES_FULL" >"$WORK/replay-$kase.stdin"
	fi
	local want=$N
	[[ "$kase" == one ]] && want=1
	(
		cd "$dir"
		export GIT_DIR=.
		git proof hook pre-receive <"$WORK/replay-$kase.stdin" 2>&1 | grep -q "^git-proof: $want new commit(s) checked" ||
			die "replayed hook ($kase) did not check $want commits"
		for ((i = 1; i <= REPLAY_RUNS; i++)); do
			{ time git proof hook pre-receive <"$WORK/replay-$kase.stdin" 2>/dev/null; } 2>>"$LOGS/replay-$kase.time"
		done
		# A single commit's check takes a few ms: run it more often, or the
		# CPU profile is empty.
		local runs=$REPLAY_RUNS
		[[ "$kase" == one ]] && runs=$((REPLAY_RUNS * 10))
		"$OUT/hookprof" -input "$WORK/replay-$kase.stdin" -runs "$runs" -cpuprofile "$WORK/cpu-$kase.out" >"$LOGS/hookprof-$kase.txt"
	)
}
replay full
replay one

# --- report ------------------------------------------------------------------
pick() { # name → the .time lines that count (quiet; all when none is)
	if (($(quiet_runs "$1") > 0)); then cat "$LOGS/$1"-*.time | awk '$5==1'; else cat "$LOGS/$1"-*.time; fi
}
runs_note() {
	local all q
	all=$(cat "$LOGS/$1"-*.time | wc -l)
	q=$(quiet_runs "$1")
	if ((q == all)); then echo "$all"; elif ((q == 0)); then echo "$all, **all noisy**"; else echo "$q of $all"; fi
}
col() { awk -v c="$1" '{print $c}'; }
for s in full-hook full-plain one-hook one-plain; do
	v=${s/-/_}
	printf -v "${v}_wall" '%s' "$(pick "$s" | col 1 | median)"
	printf -v "${v}_range" '%s' "$(pick "$s" | col 1 | awk '{printf "%.0f\n", $1*1000}' | minmax)"
	printf -v "${v}_cpu" '%s' "$(pick "$s" | awk '{print $2+$3}' | median)"
	printf -v "${v}_other" '%s' "$(pick "$s" | col 4 | median)"
done
# Added time: difference of the medians, in ms.
full_added=$(calc '%.0f' "($full_hook_wall-$full_plain_wall)*1000")
one_added=$(calc '%.0f' "($one_hook_wall-$one_plain_wall)*1000")
per_commit_us=$(calc '%.0f' "($full_hook_wall-$full_plain_wall)*1e6/$N")
marginal_us=$(calc '%.0f' "(($full_hook_wall-$full_plain_wall)-($one_hook_wall-$one_plain_wall))*1e6/($N-1)")
verdict() { awk -v a="$1" -v b="$2" 'BEGIN{print (a<=b) ? "met" : "**MISSED**"}'; }
full_verdict=$(verdict "$full_added" "$TARGET_FULL_MS")
one_verdict=$(verdict "$one_added" "$TARGET_ONE_MS")
ms() { calc '%.0f' "$1*1000"; }
tr_med() { cat "$LOGS/trace-$1"-*.split | col "$2" | median; }
rp_med() { awk '{print $1*1000}' "$LOGS/replay-$1.time" | median; }
hp_setup() { awk -v k="$2" 'index($0, "setup: " k) == 1 {print ($NF == "ms") ? $(NF-1) : $NF; exit}' "$LOGS/hookprof-$1.txt"; }
hp_pre() { awk '$1=="prereceive:"{print $4}' "$LOGS/hookprof-$1.txt" | median; }
hp_step() { awk -v k="$2" 'index($0, "step: " k) == 1 {for(i=1;i<=NF;i++) if($i=="ms"){print $(i-1); exit}}' "$LOGS/hookprof-$1.txt"; }
hp_verify() { awk '$1=="verify:"' "$LOGS/hookprof-$1.txt" | sed 's/^verify: //'; }

missed=0
[[ "$full_verdict" == met && "$one_verdict" == met ]] || missed=1

{
	echo "## git push with and without the git-proof pre-receive hook — $N commits"
	echo
	echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) · $ncpu CPUs ($(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo 2>/dev/null)) ·" \
		"$(git --version) · $(go version | cut -d' ' -f3) · git-proof $(git -C "$ROOT" describe --always --dirty --abbrev=7)"
	echo
	echo "Every push: \`git push --atomic <path of a fresh bare repository> …\` (local transport: git runs"
	echo "git-receive-pack and its hooks as it does over ssh). Hooked: \`git proof hooks install --server\`, proof.allowedSignersFile"
	echo "set; plain: no hook. Median wall time of the whole \`git push\` (ms), range, CPU of the push and its children."
	echo
	echo "| case | side | runs | median wall | range | CPU | added by the hook | target |"
	echo "|---|---|---|---:|---:|---:|---:|---|"
	echo "| $N commits + notes into an empty repository | hooked | $(runs_note full-hook) | $(ms "$full_hook_wall") ms | $full_hook_range ms | $(ms "$full_hook_cpu") ms | **$full_added ms** | ≤ $TARGET_FULL_MS ms: $full_verdict |"
	echo "| | plain | $(runs_note full-plain) | $(ms "$full_plain_wall") ms | $full_plain_range ms | $(ms "$full_plain_cpu") ms | | |"
	echo "| 1 commit + notes onto $((N - 1)) | hooked | $(runs_note one-hook) | $(ms "$one_hook_wall") ms | $one_hook_range ms | $(ms "$one_hook_cpu") ms | **$one_added ms** | ≤ $TARGET_ONE_MS ms: $one_verdict |"
	echo "| | plain | $(runs_note one-plain) | $(ms "$one_plain_wall") ms | $one_plain_range ms | $(ms "$one_plain_cpu") ms | | |"
	echo
	echo "Per commit: **$per_commit_us µs** added (added for $N / $N); marginal cost $marginal_us µs/commit"
	echo "((added for $N − added for 1) / $((N - 1)): without the fixed cost every push pays)."
	echo
	echo "Where the hook's time goes. *In the push*: median of $TRACE_RUNS extra hooked pushes under GIT_TRACE2_PERF (receive-pack's"
	echo "hook child, git-proof's git commands dated by their own trace lines). *Alone*: the hook process replayed"
	echo "(\`GIT_DIR=. git proof hook pre-receive < stdin\` in a copy of the server with its refs set back; objects no longer in"
	echo "the quarantine), median of $REPLAY_RUNS; and the gate in process (\`bench/cmd/hookprof\`), ms:"
	echo
	echo "| | $N commits | 1 commit |"
	echo "|---|---:|---:|"
	echo "| hook, in the push (trace2) | $(tr_med full 1) | $(tr_med one 1) |"
	echo "| · start-up: hook start → git-proof's first git command | $(tr_med full 2) | $(tr_med one 2) |"
	echo "| · setup: repository, config, signers, policy compile | $(tr_med full 3) | $(tr_med one 3) |"
	echo "| · check: notes, rev-list, verify, verdict, exit | $(tr_med full 4) | $(tr_med one 4) |"
	echo "| · git commands the hook ran | $(tr_med full 5) | $(tr_med one 5) |"
	echo "| hook process alone (replay) | $(rp_med full) | $(rp_med one) |"
	echo "| in process: setup total | $(hp_setup full total) | $(hp_setup one total) |"
	echo "| · config reads (hooks config, settings, policy sources) | $(calc '%.2f' "$(hp_setup full 'hooks config')+$(hp_setup full settings)+$(hp_setup full 'policy sources')") | $(calc '%.2f' "$(hp_setup one 'hooks config')+$(hp_setup one settings)+$(hp_setup one 'policy sources')") |"
	echo "| · policy compile | $(hp_setup full 'policy compile') | $(hp_setup one 'policy compile') |"
	echo "| in process: Gate.PreReceive (median) | $(hp_pre full) | $(hp_pre one) |"
	echo "| · notes append-only check (merge-base, ls-tree -r ×2) | – | $(calc '%.2f' "$(hp_step one 'notes fast-forward')+$(hp_step one 'notes append-only')") |"
	echo "| · new commits (rev-list) | $(hp_step full 'new commits') | $(hp_step one 'new commits') |"
	echo "| · verify.Verify | $(hp_step full 'verify') | $(hp_step one 'verify') |"
	echo
	echo "verify.Verify stages, $N commits: $(hp_verify full)."
	echo
	echo "Refusal check: an unproven commit on top of the tip, pushed with the tip and its note to a hooked server holding"
	echo "the first $((N - 1)), was refused and the atomic push left the server unchanged:"
	echo
	echo "\`\`\`"
	sed -n 's/^remote: //p' "$LOGS/refuse.err" | sed 's/ *$//'
	echo "\`\`\`"
	echo
	echo "Fixture: $N commits, each SSH-signed and proven (\`bench/cmd/genhistory\`; generation $gen_s). Load average before/after:"
	echo "$load_before / $load_after. CPU taken by other processes during a counted push (median): $(calc '%.3f' "$full_hook_other") / $(calc '%.3f' "$full_plain_other") s"
	echo "(full, hooked/plain), $(calc '%.3f' "$one_hook_other") / $(calc '%.3f' "$one_plain_other") s (single); a push is noisy, and not counted, above"
	echo "$(calc '%.0f' "$NOISE*100")% of the machine or $NOISE_FLOOR CPU-s."
	if [[ "$PROFILE" == 1 || ("$PROFILE" == auto && "$missed" == 1) ]]; then
		echo
		echo "CPU profile of Gate.PreReceive in process ($REPLAY_RUNS runs for $N commits, $((REPLAY_RUNS * 10)) for 1; \`go tool pprof -top -cum\`, first 25 lines):"
		for kase in full one; do
			echo
			echo "\`\`\`"
			echo "# $kase"
			go tool pprof -top -cum -nodecount 25 "$OUT/hookprof" "$WORK/cpu-$kase.out" 2>/dev/null | grep -v '^\(File\|Build ID\|Type\|Time\):'
			echo "\`\`\`"
		done
	fi
} | tee "$REPORT"
say "report written to $REPORT; per-push logs in $LOGS"
