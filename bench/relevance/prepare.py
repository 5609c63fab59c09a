#!/usr/bin/env python3
"""Lays out one real help center of ../shared/corpus for helpbook, Hugo and mdBook.

Usage: prepare.py CORPUS OUT    (CORPUS: arduino | ms-alchemy-ru | spree)

Writes, from the same articles:

  OUT/helpbook/  book.toml + content/ (the corpus as it is)
  OUT/hugo/      hugo.toml + content/ + minimal layouts/ (the ones gen_corpus.py writes for
                 Hugo, with data-pagefind-body around the article, plus a <meta name="source">
                 naming each page's source file so that answers can be scored); `.mdx` files
                 become `.md`, which Hugo reads (it skips `.mdx`). Hugo is told to render the
                 articles' own HTML (goldmark's `unsafe`, off by default), as helpbook and
                 mdBook do: the Arduino articles keep much of their text in HTML tables and
                 lists, which Hugo would otherwise replace with a comment, so Pagefind would
                 index less text than the others
  OUT/mdbook/    book.toml + src/SUMMARY.md (every article, in path order) + src/; mdBook
                 reads no front matter, so it is removed and its title becomes the page's
                 `# heading`, as anyone moving these articles to mdBook would do
  OUT/queries.txt  the judged queries of bench/relevance/<CORPUS>.toml, one per line
  OUT/lang       the help center's language

The few links in the sources that lead outside the corpus or to anchors that do not exist
are fixed the same way for every tool (helpbook refuses to build with broken links).
Python 3.11 standard library only.
"""

import os
import re
import sys
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
CORPORA = os.path.join(HERE, "..", "..", "..", "shared", "corpus")

# name: (folder under corpus/, language, title, text fixes)
HELP_CENTERS = {
    "arduino": ("arduino-help-center/content", "en", "Arduino Help Center", [
        ("#use-the-partition-scheme-for-arduino-plc-ide-(legacy)", ""),
        ("#if-the-on-line--set-up-communications-and-on-line--connect-options-are-disabled", ""),
    ]),
    "ms-alchemy-ru": ("ms-alchemy-insights-ru/AlchemyInsights", "ru", "Справка", []),
    "spree": ("spree-user-docs/docs/user", "en", "Spree Commerce user guide", [
        ("](/", "](https://spreecommerce.org/"),
        ("#2-create-a-wholesale-price-list", ""),
    ]),
}

# mdBook 0.5.4 panics ("pop too far") on this stray end tag in a link's text, so mdBook's copy
# goes without it.
MDBOOK_FIXES = [("for your Microsoft account </a> to manage", "for your Microsoft account to manage")]

HUGO_BASEOF = """<!DOCTYPE html>
<html lang="{{ .Site.Language.Lang }}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} · {{ end }}{{ .Site.Title }}</title>
<meta name="description" content="{{ .Description }}">
{{ with .File }}<meta name="source" content="{{ .Path }}">{{ end }}</head>
<body>
<header><a href="{{ .Site.Home.RelPermalink }}">{{ .Site.Title }}</a>
<nav>{{ range .Site.Home.Sections }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}</nav></header>
<main>{{ block "main" . }}{{ end }}</main>
</body></html>
"""
HUGO_SINGLE = """{{ define "main" }}<p><a href="{{ .Parent.RelPermalink }}">{{ .Parent.Title }}</a></p>
<article data-pagefind-body><h1>{{ .Title }}</h1>{{ .Content }}</article>{{ end }}
"""
HUGO_LIST = """{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Description }}</li>{{ end }}</ul>{{ end }}
"""

FRONT_MATTER = re.compile(r"\A---\r?\n(.*?)\r?\n---\r?\n", re.S)
TITLE = re.compile(r"^title:\s*(.+?)\s*$", re.M)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def articles(src):
    """(path relative to src, text) of every .md / .mdx file, in path order."""
    found = []
    for folder, _, files in os.walk(src):
        for name in files:
            if name.endswith((".md", ".mdx")):
                path = os.path.join(folder, name)
                found.append((os.path.relpath(path, src), path))
    for rel, path in sorted(found):
        with open(path, encoding="utf-8") as f:
            yield rel, f.read()


def title_of(front_matter, rel):
    m = TITLE.search(front_matter)
    if not m:
        return os.path.splitext(os.path.basename(rel))[0]
    value = m.group(1)
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    return value


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in HELP_CENTERS:
        sys.exit("usage: prepare.py {%s} OUT" % "|".join(HELP_CENTERS))
    name, out = sys.argv[1], sys.argv[2]
    folder, lang, title, fixes = HELP_CENTERS[name]
    src = os.path.normpath(os.path.join(CORPORA, folder))
    if not os.path.isdir(src):
        sys.exit("prepare.py: %s not found (the shared/ folder must sit beside the repository)" % src)

    write(os.path.join(out, "helpbook", "book.toml"),
          '[book]\ntitle = "%s"\nlanguage = "%s"\n' % (title, lang))
    write(os.path.join(out, "hugo", "hugo.toml"),
          'baseURL = "https://help.example.com/"\ntitle = "%s"\nlanguageCode = "%s"\n'
          'defaultContentLanguage = "%s"\n\n[markup.goldmark.renderer]\nunsafe = true\n'
          % (title, lang, lang))
    layouts = os.path.join(out, "hugo", "layouts")
    write(os.path.join(layouts, "_default", "baseof.html"), HUGO_BASEOF)
    write(os.path.join(layouts, "_default", "single.html"), HUGO_SINGLE)
    write(os.path.join(layouts, "_default", "list.html"), HUGO_LIST)
    write(os.path.join(layouts, "index.html"), HUGO_LIST)
    write(os.path.join(out, "mdbook", "book.toml"),
          '[book]\ntitle = "%s"\nlanguage = "%s"\nsrc = "src"\n\n[output.html.search]\nenable = true\n'
          % (title, lang))

    summary = ["# Summary", ""]
    for rel, text in articles(src):
        for old, new in fixes:
            text = text.replace(old, new)
        write(os.path.join(out, "helpbook", "content", rel), text)
        as_md = os.path.splitext(rel)[0] + ".md"
        write(os.path.join(out, "hugo", "content", as_md), text)
        for old, new in MDBOOK_FIXES:
            text = text.replace(old, new)
        m = FRONT_MATTER.match(text)
        body = text[m.end():] if m else text
        heading = title_of(m.group(1) if m else "", rel)
        if not body.lstrip().startswith("# "):
            body = "# %s\n\n%s" % (heading, body.lstrip())
        write(os.path.join(out, "mdbook", "src", as_md), body)
        summary.append("- [%s](<%s>)" % (heading.replace("[", "(").replace("]", ")"), as_md))
    write(os.path.join(out, "mdbook", "src", "SUMMARY.md"), "\n".join(summary) + "\n")

    with open(os.path.join(HERE, name + ".toml"), "rb") as f:
        judged = tomllib.load(f)["query"]
    write(os.path.join(out, "queries.txt"), "".join(q["q"] + "\n" for q in judged))
    write(os.path.join(out, "lang"), lang + "\n")


if __name__ == "__main__":
    main()
