#!/usr/bin/env bash
# Search under load: builds N generated articles (default 10,000), starts `helpbook serve` on
# loopback and runs wrk for 20 s against /api/search: the generator's shopper queries (English,
# Russian, Estonian, each with its language) in turn with every search computed (`serve
# --cache-mb 0`), then a stream of shoppers typing (popular questions more often, prefixes sent as
# they type) without and with the cache of recent answers. Prints searches/s, latency
# percentiles, serve's CPU time per search and memory, the build time, the index size and one
# search's in-process cost.
# Usage: bench/serve.sh [N] [SECONDS]
set -euo pipefail

N=${1:-10000}
SECONDS_UNDER_LOAD=${2:-20}
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
export DEBIAN_FRONTEND=noninteractive

if ! command -v wrk >/dev/null 2>&1; then
    log "--- installing wrk"
    apt-get install -y --no-install-recommends wrk </dev/null >/dev/null 2>&1 \
        || { apt-get update </dev/null >/dev/null && apt-get install -y --no-install-recommends wrk </dev/null >/dev/null; }
fi

build_helpbook
generate "$N"
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

# Shoppers as the search box sends them: each asks one of the queries above, picked by
# popularity (Zipf, s = 1.1, over a fixed random order), a third of them with a typo, and the
# box sends up to three prefixes as they type (debounced) before the whole query.
# Deterministic (seed 7).
python3 - "$TMP/queries.tsv" "$TMP/stream.tsv" <<'PY'
import random, sys
random.seed(7)
rows = [line.rstrip("\n").split("\t", 1) for line in open(sys.argv[1], encoding="utf-8") if "\t" in line]
order = list(range(len(rows)))
random.shuffle(order)
weights = [1 / (rank + 1) ** 1.1 for rank in range(len(rows))]
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for _ in range(6000):
        lang, query = rows[order[random.choices(range(len(rows)), weights)[0]]]
        # A third of shoppers make a typo (a letter dropped, doubled or swapped with the next),
        # which gives the stream its long tail of queries asked once.
        if random.random() < 1 / 3 and len(query) > 3:
            at = random.randrange(1, len(query) - 2)
            query = random.choice([
                query[:at] + query[at + 1:],
                query[:at] + query[at] + query[at:],
                query[:at] + query[at + 1] + query[at] + query[at + 2:],
            ])
        cuts = sorted(random.sample(range(2, len(query)), k=min(3, max(0, len(query) - 2))))
        for cut in cuts + [len(query)]:
            out.write(f"{lang}\t{query[:cut]}\n")
PY
stream=$(wc -l < "$TMP/stream.tsv")
distinct=$(sort -u "$TMP/stream.tsv" | wc -l)

# In process, one thread, no HTTP: what a search costs.
log "--- in-process search latency (examples/search_latency.rs)"
(cd "$REPO" && cargo build --release --locked --quiet --example search_latency)
in_process=$("$REPO/target/release/examples/search_latency" "$ROOT/build/index" "$TMP/corpus" 10)
log "$in_process"

# One wrk run against `serve --cache-mb MB` with the queries in FILE over CONNECTIONS
# connections; prints a table row.
run_wrk() {
    local cache=$1 file=$2 label=$3 connections=${4:-32}
    start_helpbook "$TMP/serve.out" serve --root "$ROOT" --cache-mb "$cache"
    local addr=$ADDR
    local rss_idle rss_load
    rss_idle=$(ps -o rss= -p "$SERVER_PID" | tr -d ' ')
    log "--- $label: warm-up 3 s, then wrk ${SECONDS_UNDER_LOAD} s"
    QUERIES="$file" wrk -t2 -c"$connections" -d3s -s "$REPO/bench/search/api-queries.lua" "$addr" >/dev/null
    # serve's CPU time (user + system, in clock ticks) over the measured run: CPU per search
    # depends less than searches/s on what else the shared machine is doing.
    local ticks_before ticks_after
    ticks_before=$(awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat")
    QUERIES="$file" wrk -t2 -c"$connections" -d"${SECONDS_UNDER_LOAD}s" --latency -s "$REPO/bench/search/api-queries.lua" "$addr" > "$TMP/wrk.out"
    ticks_after=$(awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat")
    rss_load=$(ps -o rss= -p "$SERVER_PID" | tr -d ' ')
    stop_server
    cat "$TMP/wrk.out" >&2
    local errors
    errors=$(awk '/Non-2xx|Socket errors/ { print }' "$TMP/wrk.out")
    [[ -z $errors ]] || { log "wrk reported: $errors"; exit 1; }
    local requests cpu_us
    requests=$(awk '/requests in/ { print $1 }' "$TMP/wrk.out")
    cpu_us=$(awk -v t="$((ticks_after - ticks_before))" -v hz="$(getconf CLK_TCK)" -v n="$requests" \
        'BEGIN { printf "%.0f", t / hz * 1e6 / n }')
    printf '| %s | %s | %s | %s | %s | %s µs | %s / %s MB |\n' "$label" \
        "$(awk '/^Requests\/sec/ { print $2 }' "$TMP/wrk.out")" \
        "$(awk '$1 == "50%" { print $2 }' "$TMP/wrk.out")" \
        "$(awk '$1 == "90%" { print $2 }' "$TMP/wrk.out")" \
        "$(awk '$1 == "99%" { print $2 }' "$TMP/wrk.out")" \
        "$cpu_us" "$((rss_idle / 1024))" "$((rss_load / 1024))"
}

rows=$(run_wrk 0 "$TMP/queries.tsv" "the $queries queries in turn, every search computed (\`--cache-mb 0\`)")
rows+=$'\n'$(run_wrk 0 "$TMP/queries.tsv" "the same with 10 connections (wrk's default), every search computed" 10)
rows+=$'\n'$(run_wrk 0 "$TMP/stream.tsv" "shoppers typing, every search computed (\`--cache-mb 0\`)")
rows+=$'\n'$(run_wrk 32 "$TMP/stream.tsv" "shoppers typing, recent answers kept (default \`--cache-mb 32\`)")

echo "| N | build s (site + index) | site | index |"
echo "|---:|---:|---:|---:|"
printf '| %s | %s | %s | %s |\n' "$N" "$build_s" "$site_size" "$index_size"
echo
echo "| serve | searches/s | p50 | p90 | p99 | serve CPU per search | serve RSS idle / under load |"
echo "|---|---:|---:|---:|---:|---:|---:|"
echo "$rows"
echo
echo "In process (one thread, no HTTP): $in_process"
echo
echo "wrk -t2 -c32 (unless the row says otherwise) -d${SECONDS_UNDER_LOAD}s on 127.0.0.1; $(nproc) CPUs; $(date -u '+%Y-%m-%d %H:%M UTC'). The $queries queries: the generator's (en/ru/et, each with its lang), in rotation."
echo "Shoppers typing: $stream requests ($distinct distinct) from 6,000 shoppers, each asking one of the $queries queries by popularity (Zipf 1.1), a third with a typo, and sending up to 3 prefixes before it."
