#!/usr/bin/env bash
# Verify benchmark: `git proof verify` against `git log --show-signature`
# over the same N commits (default 10,000), every commit SSH-signed by "git"
# and carrying a git-proof record. See bench/README.md.
#
#   bench/verify/run.sh                  # build, generate, check, time, report
#   N=2000 PROOF_RUNS=9 GIT_RUNS=3 bench/verify/run.sh
#   REUSE=1 bench/verify/run.sh          # keep an existing fixture of the same N
#
# Output: a markdown report on stdout and in bench/out/verify.md.
#
# Timing is a plain loop (bash's `time`, median of the runs), not hyperfine:
# each run's stderr carries the --timings stage split and each run's output is
# checked (every commit verified, every signature good), and the two sides are
# interleaved so that load from other processes hits both alike. One git run
# over 10,000 commits takes ~2 minutes (two ssh-keygen processes per commit),
# which is why GIT_RUNS defaults to 2.
set -euo pipefail

N=${N:-10000}
PROOF_RUNS=${PROOF_RUNS:-7}
GIT_RUNS=${GIT_RUNS:-2}
REUSE=${REUSE:-0}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${OUT:-$ROOT/bench/out}
FIXTURE=$OUT/fixture-$N
REPORT=$OUT/verify.md
LOGS=$OUT/verify-runs
mkdir -p "$OUT"
rm -rf "$LOGS"
mkdir -p "$LOGS"

say() { printf '== %s\n' "$*" >&2; }
die() { printf 'run.sh: %s\n' "$*" >&2; exit 1; }

# Busy CPU seconds of the whole machine so far (user+nice+system+irq+softirq+
# steal), to tell how much CPU other processes took during a timed run.
clk_tck=$(getconf CLK_TCK 2>/dev/null || echo 100)
busy_cpu() {
	if [[ -r /proc/stat ]]; then
		awk -v hz="$clk_tck" '$1=="cpu"{printf "%.3f\n", ($2+$3+$4+$7+$8+$9)/hz; exit}' /proc/stat
	else
		echo 0
	fi
}

median() { sort -g | awk '{v[NR]=$1} END{if(NR==0){print "nan"; exit} if(NR%2){print v[(NR+1)/2]} else {printf "%.6g\n", (v[NR/2]+v[NR/2+1])/2}}'; }
minmax() { sort -g | awk 'NR==1{lo=$1} {hi=$1} END{printf "%s–%s", lo, hi}'; }

# --- build -------------------------------------------------------------------
say "build (go build)"
cd "$ROOT"
go build -o "$OUT/git-proof" ./cmd/git-proof
go build -o "$OUT/genhistory" ./bench/cmd/genhistory
export PATH="$OUT:$PATH"
[[ "$(command -v git-proof)" == "$OUT/git-proof" ]] || die "git-proof on PATH is $(command -v git-proof), not $OUT/git-proof"

# --- fixture -----------------------------------------------------------------
gen_s="(reused)"
if [[ "$REUSE" == 1 && -d "$FIXTURE/repo" ]]; then
	say "reuse fixture $FIXTURE"
else
	say "generate $N commits into $FIXTURE"
	rm -rf "$FIXTURE"
	t0=$(date +%s%N)
	"$OUT/genhistory" -dir "$FIXTURE" -n "$N"
	t1=$(date +%s%N)
	gen_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f s", (b-a)/1e9}')
fi
cd "$FIXTURE/repo"
# Isolate the fixture from the user's and the system's git configuration.
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
unset GIT_DIR GIT_WORK_TREE GIT_NOTES_REF GIT_NOTES_DISPLAY_REF

# --- sanity checks -----------------------------------------------------------
say "sanity checks"
count=$(git rev-list --count main)
[[ "$count" == "$N" ]] || die "main has $count commits, want $N"
git log --show-signature -1 main | grep -q '^Good "git" signature' ||
	die "git does not report a good signature on main: $(git log --show-signature -1 main | head -3)"
