#!/usr/bin/env bash
# Load test of the server on this machine: 10,000 stored assessments in SQLite, wrk against
# 127.0.0.1 for a bounded time. Not part of CI (it needs a release build and minutes of CPU).
# Usage: bash bench/server-load.sh [SECONDS]   (needs `wrk`: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-15}
N=${N:-10000}
CONNS=${CONNS:-16}
command -v wrk >/dev/null || { echo "wrk is required: apt-get install wrk" >&2; exit 1; }
cargo build --release -q -p aimsgap --no-default-features
cargo build --release -q -p aimsgap-web --example load_seed
WORK=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
DB="sqlite://$WORK/load.db?mode=rwc"
target/release/examples/load_seed "$DB" "$N" "$WORK"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
env ${WORKERS:+AIMSGAP_WORKERS=$WORKERS} RUST_LOG=warn target/release/aimsgap serve --database "$DB" --bind "127.0.0.1:$PORT" > "$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
TOKEN=$(cat "$WORK/token.txt"); ORG=$(cat "$WORK/org.txt")
export AIMSGAP_IDS="$WORK/ids.txt"

cat > "$WORK/result.lua" <<'LUA'
local ids = {}
local limit = tonumber(os.getenv("HOT") or "0")
for line in io.lines(os.getenv("AIMSGAP_IDS")) do
  ids[#ids + 1] = line
  if limit > 0 and #ids >= limit then break end
end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/api/v1/assessments/" .. ids[(i % #ids) + 1] .. "/result")
end
LUA
cat > "$WORK/answer.lua" <<'LUA'
local ids = {}
for line in io.lines(os.getenv("AIMSGAP_IDS")) do ids[#ids + 1] = line end
local i = 0
request = function()
  i = i + 1
  local body = '{"version":0,"answer":{"status":"partial","notes":"load ' .. i .. '"}}'
  wrk.headers["Content-Type"] = "application/json"
  return wrk.format("PUT", "/api/v1/assessments/" .. ids[(i % #ids) + 1] .. "/answers/7.4-1", nil, body)
end
LUA
cat > "$WORK/report.lua" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f errors=%d non2xx=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
LUA
run() { # name, lua, extra env
  local name=$1 script=$2
  cat "$WORK/$script" "$WORK/report.lua" > "$WORK/run.lua"
  echo "== $name"
  wrk -t1 -c"$CONNS" -d"${SECONDS_PER_RUN}s" --latency -H "Authorization: Bearer $TOKEN" -H "Accept-Encoding: gzip" -s "$WORK/run.lua" "http://127.0.0.1:$PORT" | grep '^RESULT'
}
HOT=100 run "result, 100 hot assessments (cached per revision)" result.lua
HOT=0 run "result, all $N assessments (mostly computed on first touch)" result.lua
run "answer updates (new answers, versioned writes with history)" answer.lua
echo "== list (first page of 50) with $N assessments"
wrk -t1 -c"$CONNS" -d"${SECONDS_PER_RUN}s" --latency -H "Authorization: Bearer $TOKEN" -H "Accept-Encoding: gzip" -s "$WORK/report.lua" "http://127.0.0.1:$PORT/api/v1/orgs/$ORG/assessments" | grep '^RESULT'
echo "== server errors logged: $(grep -c ERROR "$WORK/server.log" || true)"
echo "== memory: $(grep -E 'VmHWM|VmRSS' /proc/$SERVER/status | tr -s ' ' | tr '\n' ' ')"
