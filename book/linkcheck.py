#!/usr/bin/env python3
"""Link check of the built notifier-lab book (python3 standard library only).

Usage: linkcheck.py BUILD_DIR

* Every relative link (a href, link href, img/script src) must resolve to a
  file in BUILD_DIR, and its #anchor to an id (or name) in that file.
* Links into ../demo/ (the browser demo, deployed next to the book) cannot be
  resolved here; their fragment must be a well-formed v1 deep link
  (core/src/link.rs) naming a known scenario, semantics, notifiers and
  actors, with a schedule of base-36 thread indices if it has one.
* External links must be https and one of: elixir.bootlin.com/linux/v3.*/source/...,
  a lore.kernel.org message link, or a git.kernel.org commit with a full id.
Exit status 1 and one line per broken link when anything fails.
"""
import os
import re
import sys
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

SCENARIOS = {"ksm", "cow", "uprobe"}
SEMANTICS = {"original", "wrapped", "patched"}
NOTIFIERS = {"kvm", "gru", "amd_iommu_v2", "xen_gntdev", "sleepable"}
ACTORS = {"host_write", "vcpu_read", "vcpu_write", "gru_read", "gru_write"}
EXTERNAL = [
    re.compile(r"^https://elixir\.bootlin\.com/linux/v3\.\d+(\.\d+)?/source/[\w./-]+\.[chS](#L\d+)?$"),
    re.compile(r"^https://lore\.kernel\.org/(r|all|[\w-]+)/[^/\s]+@[^/\s]+/?$"),
    re.compile(r"^https://git\.kernel\.org/pub/scm/linux/kernel/git/torvalds/linux\.git/commit/\?id=[0-9a-f]{40}$"),
]
DEMO = re.compile(
    r"^v1/(?P<sc>[^/]+)/(?P<l>[^/]+)/(?P<r>[^/]+)/(?P<n>[^/]+)/step=(?P<s>\d+)(,\d+)?"
    r"(&actors=(?P<a>[a-z_]+(,[a-z_]+)*))?(&schedule=[0-9a-z]+)?$"
)
SKIP_FILES = {"404.html", "toc.html"}


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for k in ("id", "name"):
            if a.get(k):
                self.ids.add(a[k])
        if tag in ("a", "link") and a.get("href") is not None:
            self.links.append(a["href"])
        if tag in ("img", "script") and a.get("src"):
            self.links.append(a["src"])


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


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "book/book")
    errors, counts = [], {"relative": 0, "anchor": 0, "demo": 0, "external": 0}
    pages = []
    for d, _, files in os.walk(root):
        pages += [os.path.join(d, f) for f in files if f.endswith(".html") and f not in SKIP_FILES]
    for page in sorted(pages):
        rel = os.path.relpath(page, root)
        for href in parse(page).links:
            if href.startswith(("javascript:", "mailto:", "data:")):
                continue
            u = urlsplit(href)
            if u.scheme or href.startswith("//"):
                counts["external"] += 1
                if not any(p.match(href) for p in EXTERNAL):
                    errors.append(f"{rel}: external link not allowed or malformed: {href}")
                continue
            target = os.path.normpath(os.path.join(os.path.dirname(page), unquote(u.path))) if u.path else page
            if os.path.relpath(target, os.path.dirname(root)).startswith("demo" + os.sep):
                counts["demo"] += 1
                why = check_demo(u.fragment) if os.path.basename(target) == "index.html" else "demo link must go to ../demo/index.html"
                if why:
                    errors.append(f"{rel}: {why}: {href}")
                continue
            counts["relative"] += 1
            if os.path.isdir(target):
                target = os.path.join(target, "index.html")
            if not target.startswith(root) or not os.path.exists(target):
                errors.append(f"{rel}: broken link: {href}")
                continue
            if u.fragment and target.endswith(".html"):
                counts["anchor"] += 1
                if unquote(u.fragment) not in parse(target).ids:
                    errors.append(f"{rel}: missing anchor #{u.fragment} in {os.path.relpath(target, root)}")
    if not pages:
        errors.append(f"no HTML pages under {root}: build the book first")
    print(
        f"link check: {len(pages)} pages, {counts['relative']} relative links ({counts['anchor']} with anchors), "
        f"{counts['demo']} demo links, {counts['external']} external links, {len(errors)} broken"
    )
    for e in errors[:200]:
        print("  " + e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