n3=$((N > 3 ? 3 : N - 1))
if ((n3 > 0)); then
	git proof verify "main~$n3..main" >/dev/null || die "git proof verify main~$n3..main failed"
fi
n10=$((N > 10 ? 10 : N - 1))
if ((n10 > 0)); then
	git proof verify --json "main~$n10..main" | grep -q '^  "ok": true' || die "git proof verify --json main~$n10..main is not ok"
fi
root=$(git rev-list --max-parents=0 main)
# verify walks A..B ranges; a plain revision names one commit. So the whole
# history is the range from the root plus the root itself.
PROOF_CMD=(git proof verify --timings "$root..main" "$root")
GIT_CMD=(git log --show-signature main)

# --- timed runs --------------------------------------------------------------
TIMEFORMAT='%3R %3U %3S'
runs=$((PROOF_RUNS > GIT_RUNS ? PROOF_RUNS : GIT_RUNS))
say "time: ${PROOF_CMD[*]} ×$PROOF_RUNS, ${GIT_CMD[*]} ×$GIT_RUNS (interleaved)"
load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
# One warm-up of each side (page cache, binary), not timed.
"${PROOF_CMD[@]}" >/dev/null 2>&1 || die "warm-up verify failed"
git log --show-signature -50 main >/dev/null

timed() { # name i cmd... : runs cmd, stdout to $LOGS/name-i.out, stderr .err
	local name=$1 i=$2
	shift 2
	local b0 b1
	b0=$(busy_cpu)
	{ time "$@" >"$LOGS/$name-$i.out" 2>"$LOGS/$name-$i.err"; } 2>"$LOGS/$name-$i.time" ||
		die "$name run $i failed: $(tail -3 "$LOGS/$name-$i.err")"
	b1=$(busy_cpu)
	# others = machine busy CPU during the run minus this run's own CPU
	read -r wall usr sys <"$LOGS/$name-$i.time"
	awk -v b0="$b0" -v b1="$b1" -v u="$usr" -v s="$sys" -v w="$wall" \
		'BEGIN{o=(b1-b0)-(u+s); if(o<0)o=0; printf "%s %s %s %.2f\n", w, u, s, o}' >"$LOGS/$name-$i.time"
	printf '   %-5s run %d: %6.2f s wall (%s s user, %s s sys; other processes %s CPU-s)\n' \
		"$name" "$i" "$wall" "$usr" "$sys" "$(cut -d' ' -f4 "$LOGS/$name-$i.time")" >&2
}

for ((i = 1; i <= runs; i++)); do
	if ((i <= PROOF_RUNS)); then
		timed proof "$i" "${PROOF_CMD[@]}"
		tail -1 "$LOGS/proof-$i.out" | grep -q "^$N commits: $N verified, 0 failed" ||
			die "proof run $i did not verify all $N commits: $(tail -1 "$LOGS/proof-$i.out")"
	fi
	if ((i <= GIT_RUNS)); then
		timed git "$i" "${GIT_CMD[@]}"
		good=$(grep -c '^Good "git" signature' "$LOGS/git-$i.out" || true)
		[[ "$good" == "$N" ]] || die "git run $i: $good good signatures, want $N"
	fi
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")

