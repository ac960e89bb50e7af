#!/usr/bin/env bash
# Load test of the server: N stored assessments (default 10,000), wrk against 127.0.0.1 for a
# bounded time per phase, at CONNS connections (default 8). Not part of CI (it needs a release
# build and a few minutes of CPU).
#
# Usage: bash bench/server-load.sh [SECONDS]          (SECONDS per phase, default 10)
#   DATABASE=postgres://USER:PASSWORD@HOST/DB bash bench/server-load.sh
#        PostgreSQL instead of a fresh SQLite file: give an empty scratch database (the seeded
#        assessments stay in it).
#   N=10000 CONNS=8 HOT=100 WORKERS=... SKIP_BUILD=1
#   BIN=DIR    take `aimsgap` and `examples/load_seed` from DIR (e.g. a copy of an older build,
#              for a before/after pair); implies SKIP_BUILD
# Needs `wrk` (apt-get install wrk) and, for fair figures, `taskset` and two cores.
#
# Fairness: wrk and the server each get a core of their own (taskset), so the load generator
# does not take the server's CPU. The seed records each assessment's daily run, so the server's
# start-up pass has nothing to compute while the load runs.
#
# Phases (each prints requests, requests/s, p50, p99, p99.9, errors and non-2xx answers):
#   cached result   GET /api/v1/assessments/{id}/result over the HOT first assessments, each
#                   read once before the phase (so every request is a cache hit);
#   first touch     the same route over the other assessments, each asked for once and never
#                   read before: every request computes. The phase ends when they are used up;
#   dashboard       GET /assessments/{id}/dashboard (HTML, session cookie) over the HOT set;
#   list (API)      GET /api/v1/orgs/{org}/assessments (the first page of 50);
#   list (page)     GET /orgs/{org} (HTML: members, invitations, assessments);
#   answer writes   PUT /api/v1/assessments/{id}/answers/{requirement} at version 0: each
#                   request creates an answer (requirements no example answers), with history.
#   browser save    with SAVE_BENCH=1 (SAVES=200): one person saving an answer in a page, one
#                   save at a time: the form's POST, its redirect and the requirement page
#                   (bench/browser-save.py), median and p90.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-10}
N=${N:-10000}
CONNS=${CONNS:-8}
HOT=${HOT:-100}
command -v wrk >/dev/null || { echo "wrk is required: apt-get install wrk" >&2; exit 1; }
if [ -z "${SKIP_BUILD:-}" ] && [ -z "${BIN:-}" ]; then
  cargo build --release -q -p aimsgap --no-default-features
  cargo build --release -q -p aimsgap-web --example load_seed
fi
BIN=${BIN:-${CARGO_TARGET_DIR:-target}/release}
WORK=$(mktemp -d)
SERVER=
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"' EXIT
DB=${DATABASE:-"sqlite://$WORK/load.db?mode=rwc"}
case "$DB" in postgres*) BACKEND=PostgreSQL ;; *) BACKEND=SQLite ;; esac

CORES=$(nproc)
if command -v taskset >/dev/null && [ "$CORES" -ge 2 ]; then
  SERVER_PIN="taskset -c 1"; LOAD_PIN="taskset -c 0"
  PINNING="server pinned to CPU 1, wrk to CPU 0 (taskset)"
else
  SERVER_PIN=""; LOAD_PIN=""
  PINNING="NOT pinned (needs taskset and 2 cores): wrk shares the server's CPU"
fi

echo "== $BACKEND, $N assessments, $CONNS connections, ${SECONDS_PER_RUN} s per phase; $PINNING"
"$BIN/examples/load_seed" "$DB" "$N" "$WORK"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# shellcheck disable=SC2086
env ${WORKERS:+AIMSGAP_WORKERS=$WORKERS} RUST_LOG=warn $SERVER_PIN "$BIN/aimsgap" serve \
  --database "$DB" --bind "127.0.0.1:$PORT" > "$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
TOKEN=$(cat "$WORK/token.txt"); ORG=$(cat "$WORK/org.txt"); SESSION=$(cat "$WORK/session.txt")
head -n "$HOT" "$WORK/ids.txt" > "$WORK/hot.txt"
tail -n +"$((HOT + 1))" "$WORK/ids.txt" > "$WORK/cold.txt"
BASE="http://127.0.0.1:$PORT"

