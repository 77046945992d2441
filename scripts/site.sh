#!/usr/bin/env bash
# Builds the whole static site into site/ (gitignored): the book at its root
# and the browser demo in site/demo/, the layout the book's demo links
# (`demo/index.html#v1/...`, one `../` per directory level of a chapter)
# and the demo's links back to the book (`../introduction.html`,
# `../glossary.html`) are written for.
#
#   scripts/site.sh            build the demo (web/build.sh) and the book
#                              (mdbook build book), then assemble site/
#   scripts/site.sh --reuse    assemble from web/dist and book/book as they
#                              are (built by web/test.sh and book/test.sh);
#                              builds whichever is missing
#
# Serve it with any static server:
#   python3 -m http.server --directory site --bind 127.0.0.1 8000
# and open http://127.0.0.1:8000/ (the book) or .../demo/ (the demo).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
exec </dev/null
started=$SECONDS
reuse=0
[ "${1:-}" = "--reuse" ] && reuse=1

if [ "$reuse" -eq 0 ] || [ ! -f web/dist/index.html ]; then
    echo "==> site: demo (web/build.sh)"
    bash web/build.sh
fi
if [ "$reuse" -eq 0 ] || [ ! -f book/book/index.html ]; then
    echo "==> site: book (mdbook build book)"
    # shellcheck source=book/mdbook.sh
    . book/mdbook.sh
    ensure_mdbook
    rm -rf book/book
    mdbook build book
fi

echo "==> site: assemble site/"
rm -rf site
mkdir -p site/demo
cp -R book/book/. site/
cp -R web/dist/. site/demo/
pages=$(find site -name '*.html' | wc -l)
echo "site/ ready in $((SECONDS - started)) s: $pages HTML files; book at site/index.html, demo at site/demo/index.html"
