#!/usr/bin/env bash
# helpbook, Hugo + Pagefind and mdBook side by side on the same generated help center.
#
#   bench/compare.sh            # N = 1000
#   bench/compare.sh 10000      # mdBook builds once at this size (each takes ~10 minutes)
#   RUNS=3 bench/compare.sh     # builds per tool (default 5; mdBook 3, or 1 from N = 5000)
#
# Installs what it needs: Debian's hugo (as root), Pagefind from npm and mdBook with
# `cargo install --locked`, both into ${HELPBOOK_BENCH_TOOLS:-~/.cache/helpbook-bench} (mdBook
# compiles for about 7 minutes the first time). Generates N articles with
# ../shared/bench/gen_corpus.py, then builds them with each tool in turn, round after round so
# that all share the machine's noise, each build into a folder that never existed (see
# build.sh for why). Every tool runs with its documented defaults.
#
# Measured per tool: build wall time (median, fastest, slowest) and peak memory (GNU time);
# helpbook counts its whole build (site + search index), Hugo + Pagefind both steps (wall
# times added, peak the higher of the two), mdBook its build (which writes its search index);
# the output's size and its search index's size. A last row gives Hugo's step alone.
# Progress goes to stderr, the Markdown table to stdout.
set -euo pipefail

N=${1:-1000}
RUNS=${RUNS:-5}
[[ $N =~ ^[1-9][0-9]*$ ]] || { echo "usage: bench/compare.sh [N]" >&2; exit 2; }
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "RUNS must be a positive integer" >&2; exit 2; }
MDBOOK_RUNS=$((RUNS < 3 ? RUNS : 3))
((N >= 5000)) && MDBOOK_RUNS=1
REPO="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
GEN="$REPO/../shared/bench/gen_corpus.py"
TOOLS=${HELPBOOK_BENCH_TOOLS:-$HOME/.cache/helpbook-bench}
GNU_TIME=/usr/bin/time
log() { printf '%s\n' "$*" >&2; }
die() { printf 'bench/compare.sh: %s\n' "$*" >&2; exit 1; }
[[ -f $GEN ]] || die "$GEN not found (the shared/ folder must sit beside the repository)"

# --- tools -------------------------------------------------------------------------------------
missing=()
command -v hugo >/dev/null || missing+=(hugo)
[[ -x $GNU_TIME ]] || missing+=(time)
command -v npm >/dev/null || missing+=(npm)
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
log "==> cargo build --release"
(cd "$REPO" && cargo build --release --locked --quiet) >&2
HELPBOOK="$REPO/target/release/helpbook"

# --- corpus and scratch ------------------------------------------------------------------------
TMP=$(mktemp -d "${TMPDIR:-/tmp}/helpbook-compare.XXXXXX")
trap 'rm -rf -- "$TMP"' EXIT
log "==> generating $N articles"
python3 "$GEN" "$N" "$TMP/corpus" >/dev/null
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
echo "($N generated articles; $(nproc) CPUs; $(date -u '+%Y-%m-%d %H:%M UTC'))"
