#!/usr/bin/env bash
# The heap-walk readers on one LeakyService heap, same run: heaplens with the fast reader (keeping the
# raw stream), heaplens with TraceEvent's reader (--reader TraceEvent), dotnet-gcdump; then the parse
# rate alone from the kept stream, each reader in its own process (bench/HeapLens.Bench --parse).
# Wall, CPU (user+sys) and peak RSS of each collector, the target's pause, objects kept, the load, and the
# fast run's stages (`snapshot --timings`).
# Usage: bench/capture/compare-readers.sh CACHE_ENTRIES WARMUP_REQUESTS RESULT.json
# (700000 100000 gives ~2.35M objects; 7000000 1250000 ~23.5M.) Run it on a quiet machine for wall times.
set -euo pipefail
cd "$(dirname "$0")/../.."
entries=$1 requests=$2 result=$3
work=$(mktemp -d)
trap 'kill $target 2>/dev/null || true; rm -rf "$work"' EXIT

gcdump=${GCDUMP:-$work/tools/dotnet-gcdump}
[ -x "$gcdump" ] || dotnet tool install --tool-path "$work/tools" dotnet-gcdump --version 10.0.750501 >/dev/null
dotnet build -c Release bench/HeapLens.Bench >/dev/null
. bench/capture/leaky-service.sh
start_leaky_service "$entries" "$requests"

run() { # name, command...
  local name=$1; shift
  cat /proc/loadavg >"$work/$name.load"
  /usr/bin/time -f '%e %U %S %M' -o "$work/$name.time" "$@" >"$work/$name.out" 2>&1 || true
}
run fast dotnet "$bin/heaplens.dll" snapshot -p "$target" -o "$work/fast.heapsnap" --keep-stream "$work/walk.nettrace" --timings
run traceevent dotnet "$bin/heaplens.dll" snapshot -p "$target" -o "$work/traceevent.heapsnap" --reader TraceEvent
run gcdump "$gcdump" collect -p "$target" -o "$work/x.gcdump"
echo exit >&3
for name in fast traceevent; do
  dotnet "$bin/heaplens.dll" info "$work/$name.heapsnap" --format json >"$work/$name.info.json"
done
for reader in Fast TraceEvent; do
  dotnet bench/HeapLens.Bench/bin/Release/net10.0/HeapLens.Bench.dll --parse "$work/walk.nettrace" 3 "$reader" >>"$work/parse.jsonl"
done

python3 - "$work" "$entries" "$requests" "$result" <<'PY'
import json, os, sys, platform
work, entries, requests, result = sys.argv[1:5]
def timed(name):
    wall, user, sys_, kb = open(os.path.join(work, name + ".time")).read().split()[-4:]
    return {"wallSeconds": float(wall), "cpuSeconds": round(float(user) + float(sys_), 2), "peakMB": round(int(kb) / 1024),
            "loadBefore": open(os.path.join(work, name + ".load")).read().split()[:3]}
def heaplens(name):
    info = json.load(open(os.path.join(work, name + ".info.json")))
    # `snapshot --timings`: when each stage began (wall and CPU since the command started).
    stages = [" ".join(line.split()[1:]) for line in open(os.path.join(work, name + ".out")) if line.startswith("timing ")]
    return dict(timed(name), objects=info["objects"], references=info["references"],
                targetPauseMs=round(info["metadata"]["gcPauseMilliseconds"]), **({"stages": stages} if stages else {}))
gcdump_out = open(os.path.join(work, "gcdump.out")).read().strip().splitlines()
out = {
    "benchmark": "heaplens (fast reader, TraceEvent reader) vs dotnet-gcdump 10.0.750501 on one LeakyService heap, one after the other",
    "machine": {"cores": os.cpu_count(), "os": platform.platform()},
    "target": f"LeakyService --cache-entries {entries} --cache-entry-bytes 8 --warmup-requests {requests} --leak-bytes 16",
    "heaplensFastReader": heaplens("fast"),
    "heaplensTraceEventReader": heaplens("traceevent"),
    "dotnetGcdump": dict(timed("gcdump"), output=gcdump_out[-3:]),
    "parseRateFromSavedStream": [json.loads(line) for line in open(os.path.join(work, "parse.jsonl"))],
}
json.dump(out, open(result, "w"), indent=2)
print(json.dumps(out, indent=2))
PY
