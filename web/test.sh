#!/usr/bin/env bash
# Tests of the browser demo, in order:
#   1. native unit tests of the state logic  (cargo test -p notifier-lab-web)
#   2. wasm-bindgen-test tests in headless Chromium (web/tests/browser.rs)
#   3. the static site build (web/build.sh) and an end-to-end test with
#      playwright-core against it served by python3 -m http.server on
#      127.0.0.1; it saves docs/web-screenshot.png and prints the time to
#      first render.
# Every stage runs; the script prints a summary and exits non-zero if any
# stage failed. Non-interactive (works as root with CI=true and no stdin).
# Installs what is missing: the wasm32 target, wasm-bindgen-cli (cached in
# $NOTIFIER_LAB_TOOLS, default ~/.cache/notifier-lab), chromium and
# chromium-driver (apt-get), playwright-core (npm ci into web/e2e/node_modules).
# Never downloads a browser through playwright.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=web/tools.sh
. "$here/tools.sh"
cd "$root_dir" || exit 2
exec </dev/null

results=()
failures=0
stage() {
    local name="$1"
    shift
    log "=== $name"
    local start=$SECONDS
    if "$@"; then
        results+=("PASS  $name ($((SECONDS - start)) s)")
    else
        results+=("FAIL  $name ($((SECONDS - start)) s)")
        failures=$((failures + 1))
    fi
}

setup() {
    ensure_wasm_target && ensure_wasm_bindgen && ensure_chromium
}

native_tests() {
    cargo test -p notifier-lab-web
}

browser_tests() {
    CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver)}" \
        CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
        WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-120}" \
        cargo test -p notifier-lab-web --target wasm32-unknown-unknown --test browser
}

build_site() {
    "$here/build.sh"
}

e2e() {
    local e2e_dir="$here/e2e"
    local stamp="$e2e_dir/node_modules/.package-lock.sha256"
    local want
    want="$(sha256sum "$e2e_dir/package-lock.json" | cut -d' ' -f1)"
    if [ ! -d "$e2e_dir/node_modules/playwright-core" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        log "npm ci in web/e2e"
        (cd "$e2e_dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error) || return 1
        echo "$want" >"$stamp"
    fi
    if [ ! -f "$here/dist/index.html" ]; then
        log "web/dist is missing (the build failed)"
        return 1
    fi
    local port
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    python3 -m http.server --bind 127.0.0.1 --directory "$here/dist" "$port" >/dev/null 2>&1 &
    local server=$!
    # Wait until it answers (at most 10 s).
    local i
    for i in $(seq 1 100); do
        python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/index.html', timeout=1)" \
            2>/dev/null && break
        sleep 0.1
    done
    mkdir -p "$root_dir/docs"
    local rc=0
    (cd "$e2e_dir" && BASE_URL="http://127.0.0.1:$port/" SCREENSHOT="$root_dir/docs/web-screenshot.png" \
        CHROMIUM="${CHROMIUM:-$(command -v chromium)}" timeout 300 node e2e.mjs) || rc=1
    kill "$server" 2>/dev/null
    wait "$server" 2>/dev/null
    return $rc
}

stage "setup (wasm32 target, wasm-bindgen-cli, chromium)" setup
stage "native unit tests (cargo test -p notifier-lab-web)" native_tests
stage "browser tests (wasm-bindgen-test, headless Chromium)" browser_tests
stage "build (web/build.sh)" build_site
stage "end-to-end (playwright-core, python3 -m http.server)" e2e

echo
echo "web/test.sh summary:"
printf '  %s\n' "${results[@]}"
if [ "$failures" -ne 0 ]; then
    echo "web/test.sh: $failures stage(s) failed"
    exit 1
fi
echo "web/test.sh: all stages passed"
