#!/usr/bin/env bash
# Answer writes through the API: N stored assessments, wrk sending versioned answer writes
# (each one the next version of its answer, so none conflicts) for a bounded time, on SQLite
# and, when DATABASE_PG names a PostgreSQL server, on PostgreSQL. Not part of CI.
# Usage: bash bench/answer-writes.sh [SECONDS]   (needs `wrk`)
#   CONNS=16 (connections)  N=2000 (assessments)  DATABASE_PG=postgres://USER:PASS@HOST:PORT/DB
#   BIN=DIR (take DIR/aimsgap and DIR/examples/load_seed instead of building them, as
#   bench/server-load.sh does)
# With two cores or more, the server is pinned to CPU 1 and wrk to CPU 0 (taskset); PostgreSQL's
# processes are not pinned.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-10}
N=${N:-2000}
CONNS=${CONNS:-16}
command -v wrk >/dev/null || { echo "wrk is required: apt-get install wrk" >&2; exit 1; }
if [ -z "${BIN:-}" ]; then
  cargo build --release -q -p aimsgap --no-default-features
  cargo build --release -q -p aimsgap-web --example load_seed
  TARGET=${CARGO_TARGET_DIR:-target}
  AIMSGAP=$TARGET/release/aimsgap SEED=$TARGET/release/examples/load_seed
else
  AIMSGAP=$BIN/aimsgap SEED=$BIN/examples/load_seed
fi
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  SERVER_PIN="taskset -c 1"; LOAD_PIN="taskset -c 0"
else
  SERVER_PIN=""; LOAD_PIN=""
fi
WORK=$(mktemp -d)
SERVER=
trap '[ -n "$SERVER" ] && kill $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT

cat > "$WORK/answer.lua" <<'LUA'
local ids = {}
for line in io.lines(os.getenv("AIMSGAP_IDS")) do ids[#ids + 1] = line end
-- wrk makes one request at start-up that it never sends (to see whether the script's requests
-- vary): numbering from -1 makes the first request sent number 0. Before, assessment 0 missed
-- its first write, and every later round of writes to it was refused as a version conflict.
local i = -1
-- One Lua state (-t1) numbers every request: write i goes to assessment (i mod N) and is that
-- answer's (i div N)-th write, so it names the version the previous write left.
request = function()
  local n = #ids
  local version = math.floor(i / n)
  local body = '{"version":' .. version .. ',"answer":{"status":"partial","notes":"load ' .. i .. '"}}'
  local id = ids[(i % n) + 1]
  i = i + 1
  wrk.headers["Content-Type"] = "application/json"
  return wrk.format("PUT", "/api/v1/assessments/" .. id .. "/answers/7.4-1", nil, body)
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f p999_ms=%.2f errors=%d non2xx=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
LUA

bench() { # label, database url
  local label=$1 db=$2
  rm -f "$WORK"/*.txt
  "$SEED" "$db" "$N" "$WORK" >/dev/null
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  # shellcheck disable=SC2086
  RUST_LOG=warn $SERVER_PIN "$AIMSGAP" serve --database "$db" --bind "127.0.0.1:$port" > "$WORK/server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  export AIMSGAP_IDS="$WORK/ids.txt"
  for conns in $CONNS 1; do
    echo "== $label: answer writes, $conns connection(s), $N assessments"
    # Each run starts from fresh versions: a new seed would take long, so the runs write
    # another requirement each.
    sed "s/7\.4-1/$([ "$conns" = 1 ] && echo 7.5.1-1 || echo 7.4-1)/" "$WORK/answer.lua" > "$WORK/run.lua"
    # shellcheck disable=SC2086
    $LOAD_PIN wrk -t1 -c"$conns" -d"${SECONDS_PER_RUN}s" --latency -H "Authorization: Bearer $(cat "$WORK/token.txt")" \
      -s "$WORK/run.lua" "http://127.0.0.1:$port" | grep '^RESULT'
  done
  echo "== server errors logged: $(grep -c ERROR "$WORK/server.log" || true)"
  kill $SERVER; wait $SERVER 2>/dev/null || true; SERVER=
}

bench SQLite "sqlite://$WORK/load.db?mode=rwc"
if [ -n "${DATABASE_PG:-}" ]; then
  bench PostgreSQL "$DATABASE_PG"
fi
