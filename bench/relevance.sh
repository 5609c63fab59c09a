#!/usr/bin/env bash
# Search quality on every judged set of bench/relevance/ (the demo and the three real help
# centers), per set and per note (exact, misspelled, other-words, question, ...): recall@1,
# recall@5 and MRR@10, scored by bench/relevance/score.py.
#
#   bench/relevance.sh                 this checkout
#   bench/relevance.sh OTHER/release   this checkout beside another build (a `target/release`
#                                      folder holding `helpbook` and `examples/answers`, e.g.
#                                      of main in a worktree): before and after in one table
#
# Each build indexes its own copy of each help center, so the two may differ in index format.
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
REL="$REPO/bench/relevance"

build_helpbook --bin helpbook --example answers
BUILDS=("$REPO/target/release")
[[ $# -ge 1 ]] && BUILDS=("$(cd -- "$1" && pwd)" "${BUILDS[@]}")
for dir in "${BUILDS[@]}"; do
    [[ -x $dir/helpbook && -x $dir/examples/answers ]] ||
        die "$dir has no helpbook and examples/answers (cargo build --release --example answers)"
done

for set in demo arduino ms-alchemy-ru spree; do
    out="$TMP/$set"
    if [[ $set == demo ]]; then
        mkdir -p "$out/helpbook"
        cp -r "$REPO/book.toml" "$REPO/content" "$out/helpbook/"
        [[ -d $REPO/static ]] && cp -r "$REPO/static" "$out/helpbook/"
    else
        python3 "$REL/prepare.py" "$set" "$out" >/dev/null
    fi
    # One `lang<TAB>query` line per judged query, in the set's order.
    python3 - "$REL/$set.toml" >"$out/queries.tsv" <<'PY'
import sys, tomllib
for q in tomllib.load(open(sys.argv[1], "rb"))["query"]:
    print("%s\t%s" % (q["lang"], q["q"]))
PY
    for n in "${!BUILDS[@]}"; do
        dir=${BUILDS[$n]}
        root="$out/build-$n"
        rm -rf "$root" && cp -r "$out/helpbook" "$root"
        "$dir/helpbook" build --root "$root" --quiet >"$out/build-$n.log" 2>&1 ||
            { sed 's/^/!!! /' "$out/build-$n.log" >&2; die "$set: build with $dir failed"; }
        "$dir/examples/answers" "$root" - <"$out/queries.tsv" >"$out/answers-$n.jsonl"
        log "--- $set, ${dir}: queries whose best answer is not first"
        python3 "$REL/score.py" "$REL/$set.toml" "$out/answers-$n.jsonl" >"$out/score-$n.json" \
            2> >(sed 's/^/    /' >&2)
    done
done
sleep 0.2 # let the last listing reach stderr before the tables

python3 - "$TMP" "${#BUILDS[@]}" <<'PY'
import json, os, sys
tmp, builds = sys.argv[1], int(sys.argv[2])
sets = ["demo", "arduino", "ms-alchemy-ru", "spree"]
scores = {s: [json.load(open(os.path.join(tmp, s, "score-%d.json" % n))) for n in range(builds)]
          for s in sets}
label = ["before", "after"] if builds == 2 else ["now"]
def cells(sc):
    q = sc["queries"]
    return "%.2f | %.2f | %.3f" % (sc["at1"] / q, sc["at5"] / q, sc["reciprocal"] / q) if q else "- | - | -"
head = " | ".join("%s recall@1 | recall@5 | MRR@10" % l for l in label)
print("| set | note | queries | %s |" % head)
print("|---|---|---:|" + "---:|---:|---:|" * builds)
def add(into, sc):
    for k in ("queries", "at1", "at5", "reciprocal"):
        into[k] = into.get(k, 0) + sc[k]
total = [{} for _ in range(builds)]
by_note = [{} for _ in range(builds)]
for s in sets:
    runs = scores[s]
    print("| %s | all | %d | %s |" % (s, runs[0]["queries"], " | ".join(cells(r) for r in runs)))
    for note in sorted(runs[0]["notes"]):
        print("| | %s | %d | %s |" % (note, runs[0]["notes"][note]["queries"],
                                      " | ".join(cells(r["notes"][note]) for r in runs)))
    for n, r in enumerate(runs):
        add(total[n], r)
        for note, sc in r["notes"].items():
            add(by_note[n].setdefault(note, {}), sc)
print("| **all sets** | all | %d | %s |" % (total[0]["queries"], " | ".join(cells(t) for t in total)))
for note in sorted(by_note[0]):
    print("| | %s | %d | %s |" % (note, by_note[0][note]["queries"],
                                  " | ".join(cells(b[note]) for b in by_note)))
PY
