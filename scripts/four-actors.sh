#!/usr/bin/env bash
# The explorer at four actors: for every built-in scenario x semantics, two
# host writers with two readers of each registered secondary (vCPU, GRU),
# and with one reader of each, each checked under the default limits. (Mixes
# with a secondary writer are the next horizon: under ksm/wrapped,
# host_write,vcpu_read,gru_read,gru_write stores 74.9 M states and
# host_write,host_write,vcpu_write,gru_read 165.6 M; pass them in ACTORS.) Prints one Markdown row per configuration: the verdicts found,
# states, transitions, seconds and memory (the search's own estimate of
# its peak, and the process's peak RSS where GNU time is installed).
#
#   scripts/four-actors.sh                 # the reduced search (default)
#   scripts/four-actors.sh --no-reduce     # the exact one (stops at the caps)
#   SEMANTICS="wrapped v6.9" SCENARIOS=cow scripts/four-actors.sh
#
# Not part of the test suite (it takes tens of minutes); the four-actor
# configurations that matter are in the scenario files' [[verdict]] tables,
# which `check FILE` rechecks.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q --release -p notifier-lab-tui --bin notifier-lab
bin=${CARGO_TARGET_DIR:-target}/release/notifier-lab
extra=("$@")
scenarios=${SCENARIOS:-"ksm cow uprobe"}
# The semantics ids, as `list` prints them.
semantics=${SEMANTICS:-$("$bin" list | awk '/^semantics:/ {on = 1; next} /^[a-z]/ {on = 0} on {print $1}' | tr '\n' ' ')}
actor_sets=${ACTORS:-"host_write,host_write,vcpu_read,vcpu_read host_write,host_write,gru_read,gru_read host_write,host_write,vcpu_read,gru_read"}
timer=()
if /usr/bin/time -f %M true 2>/dev/null; then
    timer=(/usr/bin/time -f '%M' -o /tmp/four-actors.rss)
fi
echo "| scenario | semantics | actors | found | distinct states | transitions | s | memory MiB (estimate / RSS) | complete |"
echo "|---|---|---|---|---:|---:|---:|---:|---|"
for sc in $scenarios; do
    for sem in $semantics; do
        for actors in $actor_sets; do
            set +e
            json=$("${timer[@]}" "$bin" check "$sc" --semantics "$sem" --actors "$actors" --format json "${extra[@]}" 2>/tmp/four-actors.err)
            rc=$?
            set -e
            if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then
                echo "| $sc | $sem | $actors | error: $(head -c 200 /tmp/four-actors.err | tr '\n|' '  ') | | | | | |"
                continue
            fi
            rss=-
            if [ ${#timer[@]} -gt 0 ]; then rss=$(( $(tail -1 /tmp/four-actors.rss) / 1024 )); fi
            RSS=$rss python3 -c '
import json, os, sys
d = json.load(sys.stdin)
found = ",".join(k for k, v in d["outcomes"].items() if v.startswith("sometimes")) or "-"
if d.get("deadlock"): found += ",deadlock"
print("| {} | {} | {} | {} | {:,} | {:,} | {:.1f} | {} / {} | {} |".format(
    d["scenario"], d["semantics"], ",".join(d["actors"]), found, d["distinct_states"], d["transitions"],
    d["seconds"], d["memory_bytes"] >> 20, os.environ["RSS"],
    "yes" if d["complete"] else "no (" + str(d["stopped"]) + ")"))
' <<<"$json"
        done
    done
done
