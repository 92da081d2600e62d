#!/usr/bin/env bash
# heaplens snapshot vs dotnet-gcdump on the same LeakyService heap, one after the other.
# Usage: [SNAPSHOT_ARGS=--stream-during-pause] bench/capture/compare-gcdump.sh CACHE_ENTRIES WARMUP_REQUESTS RESULT.json
# (700000 100000 gives ~2.35M objects; 7000000 1250000 gives ~23.5M. SNAPSHOT_ARGS: options added to heaplens's
# `snapshot`.) Besides wall and peak RSS: heaplens's wall time minus the target's pause (the issue's measure).
set -euo pipefail
cd "$(dirname "$0")/../.."
entries=$1 requests=$2 result=$3
work=$(mktemp -d)
trap 'kill $target 2>/dev/null || true; rm -rf "$work"' EXIT

gcdump=${GCDUMP:-$work/tools/dotnet-gcdump}
[ -x "$gcdump" ] || dotnet tool install --tool-path "$work/tools" dotnet-gcdump --version 10.0.750501 >/dev/null
. bench/capture/leaky-service.sh
start_leaky_service "$entries" "$requests"

/usr/bin/time -f '%e %M' -o "$work/gcdump.time" "$gcdump" collect -p "$target" -o "$work/x.gcdump" >"$work/gcdump.out" 2>&1 || true
# shellcheck disable=SC2086 # SNAPSHOT_ARGS is a list of options
/usr/bin/time -f '%e %M' -o "$work/heaplens.time" dotnet "$bin/heaplens.dll" snapshot -p "$target" -o "$work/x.heapsnap" ${SNAPSHOT_ARGS:-} >"$work/heaplens.out"
dotnet "$bin/heaplens.dll" info "$work/x.heapsnap" --format json >"$work/info.json"
echo exit >&3

python3 - "$work" "$entries" "$requests" "$result" "${SNAPSHOT_ARGS:-}" <<'PY'
import json, os, sys, platform
work, entries, requests, result, snapshot_args = sys.argv[1:6]
def timed(name):
    wall, kb = open(os.path.join(work, name + ".time")).read().split()[-2:]
    return float(wall), round(int(kb) / 1024)
info = json.load(open(os.path.join(work, "info.json")))
hw, hm = timed("heaplens"); gw, gm = timed("gcdump")
gcdump_out = open(os.path.join(work, "gcdump.out")).read().strip().splitlines()
out = {
    "benchmark": "heaplens snapshot vs dotnet-gcdump 10.0.750501 on the same LeakyService heap",
    "machine": {"cores": os.cpu_count(), "os": platform.platform()},
    "target": f"LeakyService --cache-entries {entries} --cache-entry-bytes 8 --warmup-requests {requests} --leak-bytes 16",
    "load": open("/proc/loadavg").read().split()[0],
    "heaplens": {"options": snapshot_args, "wallSeconds": hw, "peakMB": hm, "objects": info["objects"], "references": info["references"],
                 "targetPauseMs": round(info["metadata"]["gcPauseMilliseconds"]),
                 "wallOverPauseSeconds": round(hw - info["metadata"]["gcPauseMilliseconds"] / 1000, 2), "fileBytes": info["fileBytes"]},
    "dotnetGcdump": {"wallSeconds": gw, "peakMB": gm,
                     "fileBytes": os.path.getsize(os.path.join(work, "x.gcdump")) if os.path.exists(os.path.join(work, "x.gcdump")) else None,
                     "output": gcdump_out[-3:]},
}
json.dump(out, open(result, "w"), indent=2)
print(json.dumps(out, indent=2))
PY
