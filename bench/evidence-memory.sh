#!/usr/bin/env bash
# Memory of the server while a 25 MB evidence file goes up and comes back down: starts
# `aimsgap serve` on a fresh SQLite database, uploads the file with curl (multipart), downloads
# it, checks the bytes by SHA-256, and prints the server's peak resident memory (VmHWM from
# /proc/PID/status) after start-up, after the upload and after the download. Uploads and
# downloads are streamed in chunks of 1 MiB, so the peak should stay well under 100 MB.
# Usage: bash bench/evidence-memory.sh [MB]   (PROFILE=debug to skip the release build,
# SKIP_BUILD=1 to take the binary as it is)
# Exits 1 when the peak after the download is above LIMIT_MB (default 100), so that CI
# (`.ci/run`, release build) catches a regression such as an allocator that asks for huge pages.
set -euo pipefail
cd "$(dirname "$0")/.."
MB=${1:-25}
LIMIT_MB=${LIMIT_MB:-100}
PROFILE=${PROFILE:-release}
if [ -n "${SKIP_BUILD:-}" ]; then
  :
elif [ "$PROFILE" = release ]; then
  cargo build --release -q -p aimsgap --no-default-features
else
  cargo build -q -p aimsgap --no-default-features
fi
BIN=${CARGO_TARGET_DIR:-target}/$PROFILE/aimsgap
WORK=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
RUST_LOG=warn "$BIN" serve --database "sqlite://$WORK/bench.db?mode=rwc" --bind "127.0.0.1:$PORT" \
  --evidence-max-mb "$((MB + 1))" --body-timeout 600 > "$WORK/server.log" 2>&1 &
SERVER=$!
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 1 100); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.1; done
hwm() { awk '/VmHWM/ {printf "%.1f MB", $2 / 1024}' "/proc/$SERVER/status"; }
hwm_kb() { awk '/VmHWM/ {print $2}' "/proc/$SERVER/status"; }
echo "peak RSS after start-up:  $(hwm)"

JAR="$WORK/cookies"
curl -sf -c "$JAR" -H 'Content-Type: application/json' \
  -d '{"email":"bench@example.test","name":"Bench","password":"correct horse battery"}' \
  "$BASE/api/v1/signup" > "$WORK/session.json"
CSRF=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["csrf"])' "$WORK/session.json")
TOKEN=$(curl -sf -b "$JAR" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' \
  -d '{"name":"bench"}' "$BASE/api/v1/tokens" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
AUTH="Authorization: Bearer $TOKEN"
ORG=$(curl -sf -H "$AUTH" -H 'Content-Type: application/json' -d '{"name":"Bench"}' "$BASE/api/v1/orgs" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
python3 -c 'import json,sys; print(json.dumps({"name": "bench", "content": open(sys.argv[1]).read()}))' \
  examples/saas-chatbot-iso27001.yaml > "$WORK/import.json"
ASSESSMENT=$(curl -sf -H "$AUTH" -H 'Content-Type: application/json' --data-binary "@$WORK/import.json" \
  "$BASE/api/v1/orgs/$ORG/assessments" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')

head -c "$((MB * 1000 * 1000))" /dev/urandom > "$WORK/evidence.bin"
SENT=$(sha256sum "$WORK/evidence.bin" | cut -d' ' -f1)
ID=$(curl -sf -H "$AUTH" -F title=Bench -F kind=operating_record -F links=5.2 \
  -F "file=@$WORK/evidence.bin;type=application/octet-stream" \
  "$BASE/api/v1/assessments/$ASSESSMENT/evidence" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
echo "peak RSS after uploading $MB MB: $(hwm)"
curl -sf -H "$AUTH" -o "$WORK/back.bin" "$BASE/api/v1/assessments/$ASSESSMENT/evidence/$ID/file"
echo "peak RSS after downloading it: $(hwm)"
PEAK_KB=$(hwm_kb)
BACK=$(sha256sum "$WORK/back.bin" | cut -d' ' -f1)
[ "$SENT" = "$BACK" ] && echo "the download matches the upload (SHA-256 $SENT)" || { echo "the download differs" >&2; exit 1; }
if [ "$PEAK_KB" -gt "$((LIMIT_MB * 1024))" ]; then
  echo "the server's peak resident memory, $((PEAK_KB / 1024)) MB, is above the bound of $LIMIT_MB MB" >&2
  exit 1
fi
echo "within the bound of $LIMIT_MB MB"