# --- report ------------------------------------------------------------------
col() { awk -v c="$1" '{print $c}'; }
proof_wall=$(cat "$LOGS"/proof-*.time | col 1 | median)
proof_range=$(cat "$LOGS"/proof-*.time | col 1 | minmax)
proof_other=$(cat "$LOGS"/proof-*.time | col 4 | median)
git_wall=$(cat "$LOGS"/git-*.time | col 1 | median)
git_range=$(cat "$LOGS"/git-*.time | col 1 | minmax)
git_other=$(cat "$LOGS"/git-*.time | col 4 | median)
proof_cpu=$(cat "$LOGS"/proof-*.time | awk '{print $2+$3}' | median)
git_cpu=$(cat "$LOGS"/git-*.time | awk '{print $2+$3}' | median)
stage() { cat "$LOGS"/proof-*.err | awk -v s="$1" '$1==s{print $2}' | median; }
st_read=$(stage read)
st_sig=$(stage signature)
st_diff=$(stage diff)
st_pol=$(stage policy)
# "timings: 10000 commits in 2.096s (4770 commits/s)": Verify's own wall.
inner=$(cat "$LOGS"/proof-*.err | awk '$1=="timings:"{v=$5; if(v ~ /ms$/){sub(/ms$/,"",v); v=v/1000} else {sub(/s$/,"",v)} print v}' | median)

calc() { awk "BEGIN{printf \"$1\", $2}"; }
proof_rate=$(calc '%.0f' "$N/$proof_wall")
git_rate=$(calc '%.1f' "$N/$git_wall")
inner_rate=$(calc '%.0f' "$N/$inner")
ratio=$(calc '%.1f' "$git_wall/$proof_wall")
verdict() { awk -v a="$1" -v b="$2" 'BEGIN{print (a>=b) ? "met" : "MISSED"}'; }

{
	echo "## git proof verify vs git log --show-signature — $N commits"
	echo
	echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) · $(nproc) CPUs ($(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo 2>/dev/null)) ·" \
		"$(git --version) · $(ssh -V 2>&1 | cut -d, -f1) · $(go version | cut -d' ' -f3) · git-proof $(git -C "$ROOT" rev-parse --short HEAD)"
	echo
	echo "| side | command | runs | median wall | range | commits/s | CPU (user+sys) |"
	echo "|---|---|---:|---:|---:|---:|---:|"
	echo "| git-proof | \`git proof verify --timings <root>..main <root>\` | $PROOF_RUNS | $(calc '%.3f' "$proof_wall") s | $proof_range s | **$proof_rate** | $(calc '%.2f' "$proof_cpu") s |"
	echo "| git | \`git log --show-signature main\` | $GIT_RUNS | $(calc '%.1f' "$git_wall") s | $git_range s | **$git_rate** | $(calc '%.1f' "$git_cpu") s |"
	echo
	echo "**Ratio: $ratio×** (git's median wall / git-proof's). Targets: ≥ 5,000 commits/s — $(verdict "$proof_rate" 5000); ≥ 40× — $(verdict "$ratio" 40)."
	echo
	echo "Per-commit cost of \`git proof verify\` (median of its runs, from \`--timings\`; µs per commit summed over the"
	echo "$(nproc) workers, so stages run side by side; diff runs in its own git process beside the signature stage):"
	echo
	echo "| stage | µs/commit | what |"
	echo "|---|---:|---|"
	echo "| read | $st_read | list the notes tree, read all notes (one cat-file), parse envelopes and statements |"
	echo "| signature | $st_sig | SSHSIG verify (ed25519, sha512) and allowed-signers lookup |"
	echo "| diff binding | $st_diff | \`git diff-tree --stdin\` for every tree pair, canonical diff digest |"
	echo "| policy | $st_pol | OPA evaluation of the default policy |"
	echo "| Verify wall | $(calc '%.1f' "$inner*1e6/$N") | $(calc '%.3f' "$inner") s inside Verify = $inner_rate commits/s; the rest of the process wall is start-up, settings, policy compile, rev-list, output |"
	echo
	echo "Fixture generation: $gen_s ($N commits, each SSH-signed, each with a proof record; \`bench/cmd/genhistory\`)."
	echo "Load average before/after: $load_before / $load_after. CPU taken by other processes during a run (median):"
	echo "$(calc '%.2f' "$proof_other") s per git-proof run, $(calc '%.1f' "$git_other") s per git run."
} | tee "$REPORT"
say "report written to $REPORT; per-run logs in $LOGS"
