# mdbook at the pinned version, shared by book/test.sh and scripts/site.sh
# (sourced, not run). Installs it with `cargo install --root` into
# $NOTIFIER_LAB_TOOLS (default ~/.cache/notifier-lab), outside the clone,
# and skips the install when that version is already there.
MDBOOK_VERSION=0.5.4
TOOLS="${NOTIFIER_LAB_TOOLS:-$HOME/.cache/notifier-lab}"
export PATH="$TOOLS/bin:$PATH"

ensure_mdbook() {
    if mdbook --version 2>/dev/null | grep -qx "mdbook v$MDBOOK_VERSION"; then
        echo "mdbook $MDBOOK_VERSION already installed ($(command -v mdbook))"
        return 0
    fi
    echo "installing mdbook $MDBOOK_VERSION into $TOOLS (about 2-5 minutes, once)"
    cargo install --quiet --root "$TOOLS" mdbook --version "$MDBOOK_VERSION" --locked </dev/null \
        || cargo install --quiet --root "$TOOLS" mdbook --version "$MDBOOK_VERSION" </dev/null
    mdbook --version | grep -qx "mdbook v$MDBOOK_VERSION"
}
