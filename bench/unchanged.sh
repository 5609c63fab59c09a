#!/usr/bin/env bash
# Whether a change left everything a user sees as it was: two helpbook binaries build the same
# help centers and answer the same queries, and every byte is compared.
#
#   bench/unchanged.sh OLD/helpbook NEW/helpbook
#
# For a refactoring, OLD is a build of the commit before it:
#   git worktree add /tmp/before main && cargo build --manifest-path /tmp/before/Cargo.toml
#   bench/unchanged.sh /tmp/before/target/debug/helpbook target/debug/helpbook
# (any profile: the output does not depend on it; debug builds compile in a minute or two).
#
# Help centers: the bundled demo, N generated articles (default 1000; ../shared/bench/
# gen_corpus.py, English, Russian and Estonian) and the three real ones of ../shared/corpus
# laid out by bench/relevance/prepare.py. For each, both binaries build into folders of their
# own, and
# - build/site/ must be byte-for-byte the same, file for file (the index's files carry
#   Tantivy's random segment names, so the index is compared through its answers);
# - `helpbook search --json` must print the same answers to every query: the generator's 200
#   shopper queries and the real corpora's judged ones (bench/relevance/*.toml), each also cut
#   to its first 4 and 7 characters (what a shopper typing sees), in the query's language.
# Prints one line per help center and the total of pages and queries compared; the first
# differences go to stderr. Exit status 1 if anything differs. Python 3.11 and ../shared.
set -euo pipefail

HERE="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd -- "$HERE/.." && pwd)"
SHARED="$REPO/../shared"
N=${N:-1000}

[[ $# == 2 && -x $1 && -x $2 ]] || { sed -n '2,10p' "$0" >&2; exit 2; }
OLD=$(realpath "$1")
NEW=$(realpath "$2")
[[ -d $SHARED/corpus ]] || { echo "unchanged.sh: $SHARED/corpus is missing" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/helpbook-unchanged.XXXXXX")
trap 'rm -rf -- "$WORK"' EXIT

# Sources, each as WORK/src/NAME/ (book.toml + content/) with WORK/src/NAME.queries
# (`lang<TAB>query` lines).
mkdir -p "$WORK/src"
mkdir "$WORK/src/demo"
cp -R "$REPO/book.toml" "$REPO/content" "$REPO/static" "$WORK/src/demo/"
python3 - "$REPO/bench/relevance/demo.toml" >"$WORK/src/demo.queries" <<'PY'
import sys, tomllib
judged = tomllib.load(open(sys.argv[1], "rb"))
for query in judged.get("query", []):
    print(f"{query.get('lang', 'en')}\t{query['q']}")
PY
python3 "$SHARED/bench/gen_corpus.py" "$N" "$WORK/gen" >/dev/null
mv "$WORK/gen/helpbook" "$WORK/src/generated"
for lang in en ru et; do
  sed "s/^/$lang\t/" "$WORK/gen/queries.$lang.txt"
done >"$WORK/src/generated.queries"
for corpus in arduino ms-alchemy-ru spree; do
  python3 "$REPO/bench/relevance/prepare.py" "$corpus" "$WORK/real-$corpus" >/dev/null
  mv "$WORK/real-$corpus/helpbook" "$WORK/src/$corpus"
  lang=$(cat "$WORK/real-$corpus/lang")
  sed "s/^/$lang\t/" "$WORK/real-$corpus/queries.txt" >"$WORK/src/$corpus.queries"
done

# Each query as typed in full, and its first 4 and 7 characters.
python3 - "$WORK"/src/*.queries <<'PY'
import sys
for path in sys.argv[1:]:
    lines = []
    for line in open(path, encoding="utf-8"):
        lang, _, q = line.rstrip("\n").partition("\t")
        if q.strip():
            lines += [f"{lang}\t{q}", f"{lang}\t{q[:4]}", f"{lang}\t{q[:7]}"]
    open(path, "w", encoding="utf-8").write("\n".join(lines) + "\n")
PY

# answers BINARY ROOT QUERIES OUT: one `helpbook search --json` per query, all into OUT.
answers() {
  local binary=$1 root=$2 queries=$3 out=$4 lang q
  : >"$out"
  while IFS=$'\t' read -r lang q; do
    printf '%s\t%s\n' "$lang" "$q" >>"$out"
    "$binary" search --root "$root" --lang "$lang" --json -- "$q" >>"$out" 2>&1 </dev/null ||
      echo "exit status $?" >>"$out"
  done <"$queries"
}

different=0
pages=0
queries=0
for source in "$WORK"/src/*/; do
  name=$(basename "$source")
  for which in old new; do
    binary=$OLD
    [[ $which == new ]] && binary=$NEW
    cp -R "$source" "$WORK/$name-$which"
    "$binary" build --root "$WORK/$name-$which" --quiet </dev/null
    answers "$binary" "$WORK/$name-$which" "$WORK/src/$name.queries" "$WORK/$name-$which.answers"
  done
  count=$(find "$WORK/$name-old/build/site" -type f | wc -l)
  asked=$(wc -l <"$WORK/src/$name.queries")
  pages=$((pages + count))
  queries=$((queries + asked))
  site=same
  if ! diff -r -q "$WORK/$name-old/build/site" "$WORK/$name-new/build/site" >"$WORK/diff" 2>&1; then
    site="DIFFERENT ($(wc -l <"$WORK/diff") files)"
    head -5 "$WORK/diff" >&2
    different=1
  fi
  answered=same
  if ! cmp -s "$WORK/$name-old.answers" "$WORK/$name-new.answers"; then
    answered=DIFFERENT
    diff "$WORK/$name-old.answers" "$WORK/$name-new.answers" | head -10 >&2 || true
    different=1
  fi
  echo "$name: $count files $site, $asked answers $answered"
done
echo "compared $pages files and $queries answers"
exit "$different"
