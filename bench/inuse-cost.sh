#!/usr/bin/env bash
# The target's cost of inuse (GC movement events, keyword 0x400000) next to plain allocation
# sampling: target CPU time (user+sys, from /proc) for a fixed amount of work, with no session,
# with `heaplens allocs --no-inuse`, and with `heaplens allocs` (inuse). CPU time, not throughput:
# this machine is shared and loaded, and CPU time is what the target pays whatever the load.
#   bench/inuse-cost.sh [rounds]     (build tests/HeapLens.Tests -c Release first)
# Workloads: AllocTarget mix 2048 2048 (4 GB of allocations, a fresh process per run: nothing but
# allocations) and LeakyService serving 100,000 requests per run (one warm process: a realistic mix).
set -euo pipefail
rounds=${1:-5}
bin=$(cd "$(dirname "$0")/.." && pwd)/tests/HeapLens.Tests/bin/Release/net10.0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tck=$(getconf CLK_TCK)

cpu_ms() { awk -v t="$tck" '{ print ($14 + $15) * 1000 / t }' "/proc/$1/stat"; }

# Starts heaplens on $1 in mode $2 (alloc|inuse); waits until its session streams (the unnamed trace is open).
start_heaplens() {
  local pid=$1 mode=$2 extra=()
  [[ $mode == alloc ]] && extra=(--no-inuse)
  dotnet "$bin/heaplens.dll" allocs -p "$pid" -d 1h -o "$work/$mode.pb.gz" --format json "${extra[@]}" > "$work/heaplens.json" 2> "$work/heaplens.err" &
  hl=$!
  for _ in $(seq 1 300); do
    if ls -l /proc/$hl/fd 2>/dev/null | grep -q 'heaplens-allocs.*nettrace'; then
      trace_fd=$(ls -l /proc/$hl/fd | grep 'heaplens-allocs.*nettrace' | awk '{print $9}' | head -1)
      sleep 1; return
    fi
    sleep 0.1
  done
  echo "heaplens did not start" >&2; exit 1
}

# Ends the window (SIGTERM: a background job of a script ignores SIGINT; heaplens treats both alike);
# sets extra to "traceMB samples gcs movementEvents".
stop_heaplens() {
  local bytes
  bytes=$(stat -L -c %s "/proc/$hl/fd/$trace_fd" 2>/dev/null || echo 0)
  kill -TERM $hl; wait $hl || { cat "$work/heaplens.err" >&2; exit 1; }
  extra=$(python3 - "$work/heaplens.json" "$bytes" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); i = r.get("inuse") or {}
print(f'{int(sys.argv[2]) / 1048576:.1f} {r["samples"]} {i.get("gcsFollowed", 0)} {i.get("movementEvents", 0)}')
PY
)
}

echo "# $(date -u +%FT%TZ) $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "workload round mode targetCpuMs traceMB samples gcs movementEvents"

# AllocTarget mix: a fresh process per run, 4 GB of byte[1000] and plain objects after "go".
for round in $(seq 1 "$rounds"); do
  for mode in off alloc inuse; do
    rm -f "$work/in"; mkfifo "$work/in"
    dotnet "$bin/AllocTarget.dll" mix 2048 2048 < "$work/in" > "$work/target.out" &
    target=$!
    exec 3> "$work/in"
    until grep -q ready "$work/target.out"; do sleep 0.1; done
    [[ $mode != off ]] && start_heaplens $target $mode
    before=$(cpu_ms $target)
    echo go >&3
    until grep -q '^done' "$work/target.out"; do sleep 0.05; done
    after=$(cpu_ms $target)
    extra="- - - -"
    [[ $mode != off ]] && stop_heaplens
    exec 3>&-
    wait $target || true
    echo "mix $round $mode $(echo "$after - $before" | bc) $extra"
  done
done

# LeakyService: one warm process; each run serves 100,000 requests.
rm -f "$work/svc"; mkfifo "$work/svc"
dotnet "$bin/LeakyService.dll" < "$work/svc" > "$work/svc.out" &
svc=$!
exec 4> "$work/svc"
until grep -q READY "$work/svc.out"; do sleep 0.1; done
served=0
for round in $(seq 1 "$rounds"); do
  for mode in off alloc inuse; do
    [[ $mode != off ]] && start_heaplens $svc $mode
    before=$(cpu_ms $svc)
    echo "serve 100000" >&4
    served=$((served + 1))
    until [[ $(grep -c '^OK served' "$work/svc.out") -ge $served ]]; do sleep 0.05; done
    after=$(cpu_ms $svc)
    extra="- - - -"
    [[ $mode != off ]] && stop_heaplens
    echo "leaky $round $mode $(echo "$after - $before" | bc) $extra"
  done
done
echo exit >&4
exec 4>&-
wait $svc || true
