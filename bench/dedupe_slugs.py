#!/usr/bin/env python3
"""Make article slugs unique per locale in a kbgen content tree written by gen_corpus.py.

Why this exists: the shared benchmark generator (shared/bench/gen_corpus.py) makes an article's
slug unique only within its category, but kbgen publishes every article at /kb/<slug>/ (and
/en/kb/<slug>/), so about 8 % of the generated slugs collide and kbgen rightly refuses to build
("the slug `…` is already used by …"). The shared generator is read-only for us, so the benchmark
fixes the generated kbgen/ tree after the fact with this script.

What it does, deterministically (Python standard library only):
- walks content/ in sorted order (the order kbgen's loader uses) and groups the article files
  <category path>/<key>.<lang>.md by translation key (the path without the language);
- the first article that uses a slug in a locale keeps it; a later article whose slug is already
  taken in one of its locales gets `-<category leaf>` appended (the name of its category folder),
  or `-<category leaf>-2`, `-3`, … if that is taken too;
- the new slug is written into the `slug:` line of every language file of that article, so the
  translations still share a key and get the same URL in both languages; file names (the
  translation keys) never change.

Body links that pointed at an ambiguous old slug keep pointing at the first article, which is
fine for a benchmark. Running it again changes nothing.

Usage: python3 bench/dedupe_slugs.py <kbgen site root or its content/ folder>
"""

import os
import re
import sys

SLUG_LINE = re.compile(r'^slug:[ \t]*(["\']?)([^"\'\n]*)\1[ \t]*$', re.M)


def front_matter_span(text):
    """(start, end) of the front matter between the first two `---` lines, or None."""
    if not text.startswith("---\n"):
        return None
    end = text.find("\n---", 3)
    return (4, end) if end >= 0 else None


def read_slug(text):
    span = front_matter_span(text)
    if span is None:
        return None
    m = SLUG_LINE.search(text, span[0], span[1])
    return m.group(2).strip() if m else None


def write_slug(path, new):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    span = front_matter_span(text)
    m = SLUG_LINE.search(text, span[0], span[1])
    text = text[: m.start()] + "slug: " + new + text[m.end():]
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def articles(content):
    """Translation key (tuple of path parts) → {lang: file path}, in kbgen's walk order."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(content):
        dirnames.sort()
        rel = os.path.relpath(dirpath, content)
        parts = () if rel == "." else tuple(rel.split(os.sep))
        for name in sorted(filenames):
            m = re.fullmatch(r"(.+)\.([a-z]{2,3})\.md", name)
            if not m:
                continue
            found.setdefault(parts + (m.group(1),), {})[m.group(2)] = os.path.join(dirpath, name)
    return [(k, found[k]) for k in sorted(found)]


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__.strip().splitlines()[-1])
    content = argv[1]
    if os.path.isdir(os.path.join(content, "content")):
        content = os.path.join(content, "content")
    taken = {}  # lang → set of slugs
    renamed = skipped = 0
    for key, files in articles(content):
        slugs = {}
        for lang, path in files.items():
            with open(path, encoding="utf-8") as f:
                slugs[lang] = read_slug(f.read())
        if any(s is None for s in slugs.values()):
            # kbgen derives the slug from the title; this corpus always writes one.
            skipped += 1
            print("no slug: line, left alone: %s" % "/".join(key), file=sys.stderr)
            continue
        clash = any(s in taken.setdefault(l, set()) for l, s in slugs.items())
        if clash:
            base = next(iter(sorted(slugs.items())))[1]
            leaf = key[-2] if len(key) > 1 else "article"
            new, n = "%s-%s" % (base, leaf), 1
            while any(new in taken[l] for l in slugs):
                n += 1
                new = "%s-%s-%d" % (base, leaf, n)
            for lang in sorted(files):
                write_slug(files[lang], new)
            slugs = {l: new for l in slugs}
            renamed += 1
        for l, s in slugs.items():
            taken[l].add(s)
    print("dedupe_slugs: %d articles renamed, %d without a slug line, in %s"
          % (renamed, skipped, content))


if __name__ == "__main__":
    main(sys.argv)
