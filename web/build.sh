#!/usr/bin/env bash
# Builds the browser demo into web/dist/ (static files: index.html,
# style.css, notifier_lab_web.js, notifier_lab_web_bg.wasm).
#
#   web/build.sh            size-tuned build (profile wasm-release)
#   web/build.sh --dev      unoptimized build (faster to compile)
#
# Serve it with any static server, e.g.
#   python3 -m http.server --directory web/dist --bind 127.0.0.1 8000
#
# Tools (web/tools.sh): the wasm32 target (rustup) and wasm-bindgen-cli at
# exactly the version of the wasm-bindgen crate in Cargo.lock, installed
# with `cargo install --root` into $NOTIFIER_LAB_TOOLS (default
# ~/.cache/notifier-lab), outside the clone, and reused when the version
# matches. wasm-opt from npm's `binaryen` (same cache) shrinks the wasm
# when npm is available; it is optional (NOTIFIER_LAB_WASM_OPT=no skips it).
#
# A release build fails when the served files (wasm, js, css, html) total
# more than 300,000 bytes gzipped (gzip -9, each file): the size budget.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=web/tools.sh
. "$here/tools.sh"
root="$root_dir"
dist="$here/dist"
profile=wasm-release
[ "${1:-}" = "--dev" ] && profile=dev
target_dir="${CARGO_TARGET_DIR:-$root/target}"

# (a) the wasm32 target, (b) wasm-bindgen-cli at the Cargo.lock version
ensure_wasm_target
ensure_wasm_bindgen

# (c) build, bind, assemble
log "cargo build (profile $profile)"
(cd "$root" && cargo build -p notifier-lab-web --bin notifier-lab-web --target wasm32-unknown-unknown --profile "$profile")
out_profile="$profile"
[ "$profile" = dev ] && out_profile=debug
wasm="$target_dir/wasm32-unknown-unknown/$out_profile/notifier-lab-web.wasm"

rm -rf "$dist"
mkdir -p "$dist"
wasm-bindgen --target web --no-typescript --out-dir "$dist" --out-name notifier_lab_web "$wasm"
cp "$here/static/index.html" "$here/static/style.css" "$dist/"

# (d) optional wasm-opt (release builds only)
if [ "$profile" != dev ]; then
    wasm_opt="$(find_wasm_opt)"
    if [ -n "$wasm_opt" ] && "$wasm_opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
        --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
        "$dist/notifier_lab_web_bg.wasm" -o "$dist/opt.wasm"; then
        mv "$dist/opt.wasm" "$dist/notifier_lab_web_bg.wasm"
        log "wasm-opt -Oz applied ($wasm_opt)"
    else
        rm -f "$dist/opt.wasm"
        log "wasm-opt not applied (optional)"
    fi
fi

# Sizes
total_raw=0
total_gz=0
printf '%-28s %10s %10s\n' file bytes gzipped
for f in notifier_lab_web_bg.wasm notifier_lab_web.js style.css index.html; do
    raw=$(wc -c <"$dist/$f")
    gz=$(gzip -9 -c "$dist/$f" | wc -c)
    total_raw=$((total_raw + raw))
    total_gz=$((total_gz + gz))
    printf '%-28s %10d %10d\n' "$f" "$raw" "$gz"
done
printf '%-28s %10d %10d\n' total "$total_raw" "$total_gz"

# (e) the size budget (issue 12: the bundle stays under 300 KB gzipped),
# checked on what is served: every file above, each gzip -9, summed. Dev
# builds are unoptimized and not checked.
max_gz=300000
if [ "$profile" != dev ]; then
    if [ "$total_gz" -gt "$max_gz" ]; then
        log "FAIL: the site is $total_gz bytes gzipped, over the budget of $max_gz"
        exit 1
    fi
    log "size: $total_gz of $max_gz bytes gzipped ($((max_gz - total_gz)) to spare)"
fi
log "built $dist ($profile); serve: python3 -m http.server --directory web/dist --bind 127.0.0.1 8000"
