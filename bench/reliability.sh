#!/usr/bin/env bash
# Reliability check: reruns the attacks of "holding under abuse and faults" against a release
# build and prints one line per attack, `held` or `NOT held`, with the figures it measured:
#
#   signup-flood       500 concurrent anonymous sign-ups from 500 addresses (so that each reaches
#                      the password hashing): server peak RSS < 300 MB, /healthz p99 < 100 ms
#                      during, no 5xx but 503
#   login-guess        60 parallel wrong passwords on one account from one address: at most 5
#                      evaluated (answers other than 429/503); the owner then signs in from
#                      another address within 15 s
#   throttle-memory    100,000 failed sign-ins with distinct e-mails from 200 addresses
#                      (127.1.x.y): server RSS growth < 50 MB
#   pdf-flood          50 concurrent anonymous quick-assessment PDFs for 10 s: /healthz and a
#                      signed-in API read p99 < 100 ms; PDFs answer 200 or 503 only
#   big-documents      3,000 AI systems in ~1 MB and a 1 MB note refused with 413/422; 20
#                      updates of a 4,000-character note (the longest allowed) all accepted, and
#                      history grows by < 1.25 times the notes (stored once, not twice)
#   backups/BACKEND    20 `aimsgap backup` runs under continuous writes all restore into fresh
#                      databases, and there the newest history entry of each answer equals the
#                      answer; a truncated, a tampered (role "superuser") and an incomplete
#                      backup are refused and leave the target empty (SQLite, and PostgreSQL)
#   slow-clients       20,000 connections holding half a request (two client processes; 300
#                      past the server's file limit when that is higher):
#                      /healthz on a fresh connection p99 < 1 s while they are held
#   open-redirect      sign-in with next=/<TAB>/evil.test and other bypasses: Location stays
#                      a same-origin path
#   owner-race/BACKEND 10 organisations whose two owners remove each other at once, 10 whose
#                      owners demote each other: every organisation keeps an owner
#   fte-bounds, cache-control, hsts, del-in-json, cli-dev-zero, out-dir-symlink,
#   terminal-escape    the smaller items: team_fte 1e-300 gives a 4xx; API answers carry
#                      Cache-Control: no-store; --secure-cookies adds Strict-Transport-Security;
#                      U+007F in a JSON file is accepted; `assess /dev/zero` is refused within
#                      1 s and 100 MB; --out-dir writes nothing through planted symlinks; ESC
#                      and BEL in an organisation name never reach the terminal raw
#
# Each attack starts its own server on a free port with a fresh database and has a time limit;
# the whole run takes about ten minutes on two cores. Exit status 1 when any line is NOT held.
# Not part of CI: it needs a release build, minutes of CPU and up to 20,000 sockets.
#
# Usage: bash bench/reliability.sh [--only NAME,NAME] [--keep]
#   AIMSGAP_BIN=path/to/aimsgap   use this binary instead of building one
#   AIMSGAP_BENCH_PG_URL=postgres://USER:PASSWORD@HOST:PORT   PostgreSQL for the /postgres lines
#     (without it: a local server as .ci/postgres.sh starts it, if one answers; else skipped)
# Needs python3 (standard library only); psql for the PostgreSQL lines.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v python3 >/dev/null || { echo "python3 is required" >&2; exit 2; }
if [ -n "${AIMSGAP_BIN:-}" ]; then
  BIN=$AIMSGAP_BIN
else
  cargo build --release -q -p aimsgap
  BIN=${CARGO_TARGET_DIR:-target}/release/aimsgap
fi
[ -x "$BIN" ] || { echo "no aimsgap binary at $BIN" >&2; exit 2; }
PG=()
if [ -n "${AIMSGAP_BENCH_PG_URL:-}" ]; then
  PG=(--pg "$AIMSGAP_BENCH_PG_URL")
elif command -v psql >/dev/null \
  && psql -X -q -t -c 'SELECT 1' "postgres://aimsgap:aimsgap@127.0.0.1:5432/postgres" >/dev/null 2>&1; then
  PG=(--pg "postgres://aimsgap:aimsgap@127.0.0.1:5432")
fi
exec python3 bench/reliability.py --bin "$BIN" "${PG[@]}" "$@"
