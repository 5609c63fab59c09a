#!/usr/bin/env bash
# What recording insights costs search: N generated articles (default 10,000) built once, then
# `helpbook serve --cache-mb 0` with `[insights]` on and off in turn (ROUNDS each, default 5,
# SECONDS of wrk each, default 10), over a long tail of 20,000 distinct queries (each of the
# generator's with another word of the help center) at 32 connections. Prints each round and
# the medians: searches/s, p99 and serve's CPU time per search; and how many searches the
# database holds at the end (every one answered, none dropped).
#
#   bench/insights.sh [N] [SECONDS]
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
N=${1:-10000}
SECONDS_UNDER_LOAD=${2:-10}
ROUNDS=${ROUNDS:-5}

if ! command -v wrk >/dev/null 2>&1; then
    log "--- installing wrk"
    apt-get install -y --no-install-recommends wrk </dev/null >/dev/null 2>&1 \
        || { apt-get update </dev/null >/dev/null && apt-get install -y --no-install-recommends wrk </dev/null >/dev/null; }
fi
build_helpbook --bin helpbook
generate "$N"
root="$TMP/corpus/helpbook"
log "--- building $N articles"
"$HELPBOOK" build --root "$root" --quiet >&2
python3 "$REPO/bench/search/long_tail.py" "$TMP/corpus" \
    "$root/build/index/helpbook-lexicon.tsv" 20000 >"$TMP/tail.tsv"
# The same build, served from two help-center folders that differ only in [insights].
for setting in on off; do
    mkdir -p "$TMP/$setting"
    cp "$root/book.toml" "$TMP/$setting/"
    ln -s "$root/build" "$TMP/$setting/build"
done
printf '\n[insights]\nenabled = false\n' >>"$TMP/off/book.toml"

results="$TMP/results.tsv"
for round in $(seq "$ROUNDS"); do
    for setting in on off; do
        start_helpbook "$TMP/serve.out" serve --root "$TMP/$setting" --cache-mb 0
        QUERIES="$TMP/tail.tsv" wrk -t2 -c32 -d3s -s "$REPO/bench/search/api-queries.lua" "$ADDR" >/dev/null
        before=$(awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat")
        QUERIES="$TMP/tail.tsv" wrk -t2 -c32 -d"${SECONDS_UNDER_LOAD}s" --latency \
            -s "$REPO/bench/search/api-queries.lua" "$ADDR" >"$TMP/wrk.out"
        after=$(awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat")
        stop_server
        errors=$(awk '/Non-2xx|Socket errors/ { print }' "$TMP/wrk.out")
        [[ -z $errors ]] || die "wrk reported: $errors"
        requests=$(awk '/requests in/ { print $1 }' "$TMP/wrk.out")
        printf '%s\t%s\t%s\t%s\t%s\n' "$round" "$setting" \
            "$(awk '/^Requests\/sec/ { print $2 }' "$TMP/wrk.out")" \
            "$(awk '$1 == "99%" { print $2 }' "$TMP/wrk.out")" \
            "$(python3 -c "print('%.0f' % (($after - $before) * 10000 / $requests))")" >>"$results"
        log "    round $round, insights $setting: $(tail -1 "$results" | cut -f3-)"
    done
done
recorded=$(python3 -c "
import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM searches').fetchone()[0])
" "$TMP/on/.helpbook/insights.db")

python3 - "$results" "$recorded" <<'PY'
import statistics, sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
print("| insights | searches/s (median) | each round | p99 (median) | CPU µs per search (median) |")
print("|---|---:|---|---:|---:|")
medians = {}
for setting in ("on", "off"):
    mine = [r for r in rows if r[1] == setting]
    rate = statistics.median(float(r[2]) for r in mine)
    medians[setting] = rate
    p99 = statistics.median(float(r[3].rstrip("ms")) for r in mine)
    cpu = statistics.median(float(r[4]) for r in mine)
    print("| %s | %.0f | %s | %.2f ms | %.0f |"
          % (setting, rate, ", ".join("%.0f" % float(r[2]) for r in mine), p99, cpu))
print("\ninsights on / off: %.1f%%; searches recorded: %s" % ((medians["on"] / medians["off"] - 1) * 100, sys.argv[2]))
PY
