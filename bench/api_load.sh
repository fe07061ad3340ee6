#!/usr/bin/env bash
# API load check (RELIABILITY.md C1): wrk with 2 threads and 50 connections, 90/10 read/write, on loopback,
# against a synthetic registry on SQLite. Passes when there are no socket errors, no 5xx and p99 < 300 ms.
set -euo pipefail
cd "$(dirname "$0")/.."

patients=${BENCH_PATIENTS:-20000}
seconds=${BENCH_SECONDS:-30}
port=${BENCH_PORT:-18900}
bin=build/kneeregen
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kneeregen-load.XXXXXX")
server=""
cleanup() { [ -z "$server" ] || kill "$server" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

"$bin" demo --db "sqlite:$tmp/k.db" --patients "$patients" >/dev/null
password=$("$bin" user add loadtest --clinic 1 --role clinician --db "sqlite:$tmp/k.db" | sed -n 's/.*now): //p')
"$bin" serve --db "sqlite:$tmp/k.db" --listen "127.0.0.1:$port" >"$tmp/serve.log" 2>&1 &
server=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null && break; sleep 0.1; done
login=$(curl -s -D "$tmp/headers" -H 'Content-Type: application/json' \
  -d "{\"username\":\"loadtest\",\"password\":\"$password\"}" "http://127.0.0.1:$port/api/v1/session")
export KR_CSRF=$(echo "$login" | sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p')
export KR_COOKIE=$(sed -n 's/^Set-Cookie: \([^;]*\);.*/\1/p' "$tmp/headers")
export KR_PATIENTS=$patients
echo "== API load: $patients patients, wrk -t2 -c50 -d${seconds}s, 90 % reads / 10 % creates =="
for run in 1 2 3; do
  rss_before=$(ps -o rss= -p "$server")
  wrk -t2 -c50 -d"${seconds}s" --latency -s bench/api_mix.lua "http://127.0.0.1:$port" | tail -2
  echo "run $run: server RSS ${rss_before} kB -> $(ps -o rss= -p "$server") kB"
done
