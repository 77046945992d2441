#!/usr/bin/env python3
"""Link check of the built notifier-lab site or book (python3 standard library only).

Usage: linkcheck.py [--no-demo] ROOT

ROOT is the site (scripts/site.sh: the book at its root, the demo in
demo/) or, with --no-demo, the book alone (book/book, as book/test.sh
builds it).

* Every HTML file under ROOT is read, and every internal link in it (a and
  link href, img/script/iframe src, and the module specifiers of inline
  scripts: `import("./x.js")`, `from "./x.js"`) is resolved to a file, as a
  browser would: relative to the page, or to its <base href>, or to ROOT for
  `/...`. A link that does not resolve to a file under ROOT is broken.
* A #fragment of a link to a book page must be the id (or name) of an
  element of the target page.
* A link to the demo (demo/index.html) resolves to its file like any other;
  its fragment is not an element id but a view: it must be a well-formed v1
  deep link (core/src/link.rs) naming a known scenario, semantics,
  notifiers and actors, with a schedule of base-36 thread indices if it has
  one. With --no-demo the demo is not there: those links are checked by
  their fragment only.
* External links must be https and one of: elixir.bootlin.com/linux/v<tag>/source/...
  (v3.x, v4.x, v6.x: the tags the listings cite),
  a lore.kernel.org message link, or a git.kernel.org commit with a full id.
Exit status 1 and one line per broken link when anything fails.
"""
import os
import re
import sys
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

def known_names():
    """The ids the model knows, from `notifier-lab list` (one source of
    truth: a new semantics, notifier or actor needs no edit here)."""
    import subprocess
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    out = subprocess.run(
        ["cargo", "run", "-q", "-p", "notifier-lab-tui", "--", "list"],
        cwd=root, capture_output=True, text=True, check=True,
    ).stdout
    names, section = {}, None
    for line in out.splitlines():
        if not line.startswith(" "):
            section = line.split(" ")[0].rstrip(":")
            names[section] = set()
        elif line.startswith("  ") and not line.startswith("   "):
            names[section].add(line.split()[0])
    return names["scenarios"], names["semantics"], names["notifiers"], names["actors"]


SCENARIOS, SEMANTICS, NOTIFIERS, ACTORS = known_names()
EXTERNAL = [
    re.compile(r"^https://elixir\.bootlin\.com/linux/v[346]\.\d+(\.\d+)?/source/[\w./-]+\.[chS](#L\d+)?$"),
    re.compile(r"^https://lore\.kernel\.org/(r|all|[\w-]+)/[^/\s]+@[^/\s]+/?$"),
    re.compile(r"^https://git\.kernel\.org/pub/scm/linux/kernel/git/torvalds/linux\.git/commit/\?id=[0-9a-f]{40}$"),
]
DEMO = re.compile(
    r"^v1/(?P<sc>[^/]+)/(?P<l>[^/]+)/(?P<r>[^/]+)/(?P<n>[^/]+)/step=(?P<s>\d+)(,\d+)?"
    r"(&actors=(?P<a>[a-z_]+(,[a-z_]+)*))?(&schedule=[0-9a-z]+)?$"
)
DEMO_PAGE = os.path.join("demo", "index.html")
IMPORT = re.compile(r"""(?:\bimport\s*\(\s*|\bfrom\s+|^\s*import\s+)["']([^"']+)["']""", re.M)


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []
        self.ids = set()
        self.base = None
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for k in ("id", "name"):
            if a.get(k):
                self.ids.add(a[k])
        if tag == "base" and a.get("href") is not None:
            self.base = a["href"]
        if tag in ("a", "link") and a.get("href") is not None:
            self.links.append(a["href"])
        if tag in ("img", "script", "iframe") and a.get("src"):
            self.links.append(a["src"])
        self.in_script = tag == "script" and not a.get("src")

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False

    def handle_data(self, data):
        if self.in_script:
            self.links += [m for m in IMPORT.findall(data) if m.startswith((".", "/"))]


def parse(path, cache={}):
    if path not in cache:
        p = Page()
        with open(path, encoding="utf-8") as f:
            p.feed(f.read())
        cache[path] = p
    return cache[path]


