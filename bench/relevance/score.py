#!/usr/bin/env python3
"""Scores one tool's answers to the judged queries of a help center: one scorer for every tool.

Usage: score.py SET.toml ANSWERS.jsonl [SITE]

ANSWERS has one JSON line per query, in the set's order: {"q": ..., "urls": [...]}, the
results as the tool's search returns them, best first. A result names its article either by
its source path (helpbook's `examples/answers.rs`), by an mdBook page (`a/b.html#heading`:
the source path with `.html` for `.md`) or by a URL of the Hugo site in SITE, whose page
carries `<meta name="source">` (`prepare.py`'s layout). Results are reduced to their
articles, keeping the first place of each (Pagefind and mdBook list one result per heading
or several per page; helpbook one per article), and paths are compared without their `.md`
/ `.mdx` extension.

Prints one JSON line: {"queries", "at1", "at5", "reciprocal", "notes"} (sums, so that several
sets can be added up; "notes" has the same sums per note) and lists on stderr each query whose best answer is not first.
"""

import html
import json
import os
import re
import sys
import tomllib
import urllib.parse

META_SOURCE = re.compile(r'<meta name="?source"? content="([^"]*)"')


def article(result, site):
    """The source path, without extension, of the article a result points to."""
    page = urllib.parse.unquote(result.split("#", 1)[0])
    if site and (page.startswith("/") or page.endswith("/")):
        with open(os.path.join(site, page.lstrip("/"), "index.html"), encoding="utf-8") as f:
            m = META_SOURCE.search(f.read())
        if not m:
            sys.exit("score.py: %s has no <meta name=\"source\">" % page)
        page = html.unescape(m.group(1))
    for ext in (".html", ".mdx", ".md"):
        if page.endswith(ext):
            return page[: -len(ext)]
    return page


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: score.py SET.toml ANSWERS.jsonl [SITE]")
    with open(sys.argv[1], "rb") as f:
        judged = tomllib.load(f)["query"]
    with open(sys.argv[2], encoding="utf-8") as f:
        answers = [json.loads(line) for line in f if line.strip()]
    site = sys.argv[3] if len(sys.argv) == 4 else None
    if [a["q"] for a in answers] != [j["q"] for j in judged]:
        sys.exit("score.py: %s does not answer the queries of %s in order" % tuple(sys.argv[1:3]))

    at1 = at5 = 0
    reciprocal = 0.0
    notes = {}
    for j, a in zip(judged, answers):
        expected = {article(path, None) for path in j["expect"]}
        ranked = []
        for url in a["urls"]:
            found = article(url, site)
            if found not in ranked:
                ranked.append(found)
        rank = next((i for i, path in enumerate(ranked[:10]) if path in expected), None)
        note = notes.setdefault(j["note"], {"queries": 0, "at1": 0, "at5": 0, "reciprocal": 0.0})
        note["queries"] += 1
        if rank is not None:
            at1 += rank == 0
            at5 += rank < 5
            reciprocal += 1 / (rank + 1)
            note["at1"] += rank == 0
            note["at5"] += rank < 5
            note["reciprocal"] += 1 / (rank + 1)
        if rank != 0:
            print("  %3s %-12s %s" % ("--" if rank is None else "#%d" % (rank + 1), j["note"], j["q"]),
                  file=sys.stderr)
    print(json.dumps({"queries": len(judged), "at1": at1, "at5": at5, "reciprocal": reciprocal,
                      "notes": notes}))


if __name__ == "__main__":
    main()
