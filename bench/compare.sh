#!/usr/bin/env bash
# helpbook, Hugo + Pagefind and mdBook side by side on the same generated help center.
#
#   bench/compare.sh            # N = 1000
#   bench/compare.sh 10000      # about 50 minutes: each mdBook build takes ~10 minutes
#   RUNS=3 bench/compare.sh     # builds per tool (default 5; mdBook at most 3)
#
# Installs what it needs: Debian's hugo, wrk and curl (as root), Pagefind from npm and mdBook
# with `cargo install --locked`, both into ${HELPBOOK_BENCH_TOOLS:-~/.cache/helpbook-bench}
# (mdBook compiles for about 7 minutes the first time). Every tool runs with its documented
# defaults.
#
# 1. Builds. Generates N articles with ../shared/bench/gen_corpus.py and builds them with
#    each tool in turn, round after round so that all share the machine's noise, each build
#    into a folder that never existed (see build.sh for why). Build wall time (median, fastest,
#    slowest) and peak memory (GNU time): helpbook's whole build (site + search index), Hugo +
#    Pagefind's two steps (wall times added, peak the higher of the two), mdBook's build (which
#    writes its search index); the output's size and its search index's size. A last row gives
#    Hugo's step alone.
# 2. Search on those articles, with the generator's 200 shopper queries (en, ru, et):
#    - bytes a shopper's browser downloads before the first results appear, median over the
#      queries, as sent with gzip (and raw): helpbook's page scripts plus the search box's one
#      /api/search response, over real HTTP; Pagefind's pagefind.js, entry, metadata, WASM,
#      the index chunks and the first five results' fragments, each query in a fresh instance
#      (bench/search/pagefind.mjs); mdBook's search scripts and its whole search index
#      (bench/search/mdbook.cjs). Text that the tools leave uncompressed is gzipped at level 9
#      for Pagefind and mdBook; helpbook's figure is what its server sends.
#    - time per search: the median per query, one thread, warm: helpbook's engine in process
#      (examples/search_latency.rs), Pagefind's and mdBook's own JavaScript in Node; and
#      helpbook's API under wrk on loopback (`serve --cache-mb 0`, so every search is computed).
# 3. Search quality: the judged queries of bench/relevance/ on three real help centers of
#    ../shared/corpus, laid out for each tool by bench/relevance/prepare.py, searched with each
#    tool's default search and scored by one scorer, bench/relevance/score.py (recall@1,
#    recall@5, MRR@10). Queries whose best answer is not first are listed on stderr.
# Progress goes to stderr, the Markdown tables to stdout.
set -euo pipefail

N=${1:-1000}
RUNS=${RUNS:-5}
[[ $N =~ ^[1-9][0-9]*$ ]] || { echo "usage: bench/compare.sh [N]" >&2; exit 2; }
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "RUNS must be a positive integer" >&2; exit 2; }
MDBOOK_RUNS=$((RUNS < 3 ? RUNS : 3))
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
TOOLS=${HELPBOOK_BENCH_TOOLS:-$HOME/.cache/helpbook-bench}
GNU_TIME=/usr/bin/time

