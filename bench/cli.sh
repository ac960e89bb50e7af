#!/usr/bin/env bash
# Start-up and whole-process time of the command line: builds the release binary, then times
# whole processes with hyperfine (no shell in between, output to /dev/null as a pipe would
# take it) and prints the median of each command in milliseconds:
#
#   catalog list              the shortest command that needs the built-in catalog
#   assess EXAMPLE            a full assessment of each example, table to standard output
#   assess EXAMPLE json       the same assessment as the result JSON
#   load_builtin yaml|compact the built-in catalog alone, parsed from YAML as every process did
#                             before it was prepared at build time, and read from the compact
#                             form as it is now (a small example program of aimsgap-catalog)
#
# Targets: `assess` of the largest example under 10 ms, `catalog list` under 5 ms.
# Not part of CI. Usage: bash bench/cli.sh [RUNS]   (default 50 runs after 5 warm-ups;
# SKIP_BUILD=1 to time the binary already built; taskset it to one core for steadier figures,
# e.g. `taskset -c 1 bash bench/cli.sh`)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-50}
command -v hyperfine >/dev/null || { echo "hyperfine is not installed" >&2; exit 1; }
if [ -z "${SKIP_BUILD:-}" ]; then
  cargo build --release -q -p aimsgap
  cargo build --release -q -p aimsgap-catalog --example load_builtin
fi
BIN=${CARGO_TARGET_DIR:-target}/release/aimsgap
LOAD=${CARGO_TARGET_DIR:-target}/release/examples/load_builtin
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

commands=("$BIN catalog list" "$BIN assess examples/bank-credit-scoring.yaml")
for example in examples/*.yaml; do
  [ "$example" = examples/bank-credit-scoring.yaml ] && continue
  commands+=("$BIN assess $example")
done
commands+=("$BIN assess examples/bank-credit-scoring.yaml --format json")
commands+=("$LOAD yaml" "$LOAD compact")

hyperfine -N --warmup 5 --runs "$RUNS" --style none --export-json "$WORK/times.json" \
  "${commands[@]}" >/dev/null
python3 - "$WORK/times.json" "$BIN" "$LOAD" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
binary = sys.argv[2]
print(f"{'command':<62} {'median':>9} {'min':>9} {'max':>9}")
for result in results:
    name = result["command"].replace(sys.argv[3], "load_builtin").replace(binary, "aimsgap")
    print(f"{name:<62} {result['median'] * 1000:>7.2f}ms {result['min'] * 1000:>7.2f}ms {result['max'] * 1000:>7.2f}ms")
PY
printf 'binary size: %s bytes\n' "$(stat -c %s "$BIN")"