# Lua for wrk: LIST names the file of ids, ONCE=1 stops the run when every id was asked once.
cat > "$WORK/ids.lua" <<'LUA'
local ids = {}
for line in io.lines(os.getenv("LIST")) do ids[#ids + 1] = line end
local once = os.getenv("ONCE") == "1"
local prefix, suffix = os.getenv("PREFIX"), os.getenv("SUFFIX")
local i = 0
request = function()
  i = i + 1
  if once and i >= #ids then wrk.thread:stop() end
  return wrk.format("GET", prefix .. ids[((i - 1) % #ids) + 1] .. suffix)
end
LUA
cat > "$WORK/answer.lua" <<'LUA'
local ids, requirements = {}, {}
for line in io.lines(os.getenv("LIST")) do ids[#ids + 1] = line end
for line in io.lines(os.getenv("REQUIREMENTS")) do requirements[#requirements + 1] = line end
local i = 0
request = function()
  i = i + 1
  local id = ids[((i - 1) % #ids) + 1]
  local requirement = requirements[(math.floor((i - 1) / #ids) % #requirements) + 1]
  local body = '{"version":0,"answer":{"status":"partial","notes":"load ' .. i .. '"}}'
  wrk.headers["Content-Type"] = "application/json"
  return wrk.format("PUT", "/api/v1/assessments/" .. id .. "/answers/" .. requirement, nil, body)
end
LUA
cat > "$WORK/report.lua" <<'LUA'
done = function(summary, latency, requests)
  -- wrk divides by the whole phase, also when a list was used up before its end; busy_rps is
  -- the rate while every connection had a request out (connections / mean latency).
  local conns = tonumber(os.getenv("CONNS") or "0")
  io.write(string.format(
    "RESULT requests=%d rps=%.0f busy_rps=%.0f p50_ms=%.2f p99_ms=%.2f p99.9_ms=%.2f max_ms=%.2f errors=%d non2xx=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    conns / (latency.mean / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
LUA
cat "$WORK/report.lua" >> "$WORK/ids.lua"
cat "$WORK/report.lua" >> "$WORK/answer.lua"

# name, auth (token|cookie), then the wrk script and URL
phase() {
  local name=$1 auth=$2; shift 2
  local header="Authorization: Bearer $TOKEN"
  [ "$auth" = cookie ] && header="Cookie: aimsgap_session=$SESSION"
  printf '%-34s ' "$name"
  # shellcheck disable=SC2086
  CONNS=$CONNS $LOAD_PIN wrk -t1 -c"$CONNS" -d"${SECONDS_PER_RUN}s" --timeout 10s --latency -H "$header" \
    -H "Accept-Encoding: gzip" "$@" | grep '^RESULT' | sed 's/^RESULT //'
}

# Every hot result is computed once before its phase, so the phase measures cache hits only.
while read -r id; do
  curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/assessments/$id/result"
done < "$WORK/hot.txt"
LIST="$WORK/hot.txt" PREFIX=/api/v1/assessments/ SUFFIX=/result \
  phase "cached result ($HOT hot)" token -s "$WORK/ids.lua" "$BASE"
LIST="$WORK/cold.txt" ONCE=1 PREFIX=/api/v1/assessments/ SUFFIX=/result \
  phase "first-touch result (each once)" token -s "$WORK/ids.lua" "$BASE"
LIST="$WORK/hot.txt" PREFIX=/assessments/ SUFFIX=/dashboard \
  phase "dashboard page ($HOT hot)" cookie -s "$WORK/ids.lua" "$BASE"
phase "list, API (first 50 of $N)" token -s "$WORK/report.lua" "$BASE/api/v1/orgs/$ORG/assessments"
phase "list, page /orgs/{org}" cookie -s "$WORK/report.lua" "$BASE/orgs/$ORG"
LIST="$WORK/ids.txt" REQUIREMENTS="$WORK/requirements.txt" \
  phase "answer writes (new answers)" token -s "$WORK/answer.lua" "$BASE"

# A browser's answer save, one at a time (POST, redirect, the requirement page): bench/browser-save.py.
if [ -n "${SAVE_BENCH:-}" ]; then
  $LOAD_PIN python3 bench/browser-save.py "$BASE" "$SESSION" "$(head -n 1 "$WORK/hot.txt")" \
    "$(head -n 1 "$WORK/requirements.txt")" "${SAVES:-200}"
fi
echo "== server errors logged: $(grep -c ERROR "$WORK/server.log" || true)"
echo "== server memory: $(grep -E 'VmHWM|VmRSS' "/proc/$SERVER/status" | tr -s ' \t' ' ' | tr '\n' ' ')"
