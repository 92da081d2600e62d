#!/usr/bin/env bash
# End-to-end capture benchmark: a LeakyService with ~20M live objects, snapshotted by heaplens.
# Measures wall time and peak memory of the collector (GNU time), the target's pause (from the
# snapshot), file bytes per object, the load time of the file (`heaplens info`), and end to end (load + dominators + report):
# `heaplens top --by retained` and `heaplens suspects`.
# Usage: bench/capture/run.sh [cache-entries] [warmup-requests]   (defaults: 6000000 1000000)
set -euo pipefail
cd "$(dirname "$0")/../.."
entries=${1:-6000000}
requests=${2:-1000000}
work=$(mktemp -d)
trap 'kill $target 2>/dev/null || true; rm -rf "$work"' EXIT

. bench/capture/leaky-service.sh
start_leaky_service "$entries" "$requests"

/usr/bin/time -f '%e %M' -o "$work/time" dotnet "$bin/heaplens.dll" snapshot -p "$target" -o "$work/big.heapsnap" | tee "$work/summary"
read -r wall rss_kb <"$work/time"
/usr/bin/time -f '%e %M' -o "$work/info" dotnet "$bin/heaplens.dll" info "$work/big.heapsnap" >/dev/null
read -r info info_rss_kb <"$work/info"
/usr/bin/time -f '%e %M' -o "$work/load" dotnet "$bin/heaplens.dll" top "$work/big.heapsnap" --by retained --format json >"$work/top.json"
read -r load load_rss_kb <"$work/load"
/usr/bin/time -f '%e %M' -o "$work/suspects" dotnet "$bin/heaplens.dll" suspects "$work/big.heapsnap" >/dev/null
read -r suspects suspects_rss_kb <"$work/suspects"
echo exit >&3

python3 - "$work" "$wall" "$rss_kb" "$load" "$load_rss_kb" "$suspects" "$suspects_rss_kb" "$info" "$info_rss_kb" <<'PY'
import json, os, re, sys, platform, subprocess
work, wall, rss_kb, load, load_rss_kb = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
suspects, suspects_rss_kb, info, info_rss_kb = float(sys.argv[6]), int(sys.argv[7]), float(sys.argv[8]), int(sys.argv[9])
summary = open(os.path.join(work, "summary")).read()
top = json.load(open(os.path.join(work, "top.json")))
objects = top["totalObjects"]
refs = int(re.search(r"([\d,]+) references", summary).group(1).replace(",", ""))
pause = int(re.search(r"paused (\d+) ms", summary).group(1))
size = os.path.getsize(os.path.join(work, "big.heapsnap"))
cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], capture_output=True, text=True).stdout.strip()
result = {
    "benchmark": "heaplens snapshot of LeakyService, end to end",
    "machine": {"cpu": cpu, "cores": os.cpu_count(), "memoryGB": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30), "os": platform.platform()},
    "objects": objects, "references": refs, "heapBytes": top["totalBytes"],
    "captureWallSeconds": wall, "collectorPeakMB": round(rss_kb / 1024), "targetPauseMs": pause,
    "fileBytes": size, "fileBytesPerObject": round(size / objects, 2),
    "loadWallSeconds": info, "loadPeakMB": round(info_rss_kb / 1024),
    "topByRetainedWallSeconds": load, "topByRetainedPeakMB": round(load_rss_kb / 1024),
    "suspectsWallSeconds": suspects, "suspectsPeakMB": round(suspects_rss_kb / 1024),
}
print(json.dumps(result, indent=2))
PY
