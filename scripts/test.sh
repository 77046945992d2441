#!/usr/bin/env bash
# notifier-lab: the whole test suite, from a fresh clone on a fresh machine.
# It installs what it needs (Debian packages, rustup target, pinned tools in a
# cache outside the clone) and skips whatever is already there at the right
# version. CI runs exactly this (see .ci/run).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() { printf '\n==> %s\n' "$*"; }

LOG_DIR="$(mktemp -d)"
trap 'rm -rf "$LOG_DIR"' EXIT
# Every runner's output is kept so the last line can add the counts up.
count() { tee -a "$LOG_DIR/all.log"; }

APT_UPDATED=0
apt_install() {
    local missing=()
    for p in "$@"; do
        dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    if [ "$APT_UPDATED" -eq 0 ]; then
        apt-get update -qq
        APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

step "prerequisites"
command -v tmux >/dev/null || apt_install tmux
rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
rustup component list --installed | grep -q '^clippy' || rustup component add clippy
rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt

step "format (cargo fmt --check)"
cargo fmt --all --check

step "lint (clippy -D warnings)"
cargo clippy --all-targets -- -D warnings

step "unit, golden, property, snapshot and end-to-end tests"
cargo test 2>&1 | count

step "scenario files: recheck every expected result"
cargo run -q -p notifier-lab-tui -- verify | count

step "explorer: every scenario x semantics, verdicts against the scenario files"
cargo run -q -p notifier-lab-tui -- check --all

step "explorer: the four-actor [[verdict]] tables (release build: minutes in debug, about a minute here)"
cargo test --release -p notifier-lab-core --test checker -- --ignored 2>&1 | count

step "core compiles for wasm32-unknown-unknown"
cargo build -q -p notifier-lab-core --target wasm32-unknown-unknown

step "lint the browser demo (native and wasm32) and the book preprocessor"
cargo clippy -q -p notifier-lab-web --all-targets -- -D warnings
cargo clippy -q -p notifier-lab-web --target wasm32-unknown-unknown -- -D warnings
cargo clippy -q -p mdbook-notifier-lab --all-targets -- -D warnings

if [ -f web/test.sh ]; then
    step "browser demo"
    bash web/test.sh 2>&1 | count
fi

if [ -f book/test.sh ]; then
    step "book"
    bash book/test.sh 2>&1 | count
fi

step "site: the book and the demo as one site (scripts/site.sh --reuse: web/dist and book/book from above)"
site_start=$SECONDS
bash scripts/site.sh --reuse
echo "site assembled in $((SECONDS - site_start)) s"

step "site: every link resolved, and a sample of book->demo links opened in Chromium"
bash scripts/site-check.sh 2>&1 | count

step "all tests passed"
# cargo's "test result: ok. N passed; M failed" and the plain "N passed, M failed" lines.
awk '
    /test result: /            { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
    /^([A-Za-z0-9_.\/-]+: )?[0-9]+ passed, [0-9]+ failed$/ { n = split($0, w, " "); p += w[n-3]; f += w[n-1] }
    END { printf "total: %d passed, %d failed\n", p, f }
' "$LOG_DIR/all.log"
