#!/usr/bin/env bash
# Runs the book's preprocessor (book/preprocessor, package
# mdbook-notifier-lab) for mdbook: `supports <renderer>`, or the book JSON
# on stdin -> stdout. cargo builds it on first use (in CARGO_TARGET_DIR if
# set, else the workspace's target/); build output goes to stderr so that
# stdout carries only the JSON.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec cargo run -q --release -p mdbook-notifier-lab -- "$@"