def check_demo(frag):
    m = DEMO.match(unquote(frag))
    if not m:
        return "demo link fragment is not #v1/<scenario>/<left>/<right>/<notifiers>/step=N[&actors=..][&schedule=..]"
    if m["sc"] not in SCENARIOS:
        return f"demo link: unknown scenario {m['sc']}"
    if m["l"] not in SEMANTICS or m["r"] not in SEMANTICS:
        return "demo link: unknown semantics"
    ns = m["n"].split(",")
    if m["n"] != "none" and not all(n in NOTIFIERS for n in ns):
        return f"demo link: unknown notifiers {m['n']}"
    if m["a"] and not all(a in ACTORS for a in m["a"].split(",")):
        return f"demo link: unknown actors {m['a']}"
    return None


def resolve(root, page, base, path):
    """The file a link's path names, as a browser resolves it: against the
    page's <base href> if it has one, else the page's directory; `/...`
    against ROOT (the site is served at the server's root)."""
    start = os.path.dirname(page)
    if base:
        b = os.path.join(root, base.lstrip("/")) if base.startswith("/") else os.path.join(start, base)
        start = os.path.normpath(b if base.endswith("/") else os.path.dirname(b))
    if path.startswith("/"):
        return os.path.normpath(os.path.join(root, path.lstrip("/")))
    return os.path.normpath(os.path.join(start, path))


def main(argv):
    no_demo = "--no-demo" in argv
    args = [a for a in argv if not a.startswith("--")]
    root = os.path.abspath(args[0] if args else "site")
    errors = []
    counts = {"relative": 0, "anchor": 0, "demo": 0, "external": 0}
    pages = []
    for d, _, files in os.walk(root):
        pages += [os.path.join(d, f) for f in files if f.endswith(".html")]
    for page in sorted(pages):
        rel = os.path.relpath(page, root)
        p = parse(page)
        for href in p.links:
            if href.startswith(("javascript:", "mailto:", "data:")):
                continue
            u = urlsplit(href)
            if u.scheme or href.startswith("//"):
                counts["external"] += 1
                if not any(x.match(href) for x in EXTERNAL):
                    errors.append(f"{rel}: external link not allowed or malformed: {href}")
                continue
            target = resolve(root, page, p.base, unquote(u.path)) if u.path else page
            if os.path.isdir(target):
                target = os.path.join(target, "index.html")
            inside = target == root or target.startswith(root + os.sep)
            is_demo = inside and os.path.relpath(target, root) == DEMO_PAGE
            if is_demo or (no_demo and inside and os.path.relpath(target, root).startswith("demo" + os.sep)):
                counts["demo"] += 1
                if not is_demo:
                    errors.append(f"{rel}: a demo link must go to the demo's index.html: {href}")
                    continue
                if not no_demo and not os.path.isfile(target):
                    errors.append(f"{rel}: broken link (no demo at {DEMO_PAGE}): {href}")
                    continue
                why = check_demo(u.fragment) if u.fragment else None
                if why:
                    errors.append(f"{rel}: {why}: {href}")
                continue
            counts["relative"] += 1
            if not inside or not os.path.isfile(target):
                errors.append(f"{rel}: broken link: {href}")
                continue
            if u.fragment and target.endswith(".html"):
                counts["anchor"] += 1
                if unquote(u.fragment) not in parse(target).ids:
                    errors.append(f"{rel}: missing anchor #{u.fragment} in {os.path.relpath(target, root)}")
    if not pages:
        errors.append(f"no HTML pages under {root}: build it first")
    if not no_demo and not os.path.isfile(os.path.join(root, DEMO_PAGE)):
        errors.append(f"no demo at {os.path.join(root, DEMO_PAGE)} (build the site with scripts/site.sh)")
    print(
        f"link check of {root}: {len(pages)} HTML files, {counts['relative']} internal links "
        f"({counts['anchor']} with anchors), {counts['demo']} demo links "
        f"({'checked by fragment only' if no_demo else 'resolved to the demo, fragments checked'}), "
        f"{counts['external']} external links, {len(errors)} broken"
    )
    for e in errors[:200]:
        print("  " + e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
