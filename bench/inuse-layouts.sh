#!/usr/bin/env bash
# Where inuse's cost comes from: the target's CPU time (user+sys, from /proc) for a fixed amount of work under
# each EventPipe session layout of bench/InuseLayouts (alloc and inuse are what `heaplens allocs` opens; gconly,
# split, splitinfo, splitmove take inuse apart). The order of the layouts rotates each round.
#   bench/inuse-layouts.sh ROUNDS mix|leaky LAYOUT...     (build tests/HeapLens.Tests and bench/InuseLayouts -c Release first)
# mix: AllocTarget mix 2048 2048, a fresh process per run. leaky: one warm LeakyService, 100,000 requests per run.
# Set EVENTS=1 to append each session's events by name (and how many carry a stack) to layouts-events.log here.
set -euo pipefail
if [[ $# -lt 3 || ! $1 =~ ^[0-9]+$ || ! $2 =~ ^(mix|leaky)$ ]]; then
  echo "usage: bench/inuse-layouts.sh ROUNDS mix|leaky LAYOUT..." >&2; exit 2
fi
rounds=$1 workload=$2; shift 2; layouts=("$@")
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/tests/HeapLens.Tests/bin/Release/net10.0
probe=$root/bench/InuseLayouts/bin/Release/net10.0/InuseLayouts.dll
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tck=$(getconf CLK_TCK)

cpu_ms() { awk -v t="$tck" '{ print ($14 + $15) * 1000 / t }' "/proc/$1/stat"; }

start_layout() {
  rm -f "$work/probe.in"; mkfifo "$work/probe.in"
  dotnet "$probe" "$1" "$2" "$work" ${EVENTS:+--events} < "$work/probe.in" > "$work/probe.out" 2>&1 &
  probe_pid=$!; exec 5> "$work/probe.in"
  until grep -q started "$work/probe.out"; do
    kill -0 $probe_pid 2>/dev/null || { cat "$work/probe.out" >&2; exit 1; }
    sleep 0.1
  done
  sleep 1
}

# Sets sessions to the per-session "name bytes= events= lost=" lines.
stop_layout() {
  echo stop >&5; exec 5>&-
  wait $probe_pid || { cat "$work/probe.out" >&2; exit 1; }
  sessions=$(grep -E '^[a-z]+ bytes=' "$work/probe.out" | tr '\n' ' ')
  [[ -n ${EVENTS:-} ]] && cat "$work/probe.out" >> layouts-events.log
  return 0
}

echo "# $(date -u +%FT%TZ) $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "workload round layout targetCpuMs load sessions"
if [[ $workload == leaky ]]; then
  mkfifo "$work/svc"
  dotnet "$bin/LeakyService.dll" < "$work/svc" > "$work/svc.out" &
  svc=$!; exec 4> "$work/svc"
  until grep -q READY "$work/svc.out"; do sleep 0.1; done
  served=0
fi
for round in $(seq 1 "$rounds"); do
  for i in $(seq 0 $((${#layouts[@]} - 1))); do
    layout=${layouts[$(( (i + round) % ${#layouts[@]} ))]}
    load=$(cut -d' ' -f1 /proc/loadavg)
    if [[ $workload == mix ]]; then
      rm -f "$work/in"; mkfifo "$work/in"
      dotnet "$bin/AllocTarget.dll" mix 2048 2048 < "$work/in" > "$work/target.out" &
      target=$!; exec 3> "$work/in"
      until grep -q ready "$work/target.out"; do sleep 0.1; done
      start_layout $target "$layout"
      before=$(cpu_ms $target); echo go >&3
      until grep -q '^done' "$work/target.out"; do sleep 0.05; done
      after=$(cpu_ms $target)
      stop_layout
      exec 3>&-; wait $target || true
    else
      start_layout $svc "$layout"
      before=$(cpu_ms $svc); echo "serve 100000" >&4; served=$((served + 1))
      until [[ $(grep -c '^OK served' "$work/svc.out") -ge $served ]]; do sleep 0.05; done
      after=$(cpu_ms $svc)
      stop_layout
    fi
    echo "$workload $round $layout $(echo "$after - $before" | bc) $load $sessions"
  done
done
if [[ $workload == leaky ]]; then echo exit >&4; exec 4>&-; wait $svc || true; fi
