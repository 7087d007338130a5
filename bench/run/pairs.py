#!/usr/bin/env python3
"""How sure a cached case's ratio is: the rounds of one bench/run/run.sh run, paired.

    python3 bench/run/pairs.py [RUNS-DIR] [HAND-NAME PROOF-NAME]

RUNS-DIR is the run's per-run logs (default bench/out/run/runs); the names default to
hand-next and proof-next. Round i pairs HAND-NAME-i with PROOF-NAME-i (run one after the
other by bench_sides); a pair counts when both runs were quiet (the .time file's fifth
field). Prints the median of the paired ratios (the benchmark's figure), their mean, a
bootstrap 90% interval of that median (5,000 resamples, fixed seed), the median and mean
per-round difference, and the ratio of the two sides' mean times.
"""
import os
import random
import statistics
import sys


def wall(path):
    """The wall time and whether the run was quiet, from a .time file."""
    f = open(path).read().split()
    return float(f[0]), f[4] == "1"


def main():
    runs = sys.argv[1] if len(sys.argv) > 1 else "bench/out/run/runs"
    hand, proof = (sys.argv[2], sys.argv[3]) if len(sys.argv) > 3 else ("hand-next", "proof-next")
    pairs = []
    i = 1
    while True:
        h, p = os.path.join(runs, f"{hand}-{i}.time"), os.path.join(runs, f"{proof}-{i}.time")
        if not (os.path.exists(h) and os.path.exists(p)):
            break
        (hw, hq), (pw, pq) = wall(h), wall(p)
        if hq and pq:
            pairs.append((hw, pw))
        i += 1
    if len(pairs) < 2:
        sys.exit(f"pairs.py: {len(pairs)} quiet pairs of {hand}/{proof} in {runs}; need 2")
    ratios = [p / h for h, p in pairs]
    diffs = [p - h for h, p in pairs]
    rng = random.Random(1)
    boot = sorted(statistics.median(rng.choices(ratios, k=len(ratios))) for _ in range(5000))
    print(f"{len(pairs)} quiet pairs of {hand} / {proof} in {runs}")
    print(f"paired ratio: median {statistics.median(ratios):.3f}, mean {statistics.mean(ratios):.3f}, "
          f"bootstrap 90% interval of the median [{boot[250]:.3f}, {boot[4750]:.3f}], "
          f"range {min(ratios):.3f}-{max(ratios):.3f}")
    print(f"per-round difference: median {statistics.median(diffs) * 1e3:+.0f} ms, mean {statistics.mean(diffs) * 1e3:+.0f} ms")
    print(f"ratio of the mean times: {statistics.mean(p for _, p in pairs) / statistics.mean(h for h, _ in pairs):.3f}")


if __name__ == "__main__":
    main()
