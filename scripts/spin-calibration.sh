#!/usr/bin/env bash
# Compares the explorer's storage rate with SPIN's on this machine, run
# alternately so that both see the same load (shared machines vary by
# 20-30% from minute to minute). Not part of the test suite.
#
#   bash scripts/spin-calibration.sh [rounds]
#
# SPIN: the compiled verifier of core/benches/spin/cow-sketch.pml
# (gcc -O2 -DSAFETY -DNOREDUCE: exhaustive, no partial-order reduction,
# full states stored, one core), its rate at 3 million stored states.
# Explorer: `notifier-lab check cow --semantics wrapped` with the
# benchmark's actors (1.1 M distinct states) and with two host writers
# and a GRU reader (3.2 M), both cores.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
if ! command -v spin >/dev/null; then
    if [ "$(id -u)" = 0 ]; then apt-get install -y -q spin >/dev/null; else sudo apt-get install -y -q spin >/dev/null; fi
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp core/benches/spin/cow-sketch.pml "$work/"
(cd "$work" && spin -a cow-sketch.pml >/dev/null && gcc -O2 -DSAFETY -DNOREDUCE -o pan pan.c)
cargo build -q --release -p notifier-lab-tui
bin=target/release/notifier-lab
rate() { "$bin" check cow --semantics wrapped --actors "$1" | tail -1 | awk '{print $5}'; }
for _ in $(seq "$rounds"); do
    # pan runs on past 3M states; timeout (or awk leaving early) ends it.
    spin=$(cd "$work" && { timeout 20 ./pan -m100000 -w26 -E -c0 2>&1 || true; } |
        awk '/States= +3e\+06/ {for (k = 1; k <= NF; k++) if ($k == "t=") {printf "%.0f", 3e6 / $(k + 1); exit}}')
    a=$(rate host_write,vcpu_read,gru_read)
    b=$(rate host_write,host_write,gru_read)
    echo "SPIN ${spin} states/s | explorer: 1.1M-state config ${a} states/s, 3.2M-state config ${b} states/s"
done
