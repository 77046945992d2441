#!/usr/bin/env bash
# notifier-lab book: build it from the model, test it, check its links, and
# unit-test its preprocessor. Run from anywhere; works as root on a fresh
# Debian box with CI=true and no stdin. Installs mdbook 0.5.4 into a cache
# outside the clone (NOTIFIER_LAB_TOOLS, default ~/.cache/notifier-lab) and
# skips the install when that version is already there.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# shellcheck source=book/mdbook.sh
. book/mdbook.sh

step() { printf '\n--> book: %s\n' "$*"; }
started=$(date +%s)

step "mdbook $MDBOOK_VERSION"
ensure_mdbook
command -v python3 >/dev/null || { echo "python3 is needed for the link check" >&2; exit 1; }

step "preprocessor unit tests (cargo test -p mdbook-notifier-lab)"
cargo test --release -p mdbook-notifier-lab </dev/null 2>&1

step "build (mdbook build book): every figure and asserted number comes from the model"
build_start=$(date +%s)
rm -rf book/book
mdbook build book </dev/null 2>&1
echo "book built in $(( $(date +%s) - build_start )) s"

step "mdbook test book (code blocks)"
mdbook test book </dev/null 2>&1

step "link check (the demo is not here: its links are checked by shape; scripts/test.sh checks them in the site)"
python3 book/linkcheck.py --no-demo book/book

echo
echo "book: all checks passed in $(( $(date +%s) - started )) s"
