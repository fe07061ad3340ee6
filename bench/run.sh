#!/usr/bin/env bash
# Benchmarks, each printing kneeregen against a peer on the same data in the same run.
#
# 1. Registry bulk write: `kneeregen demo` generating and storing N synthetic patients with their knees,
#    assessments, lesions and outcome events through the Store (bound statements, one transaction per
#    batch, WAL, synchronous=FULL), against the sqlite3 shell loading the very same rows from a SQL dump in
#    one transaction (raw SQLite with no application work at all). The ratio is kneeregen's overhead.
# 2. KOOS scoring (bench/score_koos.sh): `kneeregen score koos` against a vectorised pandas implementation of
#    the same rule on the same 1,000,000-row CSV; prints both times, the ratio and whether the outputs match.
set -euo pipefail
cd "$(dirname "$0")/.."

patients=${BENCH_PATIENTS:-100000}
bin=build/kneeregen
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kneeregen-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

seconds() { date +%s.%N; }

echo "== registry bulk write: $patients synthetic patients =="
start=$(seconds)
"$bin" demo --db "sqlite:$tmp/kneeregen.db" --patients "$patients" --seed 1 >/dev/null
kneeregen_s=$(echo "$(seconds) - $start" | bc)

rows=$(sqlite3 "$tmp/kneeregen.db" "SELECT (SELECT count(*) FROM patients) + (SELECT count(*) FROM knees) +
  (SELECT count(*) FROM assessments) + (SELECT count(*) FROM cartilage_lesions) + (SELECT count(*) FROM outcome_events)")

# The peer loads an identical schema and identical rows, with the same durability settings.
sqlite3 "$tmp/kneeregen.db" .schema > "$tmp/schema.sql"
{
  echo "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; BEGIN;"
  for table in clinics practitioners patients knees assessments cartilage_lesions outcome_events; do
    sqlite3 "$tmp/kneeregen.db" ".mode insert $table" "SELECT * FROM $table"
  done
  echo "COMMIT;"
} > "$tmp/rows.sql"
grep -v '^CREATE TABLE sqlite_sequence' "$tmp/schema.sql" | sqlite3 "$tmp/peer.db"
start=$(seconds)
sqlite3 "$tmp/peer.db" < "$tmp/rows.sql" >/dev/null
peer_s=$(echo "$(seconds) - $start" | bc)

printf 'kneeregen demo : %8.2f s  %10.0f rows/s\n' "$kneeregen_s" "$(echo "$rows / $kneeregen_s" | bc -l)"
printf 'sqlite3 shell  : %8.2f s  %10.0f rows/s\n' "$peer_s" "$(echo "$rows / $peer_s" | bc -l)"
printf 'ratio (kneeregen / sqlite3 shell): %.2f  (%s rows; database %s)\n' \
  "$(echo "$kneeregen_s / $peer_s" | bc -l)" "$rows" "$(du -h "$tmp/kneeregen.db" | cut -f1)"

# 2. KOOS scoring: `kneeregen score koos` against vectorised pandas on the same 1,000,000-row file.
echo
bench/score_koos.sh
