#!/usr/bin/env bash
# KOOS scoring at scale: `kneeregen score koos` against a vectorised pandas implementation of the same KOOS
# 2012 rule and KOOS-derived WOMAC sums (bench/score_koos.py, Debian's python3-pandas), on the same
# generated file in the same run. Prints both times, the ratio, and whether the two outputs are byte for
# byte identical; exits non-zero when they are not. Issue 4 asks for at least 20x.
#
# Both sides are timed as whole commands, the way a script would run them (pandas' time includes starting
# Python and importing pandas; its own read-score-write time is printed too). Wall time is what the ratio
# uses; CPU time (user + system) is shown beside it because wall time suffers when the machine is busy.
set -euo pipefail
cd "$(dirname "$0")/.."

rows=${BENCH_KOOS_ROWS:-1000000}
bin=${BENCH_KNEEREGEN:-build/kneeregen}  # another build's binary can be measured the same way
python=/usr/bin/python3  # Debian's interpreter, which has python3-pandas (not a pyenv or venv shim)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kneeregen-bench-koos.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

source bench/lib.sh

echo "== KOOS scoring: $rows questionnaires, ~5 % answers missing, columns shuffled =="
start=$(date +%s.%N)
"$python" bench/score_koos.py generate "$tmp/koos.csv" --rows "$rows" --seed 1
printf 'generated %s (%s) in %.1f s\n' "$tmp/koos.csv" "$(du -h "$tmp/koos.csv" | cut -f1)" \
  "$(echo "$(date +%s.%N) - $start" | bc -l)"

timed "$tmp/kneeregen.csv" "$bin" score koos --in "$tmp/koos.csv"
kneeregen_wall=$wall_s kneeregen_cpu=$cpu_s
timed "$tmp/pandas.csv" "$python" bench/score_koos.py score "$tmp/koos.csv"
pandas_wall=$wall_s pandas_cpu=$cpu_s

if cmp -s "$tmp/kneeregen.csv" "$tmp/pandas.csv"; then identical=yes; else identical=no; fi
printf 'kneeregen score koos : %7.2f s wall  %7.2f s CPU\n' "$kneeregen_wall" "$kneeregen_cpu"
printf 'pandas (vectorised)  : %7.2f s wall  %7.2f s CPU   [%s]\n' "$pandas_wall" "$pandas_cpu" \
  "$(tail -n 1 "$tmp/pandas.csv.err")"
printf 'ratio (pandas / kneeregen): %.1fx wall, %.1fx CPU (target >= 20x); outputs identical: %s (%s rows)\n' \
  "$(echo "$pandas_wall / $kneeregen_wall" | bc -l)" "$(echo "$pandas_cpu / $kneeregen_cpu" | bc -l)" \
  "$identical" "$(($(wc -l < "$tmp/kneeregen.csv") - 1))"
if [ "$identical" != yes ]; then
  diff <(head -n 20 "$tmp/kneeregen.csv") <(head -n 20 "$tmp/pandas.csv") | head -n 20 >&2 || true
  exit 1
fi
