#!/usr/bin/env bash
# Start to first frame of `weft edit` (issue #6 target: ≤ 200 ms): a relay runs with the sample project
# deployed; each run starts `weft edit` in a fresh tmux session and polls the screen every 2 ms until the
# status bar says the editor is online. Prints each run and the median, in milliseconds.
#
#   swift build -c release --product weft && Benchmarks/editor-startup.sh [RUNS]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs=${1:-7}
weft=${WEFT:-.build/release/weft}
[[ -x $weft ]] || { echo "build first: swift build -c release --product weft (or set WEFT=path)" >&2; exit 1; }
command -v tmux >/dev/null || { echo "needs tmux (scripts/bootstrap installs it)" >&2; exit 1; }

scratch=$(mktemp -d /tmp/weft-startup-XXXXXX)
session=weft-startup-$$
cleanup() {
    tmux kill-session -t "$session" 2>/dev/null || true
    [[ -n ${relay:-} ]] && kill "$relay" 2>/dev/null || true
    rm -rf "$scratch"
}
trap cleanup EXIT

"$weft" relay --socket "$scratch/r.sock" --db "$scratch/db.sqlite" 2>"$scratch/relay.log" &
relay=$!
for _ in $(seq 100); do [[ -S $scratch/r.sock ]] && break; sleep 0.05; done
cp Tests/WeftTestSupport/Fixtures/openfn/lightning-canonical_project.yaml "$scratch/project.yaml"
"$weft" deploy "$scratch/project.yaml" --socket "$scratch/r.sock" >/dev/null 2>&1
workflow="a-test-project/workflow 1"

now_ms() { date +%s%3N; }
times=()
for run in $(seq "$runs"); do
    tmux kill-session -t "$session" 2>/dev/null || true
    start=$(now_ms)
    tmux new-session -d -s "$session" -x 132 -y 40 \
        "LANG=C.UTF-8 NO_COLOR= $weft edit '$workflow' --socket $scratch/r.sock --as bench"
    while ! tmux capture-pane -p -t "$session" 2>/dev/null | grep -q "online"; do
        sleep 0.002
        if (( $(now_ms) - start > 10000 )); then echo "run $run: no frame within 10 s" >&2; exit 1; fi
    done
    elapsed=$(( $(now_ms) - start ))
    times+=("$elapsed")
    echo "run $run: first frame after ${elapsed} ms"
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
median=$(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p")
echo "start to first frame: median ${median} ms over $runs runs (includes tmux starting the pane; target ≤ 200 ms)"
