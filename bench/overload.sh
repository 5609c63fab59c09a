#!/usr/bin/env bash
# Searches cannot starve the rest: N generated articles (default 10,000), built, served, and
# in the same run
#   1. ordinary shoppers alone: the generator's queries at 32 connections, with /healthz probed
#      on one more connection;
#   2. the same, while 64 more connections send the costliest queries one can craft
#      (bench/search/crafted.py), each with a random made-up word so that no cached answer
#      serves them.
# Prints, per phase, /healthz p99 (target: under 50 ms), ordinary searches' p99 and rate, and
# every answer by status: 200, shed (503 with Retry-After; expected under attack) and errors
# (anything else, or a dropped connection; target: none).
#
#   bench/overload.sh [N] [SECONDS]              this checkout
#   bench/overload.sh N SECONDS OTHER/release    and another build's `helpbook`, in turn
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
set -euo pipefail
N=${1:-10000}
DURATION=${2:-20}
export DEBIAN_FRONTEND=noninteractive

if ! command -v wrk >/dev/null 2>&1; then
    log "--- installing wrk"
    apt-get install -y --no-install-recommends wrk </dev/null >/dev/null 2>&1 \
        || { apt-get update </dev/null >/dev/null && apt-get install -y --no-install-recommends wrk </dev/null >/dev/null; }
fi

build_helpbook --bin helpbook
BINARIES=("$HELPBOOK")
[[ $# -ge 3 ]] && BINARIES=("$(cd -- "$3" && pwd)/helpbook" "${BINARIES[@]}")
generate "$N"
ROOT="$TMP/corpus/helpbook"
log "--- building $N articles"
"$HELPBOOK" build --root "$ROOT" --quiet >&2

for lang in en ru et; do
    sed "s/^/$lang\t/" "$TMP/corpus/queries.$lang.txt"
done >"$TMP/ordinary.tsv"
python3 "$REPO/bench/search/crafted.py" >"$TMP/crafted.tsv"
LUA="$REPO/bench/search/mixed.lua"

# p99 of a wrk --latency report, in ms.
p99() { awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 }; printf "%.2f", v }' "$1"; }
rate() { awk '/Requests\/sec/ { printf "%.0f", $2 }' "$1"; }
counts() { grep -o 'ok=[0-9]* shed=[0-9]* errors=[0-9]* socket_errors=[0-9]*' "$1" || echo "?"; }

# phase LABEL ATTACK(0|1): one phase against the server at $ADDR; prints a table row.
phase() {
    local label=$1 attack=$2 pids=()
    if [[ $attack == 1 ]]; then
        QUERIES="$TMP/crafted.tsv" SALT=1 wrk -t2 -c64 -d"${DURATION}s" --timeout 10s -s "$LUA" \
            "$ADDR" >"$TMP/attack.txt" 2>&1 &
        pids+=($!)
    fi
    QUERIES="$TMP/ordinary.tsv" SALT=1 wrk -t1 -c32 -d"${DURATION}s" --timeout 10s --latency -s "$LUA" \
        "$ADDR" >"$TMP/ordinary.txt" 2>&1 &
    pids+=($!)
    wrk -t1 -c1 -d"${DURATION}s" --timeout 10s --latency "$ADDR/healthz" >"$TMP/healthz.txt" 2>&1 &
    pids+=($!)
    wait "${pids[@]}"
    local attacked="-"
    [[ $attack == 1 ]] && attacked="$(rate "$TMP/attack.txt")/s, $(counts "$TMP/attack.txt")"
    printf '| %s | %s | %s | %s ms | %s/s, %s | %s |\n' "$label" "${BIN%/helpbook}" \
        "$(p99 "$TMP/healthz.txt") ms" "$(p99 "$TMP/ordinary.txt")" "$(rate "$TMP/ordinary.txt")" \
        "$(counts "$TMP/ordinary.txt")" "$attacked"
}

echo "| phase | build | /healthz p99 | ordinary p99 | ordinary searches | crafted searches (64 connections) |"
echo "|---|---|---:|---:|---|---|"
for BIN in "${BINARIES[@]}"; do
    HELPBOOK=$BIN start_helpbook "$TMP/serve.out" serve --root "$ROOT"
    # Warm the index's pages into memory.
    QUERIES="$TMP/ordinary.tsv" SALT=1 wrk -t1 -c8 -d3s -s "$LUA" "$ADDR" >/dev/null 2>&1
    phase "ordinary alone" 0
    phase "ordinary + crafted" 1
    stop_server
done
