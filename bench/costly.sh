#!/usr/bin/env bash
# The most expensive queries one can craft, against an ordinary query's cost: N generated
# articles (default 10,000), built, then every query's median time in process, one thread.
# Crafted: repeated and distinct phrases of common words, many typos, long words, prefixes,
# exclusions, other-layout and transliterated text, all at the API's 256-character limit.
# Prints each crafted query's median beside the median of the generator's ordinary queries,
# and searches per second over a long tail of 20,000 distinct queries (each of the generator's
# with another word of the help center: no answer cache would serve them), one thread.
#
#   bench/costly.sh [N]                 this checkout
#   bench/costly.sh N OTHER/release     and another build (`helpbook` and
#                                       `examples/query_cost` in it), in the same run
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
N=${1:-10000}
ROUNDS=${ROUNDS:-7}
# The long tail's rounds, each build in turn: the machine's load changes over minutes.
TAIL_ROUNDS=${TAIL_ROUNDS:-5}

build_helpbook --bin helpbook --example query_cost
BUILDS=("$REPO/target/release")
[[ $# -ge 2 ]] && BUILDS=("$(cd -- "$2" && pwd)" "${BUILDS[@]}")
generate "$N"

# The generator's queries, each with its language, and the crafted ones.
for lang in en ru et; do
    sed "s/^/$lang\t/" "$TMP/corpus/queries.$lang.txt"
done >"$TMP/ordinary.tsv"
python3 "$REPO/bench/search/crafted.py" >"$TMP/crafted.tsv"

for n in "${!BUILDS[@]}"; do
    dir=${BUILDS[$n]}
    root="$TMP/build-$n"
    cp -r "$TMP/corpus/helpbook" "$root"
    log "--- building $N articles with $dir"
    "$dir/helpbook" build --root "$root" --quiet >&2
    "$dir/examples/query_cost" "$root/build/index" "$TMP/ordinary.tsv" "$ROUNDS" >"$TMP/ordinary-$n.txt"
    "$dir/examples/query_cost" "$root/build/index" "$TMP/crafted.tsv" "$ROUNDS" >"$TMP/crafted-$n.txt"
    [[ -f $TMP/tail.tsv ]] || python3 "$REPO/bench/search/long_tail.py" "$TMP/corpus" \
        "$root/build/index/helpbook-lexicon.tsv" 20000 >"$TMP/tail.tsv"
done
for round in $(seq "$TAIL_ROUNDS"); do
    for n in "${!BUILDS[@]}"; do
        "${BUILDS[$n]}/examples/query_cost" "$TMP/build-$n/build/index" "$TMP/tail.tsv" 1 \
            >"$TMP/tail-$n-$round.txt"
    done
done

python3 - "$TMP" "$TAIL_ROUNDS" "${BUILDS[@]}" <<'PY'
import statistics, sys
tmp, rounds, dirs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
def read(name):
    rows = [line.rstrip("\n").split("\t", 2) for line in open("%s/%s" % (tmp, name), encoding="utf-8")]
    return [(float(ms), partial, q) for ms, partial, q in rows]
for n, d in enumerate(dirs):
    ordinary = read("ordinary-%d.txt" % n)
    crafted = read("crafted-%d.txt" % n)
    median = statistics.median(ms for ms, _, _ in ordinary)
    worst = max(ms for ms, _, _ in crafted)
    print("\n%s: ordinary queries (%d): median %.3f ms, p90 %.3f ms; crafted (%d): worst %.3f ms = %.1fx the median"
          % (d, len(ordinary), median, sorted(ms for ms, _, _ in ordinary)[int(len(ordinary) * 0.9)],
             len(crafted), worst, worst / median))
    rates = []
    for r in range(1, rounds + 1):
        tail = [float(line.split("\t", 1)[0]) for line in open("%s/tail-%d-%d.txt" % (tmp, n, r))]
        rates.append((len(tail) / (sum(tail) / 1000), statistics.median(tail)))
    rate, tail_median = sorted(rates)[len(rates) // 2]
    print("long tail (%d distinct queries, one thread): %.0f searches/s, median %.3f ms (median of %d rounds: %s)"
          % (len(tail), rate, tail_median, rounds, ", ".join("%.0f" % r for r, _ in rates)))
    print("| ms | x median | partial | crafted query (start) |")
    print("|---:|---:|---|---|")
    for ms, partial, q in crafted:
        print("| %.3f | %.1f | %s | `%s` |" % (ms, ms / median, partial, q[:60].replace("|", "\\|")))
PY
