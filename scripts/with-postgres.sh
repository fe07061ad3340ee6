#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL 15 server:
#   scripts/with-postgres.sh ctest --test-dir build/release -R storage
# The server lives in a temp dir, listens on 127.0.0.1 on a free port (trust auth, fsync on, as production
# would have it), and is stopped and deleted when the command ends. The command sees
# KNEEREGEN_TEST_PG_URL=postgresql://postgres@127.0.0.1:PORT/kneeregen_test; its exit code is ours.
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 2
fi

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
if [ ! -x "$PG_BIN/postgres" ]; then
  echo "with-postgres: no PostgreSQL 15 server in $PG_BIN (scripts/install-deps.sh installs it)" >&2
  exit 2
fi

# The server refuses to run as root, so it runs as `postgres`; as that user already, no switch is needed.
if [ "$(id -u)" -eq 0 ]; then
  as_postgres=(runuser -u postgres --)
elif [ "$(id -un)" = postgres ]; then
  as_postgres=()
else
  echo "with-postgres: run as root or as the postgres user" >&2
  exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kneeregen-pg.XXXXXX")
data="$tmp/data"
server_pid=""

cleanup() {
  if [ -n "$server_pid" ]; then
    "${as_postgres[@]}" "$PG_BIN/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

[ ${#as_postgres[@]} -eq 0 ] || chown postgres: "$tmp"
# Skipping initdb's own fsyncs only speeds creating the throwaway cluster; the server runs with fsync on.
"${as_postgres[@]}" "$PG_BIN/initdb" -D "$data" --auth=trust -U postgres -E UTF8 --locale=C.UTF-8 \
  --no-sync --no-instructions >"$tmp/initdb.log" 2>&1 || {
  cat "$tmp/initdb.log" >&2
  exit 1
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Started as our own child rather than through `pg_ctl start`, so the server is reaped here even where
# PID 1 reaps no orphans (containers, micro-VMs). Returns once it accepts connections, or fails if it exits.
start_server() {
  "${as_postgres[@]}" "$PG_BIN/postgres" -D "$data" -c listen_addresses=127.0.0.1 -p "$1" -k "$tmp" \
    -c fsync=on >>"$tmp/server.log" 2>&1 </dev/null &
  server_pid=$!
  for _ in $(seq 1 300); do
    if "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$1" -t 1; then return 0; fi
    if ! kill -0 "$server_pid" 2>/dev/null; then
      wait "$server_pid" 2>/dev/null || true
      server_pid=""
      return 1
    fi
    sleep 0.1
  done
  return 1
}

# Probe upwards from 55432; a start can still lose the port to another process, so a failed start moves on.
port=${KNEEREGEN_PG_PORT:-55432}
for _ in $(seq 1 50); do
  if ! port_in_use "$port" && start_server "$port"; then break; fi
  port=$((port + 1))
done
if [ -z "$server_pid" ]; then
  echo "with-postgres: could not start PostgreSQL; server log follows" >&2
  cat "$tmp/server.log" >&2 2>/dev/null || true
  exit 1
fi

"$PG_BIN/createdb" -w -h 127.0.0.1 -p "$port" -U postgres kneeregen_test </dev/null

export KNEEREGEN_TEST_PG_URL="postgresql://postgres@127.0.0.1:$port/kneeregen_test"
set +e
"$@"
rc=$?
set -e
exit "$rc"