# --- tools -------------------------------------------------------------------------------------
missing=()
command -v hugo >/dev/null || missing+=(hugo)
[[ -x $GNU_TIME ]] || missing+=(time)
command -v npm >/dev/null || missing+=(npm)
command -v wrk >/dev/null || missing+=(wrk)
command -v curl >/dev/null || missing+=(curl)
if ((${#missing[@]})); then
    ((EUID == 0)) || die "missing ${missing[*]}: run as root, or install them"
    log "==> apt-get install ${missing[*]}"
    apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >&2 \
        || { apt-get update -qq </dev/null >&2 && apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >&2; }
fi
PAGEFIND="$TOOLS/pagefind/node_modules/.bin/pagefind"
if [[ ! -x $PAGEFIND ]]; then
    log "==> npm install pagefind (into $TOOLS/pagefind)"
    mkdir -p "$TOOLS/pagefind"
    npm install --prefix "$TOOLS/pagefind" --no-audit --no-fund pagefind@1 >&2
fi
MDBOOK="$TOOLS/mdbook/bin/mdbook"
if [[ ! -x $MDBOOK ]]; then
    log "==> cargo install mdbook --locked (into $TOOLS/mdbook; about 7 minutes)"
    cargo install mdbook --locked --root "$TOOLS/mdbook" >&2
fi
build_helpbook --bin helpbook --example answers --example search_latency
ANSWERS="$REPO/target/release/examples/answers"
SEARCH_LATENCY="$REPO/target/release/examples/search_latency"

# --- corpus ------------------------------------------------------------------------------------
generate "$N"
C="$TMP/corpus"

# timed NAME -- CMD...: runs CMD under GNU time; prints "wall_s peak_kib". Fails loudly.
timed() {
    local name=$1
    shift 2
    if ! "$GNU_TIME" -o "$TMP/time" -f '%e %M' "$@" >"$TMP/$name.out" 2>&1 </dev/null; then
        log "!!! $name failed: $*"
        sed 's/^/!!! /' "$TMP/$name.out" >&2
        exit 1
    fi
    tail -n1 "$TMP/time"
}
bytes() { du -sb "$@" | awk '{ s += $1 } END { print s + 0 }'; }

# One build of each tool; appends "wall peak output index" (s, KiB, bytes, bytes) to TMP/TOOL.
build_helpbook() {
    local out="$TMP/out/helpbook-$1" wall rss
    read -r wall rss < <(timed helpbook -- "$HELPBOOK" build --root "$C/helpbook" --out "$out" --quiet)
    echo "$wall $rss $(bytes "$out/site" "$out/index") $(bytes "$out/index")" >>"$TMP/helpbook"
}
build_hugo_pagefind() {
    local out="$TMP/out/hugo-$1" hugo_wall hugo_rss pf_wall pf_rss
    read -r hugo_wall hugo_rss < <(timed hugo -- hugo --quiet --source "$C/hugo" --destination "$out")
    echo "$hugo_wall $hugo_rss $(bytes "$out") 0" >>"$TMP/hugo"
    read -r pf_wall pf_rss < <(timed pagefind -- "$PAGEFIND" --site "$out")
    echo "$(awk -v a="$hugo_wall" -v b="$pf_wall" 'BEGIN { print a + b }') $((hugo_rss > pf_rss ? hugo_rss : pf_rss)) $(bytes "$out") $(bytes "$out/pagefind")" >>"$TMP/hugo-pagefind"
}
build_mdbook() {
    local out="$TMP/out/mdbook-$1" wall rss
    read -r wall rss < <(timed mdbook -- "$MDBOOK" build "$C/mdbook" -d "$out")
    echo "$wall $rss $(bytes "$out") $(bytes "$out"/searchindex*.js)" >>"$TMP/mdbook"
}

mkdir -p "$TMP/out"
for run in $(seq 1 "$RUNS"); do
    log "==> round $run of $RUNS"
    build_helpbook "$run"
    build_hugo_pagefind "$run"
    ((run <= MDBOOK_RUNS)) && build_mdbook "$run"
    log "    helpbook $(tail -n1 "$TMP/helpbook" | cut -d' ' -f1) s, hugo + pagefind $(tail -n1 "$TMP/hugo-pagefind" | cut -d' ' -f1) s$( ((run <= MDBOOK_RUNS)) && echo ", mdbook $(tail -n1 "$TMP/mdbook" | cut -d' ' -f1) s")"
done

# --- search on the generated articles: bytes before the first results, and latency -----------
# The last round's builds are searched with the generator's queries, each in its language.
HB_OUT="$TMP/out/helpbook-$RUNS"
PF_SITE="$TMP/out/hugo-$RUNS"
MD_BOOK="$TMP/out/mdbook-$MDBOOK_RUNS"
SEARCH="$REPO/bench/search"
for lang in en ru et; do
    [[ -s $C/queries.$lang.txt ]] && awk -v l="$lang" 'NF { print l "\t" $0 }' "$C/queries.$lang.txt"
done >"$TMP/queries.tsv"

# body_bytes ENCODING URL [CURL ARGS...]: the size of a response's body as sent, asking for
# ENCODING (gzip or identity).
body_bytes() {
    local accept=$1
    shift
    curl -fsS -H "Accept-Encoding: $accept" -o /dev/null -w '%{size_download}' "$@"
}
# median_of: the median of numbers on stdin, one per line.
median_of() {
    sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# json_median FIELD: the median of a field of JSON lines on stdin.
json_median() {
    python3 -c 'import json, sys; [print(json.loads(l)[sys.argv[1]]) for l in sys.stdin if l.strip()]' "$1" | median_of
}

log "==> helpbook: bytes before the first results, and wrk on /api/search"
# Every search computed (`--cache-mb 0`): the 200 queries in turn would otherwise all be answered
# from its cache.
start_helpbook "$TMP/serve.out" serve --root "$C/helpbook" --out "$HB_OUT" --cache-mb 0
# The page's scripts (every page loads the same ones), then the search box's one request.
scripts=$(curl -fsS "$ADDR/" | grep -o '<script src="[^"]*"' | sed 's/^<script src="//; s/"$//')
js_raw=0 js_gz=0
for js in $scripts; do
    js_raw=$((js_raw + $(body_bytes identity "$ADDR$js")))
    js_gz=$((js_gz + $(body_bytes gzip "$ADDR$js")))
done
((js_raw > 0)) || die "helpbook's home page loads no script"
while IFS=$'\t' read -r lang q; do
    api=("$ADDR/api/search" -G --data "limit=8&lang=$lang" --data-urlencode "q=$q")
    echo "$(body_bytes identity "${api[@]}") $(body_bytes gzip "${api[@]}")"
done <"$TMP/queries.tsv" >"$TMP/api-bytes"
HB_BYTES=$((js_raw + $(cut -d' ' -f1 "$TMP/api-bytes" | median_of | cut -d. -f1)))
HB_BYTES_GZ=$((js_gz + $(cut -d' ' -f2 "$TMP/api-bytes" | median_of | cut -d. -f1)))
QUERIES="$TMP/queries.tsv" wrk -t2 -c32 -d3s -s "$REPO/bench/search/api-queries.lua" "$ADDR" >/dev/null
QUERIES="$TMP/queries.tsv" wrk -t2 -c32 -d10s --latency -s "$REPO/bench/search/api-queries.lua" "$ADDR" >"$TMP/wrk.out"
stop_server
! grep -q 'Non-2xx\|Socket errors' "$TMP/wrk.out" || { cat "$TMP/wrk.out" >&2; die "wrk saw errors"; }
HB_WRK="$(awk '/^Requests\/sec/ { printf "%.0f", $2 }' "$TMP/wrk.out")/s, p50 $(awk '$1 == "50%" { print $2 }' "$TMP/wrk.out"), p99 $(awk '$1 == "99%" { print $2 }' "$TMP/wrk.out")"
# One thread, no HTTP: the same queries, as the median per search.
HB_MS=$("$SEARCH_LATENCY" "$HB_OUT/index" "$C" 10 | grep -o 'p50 [0-9.]*' | cut -d' ' -f2 | xargs printf '%.2f')

log "==> Pagefind in Node: bytes before the first results, and time per search"
: >"$TMP/pf-bytes"
: >"$TMP/pf-ms"
for lang in en ru et; do
    [[ -s $C/queries.$lang.txt ]] || continue
    node "$SEARCH/pagefind.mjs" "$PF_SITE" "$lang" bytes <"$C/queries.$lang.txt" >>"$TMP/pf-bytes"
    node "$SEARCH/pagefind.mjs" "$PF_SITE" "$lang" latency <"$C/queries.$lang.txt" >>"$TMP/pf-ms"
done
PF_BYTES=$(json_median bytes <"$TMP/pf-bytes")
PF_BYTES_GZ=$(json_median bytes_gzip <"$TMP/pf-bytes")
PF_MS=$(json_median ms <"$TMP/pf-ms" | xargs printf '%.2f')

log "==> mdBook (elasticlunr) in Node: bytes before the first results, and time per search"
cut -f2 "$TMP/queries.tsv" | node "$SEARCH/mdbook.cjs" "$MD_BOOK" bytes >"$TMP/md-bytes"
# Each search takes 0.1-0.3 s at 10,000 articles: fewer timed runs per query there.
cut -f2 "$TMP/queries.tsv" | node "$SEARCH/mdbook.cjs" "$MD_BOOK" latency $((N >= 5000 ? 5 : 20)) >"$TMP/md-ms"
MD_BYTES=$(json_median bytes <"$TMP/md-bytes")
MD_BYTES_GZ=$(json_median bytes_gzip <"$TMP/md-bytes")
MD_MS=$(json_median ms <"$TMP/md-ms" | xargs printf '%.2f')

# --- search quality on the judged queries of three real help centers -------------------------
# bench/relevance/: each help center laid out for every tool by prepare.py, built with its
# defaults, searched by its own search code, and every tool's answers scored by score.py.
# quietly NAME -- CMD...: runs CMD, showing its output only if it fails.
quietly() {
    local name=$1
    shift 2
    "$@" >"$TMP/$name.out" 2>&1 </dev/null || { sed 's/^/!!! /' "$TMP/$name.out" >&2; die "$name failed: $*"; }
}
for tool in helpbook pagefind mdbook; do : >"$TMP/score-$tool"; done
for hc in arduino ms-alchemy-ru spree; do
    log "==> search quality: $hc"
    R="$TMP/rel/$hc"
    python3 "$REPO/bench/relevance/prepare.py" "$hc" "$R"
    lang=$(cat "$R/lang")
    quietly helpbook -- "$HELPBOOK" build --root "$R/helpbook" --quiet
    "$ANSWERS" "$R/helpbook" "$lang" <"$R/queries.txt" >"$R/helpbook.jsonl"
    quietly hugo -- hugo --source "$R/hugo" --destination "$R/site"
    quietly pagefind -- "$PAGEFIND" --site "$R/site"
    node "$SEARCH/pagefind.mjs" "$R/site" "$lang" answers <"$R/queries.txt" >"$R/pagefind.jsonl"
    quietly mdbook -- "$MDBOOK" build "$R/mdbook" -d "$R/book"
    node "$SEARCH/mdbook.cjs" "$R/book" answers <"$R/queries.txt" >"$R/mdbook.jsonl"
    for tool in helpbook pagefind mdbook; do
        log "    $tool, queries whose best answer is not first:"
        python3 "$REPO/bench/relevance/score.py" "$REPO/bench/relevance/$hc.toml" "$R/$tool.jsonl" "$R/site" \
            >>"$TMP/score-$tool" 2> >(sed 's/^/    /' >&2)
    done
done

# median FILE COLUMN: the median of a column of numbers.
median() {
    awk -v c="$2" '{ print $c }' "$1" | sort -g | awk '{ v[NR] = $1 }
        END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# row LABEL FILE: median (fastest-slowest) wall, median peak, output and index sizes.
row() {
    local wall rss fastest slowest out idx
    wall=$(median "$2" 1)
    rss=$(median "$2" 2)
    fastest=$(cut -d' ' -f1 "$2" | sort -g | head -n1)
    slowest=$(cut -d' ' -f1 "$2" | sort -g | tail -n1)
    read -r _ _ out idx < <(tail -n1 "$2")
    awk -v l="$1" -v n="$(wc -l <"$2")" -v w="$wall" -v f="$fastest" -v s="$slowest" \
        -v r="$rss" -v o="$out" -v i="$idx" 'BEGIN {
            printf "| %s | %d | %.2f s (%.2f-%.2f) | %.0f MB | %.1f MB | %.1f MB |\n",
                l, n, w, f, s, r / 1024, o / 1e6, i / 1e6 }'
}
echo "| tool | builds | build time, median (range) | peak memory | output | search index |"
echo "|---|---:|---:|---:|---:|---:|"
row "helpbook $("$HELPBOOK" --version | awk '{ print $2 }') (site + index)" "$TMP/helpbook"
row "Hugo $(hugo version | grep -o 'v[0-9.]*' | head -1) + Pagefind $("$PAGEFIND" --version 2>/dev/null | awk '{ print $2 }')" "$TMP/hugo-pagefind"
row "mdBook $("$MDBOOK" --version | awk '{ print $2 }')" "$TMP/mdbook"
row "(Hugo's site alone, no search)" "$TMP/hugo"
echo
# kb BYTES: kilobytes with one decimal.
kb() { awk -v b="$1" 'BEGIN { printf "%.1f KB", b / 1000 }'; }
echo "| tool | bytes before the first results, gzip (raw) | time per search, median | under load on loopback (wrk, 32 connections) |"
echo "|---|---:|---:|---:|"
echo "| helpbook | $(kb "$HB_BYTES_GZ") ($(kb "$HB_BYTES")) | $HB_MS ms (server, one thread) | $HB_WRK |"
echo "| Pagefind | $(kb "$PF_BYTES_GZ") ($(kb "$PF_BYTES")) | $PF_MS ms (Node) | - |"
echo "| mdBook | $(kb "$MD_BYTES_GZ") ($(kb "$MD_BYTES")) | $MD_MS ms (Node) | - |"
echo
echo "| tool | queries | recall@1 | recall@5 | MRR@10 | recall@1: Arduino / billing (ru) / Spree |"
echo "|---|---:|---:|---:|---:|---:|"
for tool in helpbook pagefind mdbook; do
    python3 - "$tool" "$TMP/score-$tool" <<'PY'
import json, sys
sets = [json.loads(line) for line in open(sys.argv[2]) if line.strip()]
n = sum(s["queries"] for s in sets)
name = {"helpbook": "helpbook", "pagefind": "Pagefind", "mdbook": "mdBook"}[sys.argv[1]]
print("| %s | %d | %.2f | %.2f | %.3f | %s |" % (
    name, n, sum(s["at1"] for s in sets) / n, sum(s["at5"] for s in sets) / n,
    sum(s["reciprocal"] for s in sets) / n,
    " / ".join("%.2f" % (s["at1"] / s["queries"]) for s in sets)))
PY
done
echo
echo "Builds and search speed: $N generated articles. Quality: $(awk -F'"queries": ' '{ split($2, a, ","); n += a[1] } END { print n }' "$TMP/score-helpbook") judged queries on three real help centers (bench/relevance/)."
echo "$(nproc) CPUs; $(date -u '+%Y-%m-%d %H:%M UTC')"
