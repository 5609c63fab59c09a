#!/usr/bin/env python3
"""A long tail of distinct queries, so that no answer cache serves them: each of the
generator's queries (queries.{en,ru,et}.txt in QUERIES_DIR) with one more word of the help
center appended (two, once one-word tails run out), a different word each time, drawn (deterministically) from the index's own
lexicon (LEXICON: helpbook-lexicon.tsv, `word<TAB>documents`) among words of the query's
script found in at least three documents. Prints N lines `lang<TAB>query`, all distinct.

Usage: long_tail.py QUERIES_DIR LEXICON N
"""

import random
import sys


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: long_tail.py QUERIES_DIR LEXICON N")
    queries_dir, lexicon, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    queries = []
    for lang in ("en", "ru", "et"):
        try:
            with open("%s/queries.%s.txt" % (queries_dir, lang), encoding="utf-8") as f:
                queries += [(lang, q.strip()) for q in f if q.strip()]
        except FileNotFoundError:
            pass
    latin, cyrillic = [], []
    with open(lexicon, encoding="utf-8") as f:
        for line in f:
            word, _, count = line.rstrip("\n").partition("\t")
            if not word.isalpha() or int(count or 0) < 3:
                continue
            (cyrillic if any("\u0400" <= c <= "\u04ff" for c in word) else latin).append(word)
    queries = sorted(set(queries), key=queries.index)
    rng = random.Random(20261207)
    seen = set()
    out = []
    misses = 0
    while len(out) < n:
        lang, q = queries[len(out) % len(queries)]
        words = cyrillic if lang == "ru" else latin
        # One more word; two once one-word tails of this query run out.
        extra = " ".join(rng.choice(words) for _ in range(1 if misses < 20 else 2))
        line = "%s\t%s %s" % (lang, q, extra)
        if line in seen:
            misses += 1
            continue
        misses = 0
        seen.add(line)
        out.append(line)
    print("\n".join(out))


if __name__ == "__main__":
    main()
