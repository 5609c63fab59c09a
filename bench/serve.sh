#!/usr/bin/env bash
# Search under load: builds N generated articles (default 10,000), starts `helpbook serve` on
# loopback and runs wrk for 20 s with varied shopper queries (English, Russian, Estonian, each
# with its language) against /api/search. Prints searches/s, latency percentiles, serve's
# memory, the build time and the index size, once with every search computed (`serve --cache 0`)
# and once with recent answers kept (the default), and the in-process latency of one search.
# Usage: bench/serve.sh [N] [SECONDS]
set -euo pipefail

N=${1:-10000}
SECONDS_UNDER_LOAD=${2:-20}
REPO="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
GEN="$REPO/../shared/bench/gen_corpus.py"
export DEBIAN_FRONTEND=noninteractive

log() { echo "$*" >&2; }

if ! command -v wrk >/dev/null 2>&1; then
    log "--- installing wrk"
    apt-get install -y --no-install-recommends wrk </dev/null >/dev/null 2>&1 \
        || { apt-get update </dev/null >/dev/null && apt-get install -y --no-install-recommends wrk </dev/null >/dev/null; }
fi
[[ -f $GEN ]] || { log "bench/serve.sh: $GEN not found (the shared/ folder must sit beside the repository)"; exit 1; }

log "--- cargo build --release"
(cd "$REPO" && cargo build --release --locked --quiet)
HELPBOOK="$REPO/target/release/helpbook"

TMP=$(mktemp -d)
SERVER_PID=
cleanup() {
    [[ -n $SERVER_PID ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    rm -rf -- "$TMP"
}
trap cleanup EXIT

log "--- generating $N articles"
python3 "$GEN" "$N" "$TMP/corpus" >/dev/null
ROOT="$TMP/corpus/helpbook"

log "--- building"
build_s=$( { /usr/bin/time -f '%e' "$HELPBOOK" build --root "$ROOT" --quiet; } 2>&1 | tail -1 )
index_size=$(du -sh -- "$ROOT/build/index" | cut -f1)
site_size=$(du -sh -- "$ROOT/build/site" | cut -f1)

# Queries with their language: "lang<TAB>query" per line.
for lang in en ru et; do
    f="$TMP/corpus/queries.$lang.txt"
    [[ -f $f ]] && awk -v l="$lang" 'NF { print l "\t" $0 }' "$f"
done > "$TMP/queries.tsv"
queries=$(wc -l < "$TMP/queries.tsv")

cat > "$TMP/queries.lua" <<'LUA'
local queries = {}
local function encode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
for line in io.lines(os.getenv("QUERIES")) do
  local lang, q = line:match("^(%a+)\t(.+)$")
  if q then table.insert(queries, "/api/search?lang=" .. lang .. "&limit=10&q=" .. encode(q)) end
end
local i = 0
function request()
  i = i + 1
  return wrk.format("GET", queries[(i % #queries) + 1])
end
function response(status)
  if status ~= 200 then error("status " .. status) end
end
LUA

# In process, one thread, no HTTP: what a search costs.
log "--- in-process search latency (examples/search_latency.rs)"
(cd "$REPO" && cargo build --release --locked --quiet --example search_latency)
in_process=$("$REPO/target/release/examples/search_latency" "$ROOT/build/index" "$TMP/corpus" 10)
log "$in_process"

# One wrk run against `serve --cache CACHE`; prints a table row.
run_wrk() {
    local cache=$1 label=$2
    "$HELPBOOK" serve --root "$ROOT" --bind 127.0.0.1:0 --cache "$cache" > "$TMP/serve.out" 2>&1 &
    SERVER_PID=$!
    local addr=
    for _ in $(seq 1 200); do
        addr=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$TMP/serve.out" | head -1 || true)
        [[ -n $addr ]] && curl -fsS "$addr/healthz" >/dev/null 2>&1 && break
        sleep 0.1
    done
    [[ -n $addr ]] || { log "serve did not start:"; cat "$TMP/serve.out" >&2; exit 1; }
    local rss_idle rss_load
    rss_idle=$(ps -o rss= -p "$SERVER_PID" | tr -d ' ')
    log "--- $label: warm-up 3 s, then wrk ${SECONDS_UNDER_LOAD} s over $queries queries"
    QUERIES="$TMP/queries.tsv" wrk -t2 -c32 -d3s -s "$TMP/queries.lua" "$addr" >/dev/null
    QUERIES="$TMP/queries.tsv" wrk -t2 -c32 -d"${SECONDS_UNDER_LOAD}s" --latency -s "$TMP/queries.lua" "$addr" > "$TMP/wrk.out"
    rss_load=$(ps -o rss= -p "$SERVER_PID" | tr -d ' ')
    kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
    cat "$TMP/wrk.out" >&2
    local errors
    errors=$(awk '/Non-2xx|Socket errors/ { print }' "$TMP/wrk.out")
    [[ -z $errors ]] || { log "wrk reported: $errors"; exit 1; }
    printf '| %s | %s | %s | %s | %s | %s / %s MB |\n' "$label" \
        "$(awk '/^Requests\/sec/ { print $2 }' "$TMP/wrk.out")" \
        "$(awk '$1 == "50%" { print $2 }' "$TMP/wrk.out")" \
        "$(awk '$1 == "90%" { print $2 }' "$TMP/wrk.out")" \
        "$(awk '$1 == "99%" { print $2 }' "$TMP/wrk.out")" \
        "$((rss_idle / 1024))" "$((rss_load / 1024))"
}

rows=$(run_wrk 0 "every search computed (\`--cache 0\`)")
rows+=$'\n'$(run_wrk 4096 "recent answers kept (default \`--cache 4096\`)")

echo "| N | build s (site + index) | site | index |"
echo "|---:|---:|---:|---:|"
printf '| %s | %s | %s | %s |\n' "$N" "$build_s" "$site_size" "$index_size"
echo
echo "| serve | searches/s | p50 | p90 | p99 | serve RSS idle / under load |"
echo "|---|---:|---:|---:|---:|---:|"
echo "$rows"
echo
echo "In process (one thread, no HTTP): $in_process"
echo
echo "wrk -t2 -c32 -d${SECONDS_UNDER_LOAD}s on 127.0.0.1, $queries queries (en/ru/et with their lang) in rotation; $(nproc) CPUs; $(date -u '+%Y-%m-%d %H:%M UTC')."
echo "With the cache every one of the $queries queries repeats, so that row is the best case: real traffic repeats less."
