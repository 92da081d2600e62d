#!/usr/bin/env bash
# heaplens's own peak memory (max RSS, GNU time) for a 60 s inuse window on LeakyService under load
# (serving requests throughout: churn, a growing leak, a 50 MB cache), and what the window held.
#   bench/inuse-memory.sh [seconds]     (build tests/HeapLens.Tests -c Release first)
set -euo pipefail
seconds=${1:-60}
bin=$(cd "$(dirname "$0")/.." && pwd)/tests/HeapLens.Tests/bin/Release/net10.0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkfifo "$work/svc"
dotnet "$bin/LeakyService.dll" < "$work/svc" > "$work/svc.out" &
svc=$!
exec 4> "$work/svc"
until grep -q READY "$work/svc.out"; do sleep 0.1; done
echo "serve 100000000" >&4   # busy for the whole window
sleep 2
echo "# $(date -u +%FT%TZ) $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/time -v dotnet "$bin/heaplens.dll" allocs -p $svc -d ${seconds}s -o "$work/leaky.pb.gz" --format json \
  > "$work/report.json" 2> "$work/time.txt" || { cat "$work/time.txt"; exit 1; }
kill $svc; exec 4>&-; wait $svc 2>/dev/null || true
grep -E "Maximum resident|Elapsed|User time|System time" "$work/time.txt"
python3 - "$work/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); i = r.get("inuse") or {}
print(f'window {r["durationSeconds"]} s, {r["samples"]:,} samples, {r["estimatedBytes"]/1e9:.2f} GB allocated, '
      f'inuse {(r.get("inuseBytes") or 0)/1e6:.1f} MB; {i.get("gcsFollowed")} GCs followed, {i.get("movementEvents"):,} movement events, '
      f'{i.get("confirmed"):,} of {i.get("tracked"):,} tracked confirmed, heap walk {i.get("heapObjects"):,} objects, events lost {r["eventsLost"]}')
PY
ls -la "$work/leaky.pb.gz" | awk '{print "profile", $5, "bytes"}'
