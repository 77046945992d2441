#!/usr/bin/env bash
# Checks the built site (scripts/site.sh): every internal link of every HTML
# file resolved to a file, #fragments of book pages to element ids, demo
# links' fragments to the v1 link format (book/linkcheck.py); then headless
# Chromium opens a sample of the book's demo links from their pages and
# checks that the demo shows the linked position with no console error,
# and that the demo's links back to the book open (web/e2e/site.mjs).
#
#   scripts/site-check.sh [SAMPLE]      default 10 links
#
# Needs site/ (scripts/site.sh), chromium and web/e2e/node_modules
# (web/test.sh installs both).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec </dev/null
started=$SECONDS
[ -f site/index.html ] && [ -f site/demo/index.html ] || { echo "site/ is not built: run scripts/site.sh" >&2; exit 1; }

python3 book/linkcheck.py site

if [ ! -d web/e2e/node_modules/playwright-core ]; then
    (cd web/e2e && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
fi
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
python3 -m http.server --bind 127.0.0.1 --directory site "$port" >/dev/null 2>&1 &
server=$!
# Keep the script's status (wait would return the server's 143).
trap 'rc=$?; kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true; exit $rc' EXIT
for _ in $(seq 1 100); do
    python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/index.html', timeout=1)" 2>/dev/null && break
    sleep 0.1
done
(cd web/e2e && SITE_DIR=../../site BASE_URL="http://127.0.0.1:$port/" SAMPLE="${1:-10}" \
    CHROMIUM="${CHROMIUM:-$(command -v chromium)}" timeout 300 node site.mjs)
echo "site check done in $((SECONDS - started)) s"
