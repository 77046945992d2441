# Tool setup shared by web/build.sh and web/test.sh (sourced, not run).
# Everything is installed outside the clone, under $NOTIFIER_LAB_TOOLS
# (default ~/.cache/notifier-lab), and reused when already there.

web_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root_dir="$(cd "$web_dir/.." && pwd)"
tools_dir="${NOTIFIER_LAB_TOOLS:-$HOME/.cache/notifier-lab}"
# binaryen from npm: Debian's v108 cannot read wasm-bindgen 0.2.130 output.
binaryen_version="132.0.0"
export PATH="$tools_dir/bin:$PATH"

log() { printf '[web] %s\n' "$*" >&2; }

# The wasm32 target.
ensure_wasm_target() {
    if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
        log "adding rustup target wasm32-unknown-unknown"
        rustup target add wasm32-unknown-unknown
    fi
}

# wasm-bindgen-cli (wasm-bindgen and wasm-bindgen-test-runner) at exactly
# the version of the wasm-bindgen crate in Cargo.lock.
ensure_wasm_bindgen() {
    local v
    v="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$root_dir/Cargo.lock")"
    if [ -z "$v" ]; then
        log "cannot find wasm-bindgen in Cargo.lock"
        return 1
    fi
    if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $v" ] \
        || ! command -v wasm-bindgen-test-runner >/dev/null; then
        log "installing wasm-bindgen-cli $v into $tools_dir (about 2-3 minutes, once)"
        # Not --locked: a locked dependency version is missing from the
        # registry mirror (see the toolchain notes); the CLI version is exact.
        cargo install wasm-bindgen-cli --version "=$v" --root "$tools_dir" --force
    fi
}

# Optional wasm-opt: prints its path, or nothing. $NOTIFIER_LAB_WASM_OPT
# names one to use; NOTIFIER_LAB_WASM_OPT=no skips it.
find_wasm_opt() {
    case "${NOTIFIER_LAB_WASM_OPT:-}" in
        no) return 0 ;;
        "") ;;
        *) echo "$NOTIFIER_LAB_WASM_OPT"; return 0 ;;
    esac
    local npm_opt="$tools_dir/node_modules/.bin/wasm-opt"
    if [ ! -x "$npm_opt" ] && command -v npm >/dev/null; then
        log "installing wasm-opt (npm binaryen@$binaryen_version) into $tools_dir"
        npm install --prefix "$tools_dir" --no-save --no-audit --no-fund --loglevel=error \
            "binaryen@$binaryen_version" >&2 || true
    fi
    [ -x "$npm_opt" ] && echo "$npm_opt"
    return 0
}

# Chromium and its WebDriver, from apt, only when missing.
ensure_chromium() {
    if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
        return 0
    fi
    log "installing chromium and chromium-driver with apt-get"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -q </dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q chromium chromium-driver </dev/null
}
