#!/usr/bin/env bash
# Peak resident memory (GNU time's max RSS) and CPU time of `heaplens top --by retained` (the analysis
# alone) and of `heaplens web` on the same snapshot, once the page's first views were asked for:
# the overview (suspects, biggest retainers), the types table, the dominator tree's first level and
# the paths of the biggest suspect type.
# With a second snapshot, the same for a diff: `heaplens diff BASE NEW --by type` (both analyses) against
# `heaplens web BASE NEW` once the diff by type, the diff by retainer and the newer snapshot's views were asked for.
# Usage: bench/web/memory.sh BIN_DIR SNAPSHOT [NEWER_SNAPSHOT]   (BIN_DIR holds heaplens.dll, e.g. src/HeapLens.Cli/bin/Release/net10.0)
set -uo pipefail
bin=$1 snapshot=$2 newer=${3:-}
out=${TMPDIR:-/tmp}/heaplens-web-memory.$$  # not /tmp/tmp.*: other jobs sweep those
mkdir -p "$out"
trap 'rm -rf "$out"' EXIT

field() { sed -n "s/^.*$1: *//p" "$2"; }
report() { # name, time -v output
  local user sys peak
  user=$(field "User time (seconds)" "$2"); sys=$(field "System time (seconds)" "$2"); peak=$(field "Maximum resident set size (kbytes)" "$2")
  printf '{"command": "%s", "peakKB": %s, "cpuSeconds": %.2f, "loadAverage": "%s"}\n' "$1" "$peak" "$(echo "$user + $sys" | bc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
}

if [ -z "$newer" ]; then
  /usr/bin/time -v -o "$out/top.time" dotnet "$bin/heaplens.dll" top "$snapshot" --by retained --format json >/dev/null
  report "top --by retained" "$out/top.time"
else
  /usr/bin/time -v -o "$out/top.time" dotnet "$bin/heaplens.dll" diff "$snapshot" "$newer" --by type --format json >/dev/null
  report "diff --by type" "$out/top.time"
  /usr/bin/time -v -o "$out/retainer.time" dotnet "$bin/heaplens.dll" diff "$snapshot" "$newer" --by retainer --format json >/dev/null
  report "diff --by retainer" "$out/retainer.time"
fi

/usr/bin/time -v -o "$out/web.time" dotnet "$bin/heaplens.dll" web "$snapshot" $newer >"$out/web.out" &
timer=$!
until grep -q '^Serving' "$out/web.out" 2>/dev/null; do
  kill -0 $timer 2>/dev/null || { cat "$out/web.time"; exit 1; }
  sleep 1
done
url=$(sed -n 's/^Serving .* at \(http[^ ]*\)$/\1/p' "$out/web.out")
base=${url%%\?*}; token=${url##*token=}
ask() { curl -s -H "Authorization: Bearer $token" "$base$1" -o /dev/null -w "%{http_code} $1\n" >&2; }
ask api/session
[ -n "$newer" ] && { ask api/diff/types; ask api/diff/retainers; }
ask "api/snapshot/dominators?depth=1&minPercent=1"
ask api/snapshot/suspects; ask "api/snapshot/top?by=retained&n=1000000"; ask api/snapshot/groups; ask "api/snapshot/children"
type=$(curl -sf -H "Authorization: Bearer $token" "${base}api/snapshot/suspects" | python3 -c 'import json,sys; s=json.load(sys.stdin)["suspects"]; print(s[0]["type"] if s else "System.String")')
curl -sf -G -H "Authorization: Bearer $token" "${base}api/snapshot/paths" --data-urlencode "type=$type" --data-urlencode n=5 -o /dev/null
kill -TERM "$(pgrep -P $timer)"
wait $timer || true
label="web (overview, types, first tree level, paths)"
[ -n "$newer" ] && label="web diff (by type, by retainer, then the newer snapshot's overview, types, first tree level, paths)"
report "$label" "$out/web.time"
