#!/usr/bin/env bash
# Benchmarks, each printing kneeregen against a peer on the same data in the same run.
#
# 1. Registry bulk write: `kneeregen demo` generating and storing N synthetic patients with everything the
#    demo writes (knees, assessments, lesions, outcome events, treatment courses with their billing, consent,
#    sessions, injections, adverse events and imaging, PROM follow-ups, responses and scores) through the
#    Store (bound statements, one transaction per batch, WAL, synchronous=FULL), against the sqlite3 shell
#    loading the very same rows of every one of those tables from a SQL dump in one transaction (raw SQLite
#    with no application work at all). The ratio is kneeregen's overhead.
# 2. KOOS scoring (bench/score_koos.sh): `kneeregen score koos` against a vectorised pandas implementation of
#    the same rule on the same 1,000,000-row CSV; prints both times, the ratio and whether the outputs match.
# 3. Survival analysis (bench/survival.sh): `kneeregen survival` against R's survival package (survfit,
#    survdiff, coxph) on the same 1,000,000-knee CSV; prints both times, the ratio and the coefficient gap.
# 4. Registry analytics (bench/analytics.sh): p50/p95 of full-cohort and filtered outcome reports and an
#    expectation report through the running server (rows kept in memory), beside one cold command-line run,
#    on a synthetic registry built once and cached (BENCH_ANALYTICS_PATIENTS, 10,000 by default;
#    BENCH_ANALYTICS_DB=PATH for an existing one, e.g. a 1,000,000-patient registry).
set -euo pipefail
cd "$(dirname "$0")/.."

patients=${BENCH_PATIENTS:-100000}
bin=${BENCH_KNEEREGEN:-build/kneeregen}  # another build's binary can be measured the same way
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kneeregen-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

seconds() { date +%s.%N; }

echo "== registry bulk write: $patients synthetic patients =="
start=$(seconds)
"$bin" demo --db "sqlite:$tmp/kneeregen.db" --patients "$patients" --seed 1 >/dev/null
kneeregen_s=$(echo "$(seconds) - $start" | bc)

# Every table of the database in creation order, so that a table comes after the tables it references
# (the peer checks foreign keys too). Left out: SQLite's own tables, the migrations' bookkeeping (written
# when the database is created, not by the demo) and the audit table (one row for the whole run).
tables=$(sqlite3 "$tmp/kneeregen.db" "SELECT name FROM sqlite_master WHERE type = 'table'
  AND name NOT LIKE 'sqlite_%' AND name NOT IN ('schema_migrations', 'audit') ORDER BY rowid")
rows=$(sqlite3 "$tmp/kneeregen.db" "SELECT $(printf '(SELECT count(*) FROM %s) + ' $tables) 0")

# The peer loads an identical schema and identical rows, with the same durability settings.
sqlite3 "$tmp/kneeregen.db" .schema > "$tmp/schema.sql"
{
  echo "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; BEGIN;"
  for table in $tables; do
    sqlite3 "$tmp/kneeregen.db" ".mode insert $table" "SELECT * FROM $table"
  done
  echo "COMMIT;"
} > "$tmp/rows.sql"
grep -v '^CREATE TABLE sqlite_' "$tmp/schema.sql" | sqlite3 -bail "$tmp/peer.db"
start=$(seconds)
sqlite3 -bail "$tmp/peer.db" < "$tmp/rows.sql" >/dev/null
peer_s=$(echo "$(seconds) - $start" | bc)
peer_rows=$(sqlite3 "$tmp/peer.db" "SELECT $(printf '(SELECT count(*) FROM %s) + ' $tables) 0")
if [ "$peer_rows" != "$rows" ]; then
  echo "the peer loaded $peer_rows rows, kneeregen wrote $rows" >&2
  exit 1
fi

printf 'kneeregen demo : %8.2f s  %10.0f rows/s\n' "$kneeregen_s" "$(echo "$rows / $kneeregen_s" | bc -l)"
printf 'sqlite3 shell  : %8.2f s  %10.0f rows/s\n' "$peer_s" "$(echo "$rows / $peer_s" | bc -l)"
printf 'ratio (kneeregen / sqlite3 shell): %.2f  (%s rows in %s tables; database %s)\n' \
  "$(echo "$kneeregen_s / $peer_s" | bc -l)" "$rows" "$(echo $tables | wc -w)" "$(du -h "$tmp/kneeregen.db" | cut -f1)"

# 2. KOOS scoring: `kneeregen score koos` against vectorised pandas on the same 1,000,000-row file.
echo
bench/score_koos.sh

# 3. Survival analysis: `kneeregen survival` against R's survival package on the same 1,000,000-knee file.
echo
bench/survival.sh

# 4. Registry analytics: p50/p95 of the outcome and expectation reports on a synthetic registry.
echo
bench/analytics.sh
