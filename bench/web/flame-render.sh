#!/usr/bin/env bash
# The flame graph of a 1,000,000-sample profile in a real browser: writes the profile (HeapLens.Bench
# --write-flame-profile: 1M samples over 100,000 distinct stacks of 10-40 frames), serves it with
# `heaplens web`, and times it in Debian's chromium through Playwright (bench/FlameRender): from
# navigation to the boxes painted, cold (fresh browser context) and warm (reload), a zoom click until the
# clicked box's sub-tree is painted, and the reset. Also the server's CPU time (user + sys, from /proc)
# for loading the profile and for the requests. One JSON line per figure, with the load average.
# Usage: bench/web/flame-render.sh [SAMPLES] [STACKS] [RUNS]   (from the repository root; builds what it runs)
set -euo pipefail
samples=${1:-1000000} stacks=${2:-100000} runs=${3:-5}
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${TMPDIR:-/tmp}/heaplens-flame-render.$$  # not /tmp/tmp.*: other jobs sweep those
mkdir -p "$out"
server=
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$out"' EXIT

dotnet build "$root/src/HeapLens.Cli" -c Release -v q -nologo >/dev/null
dotnet build "$root/bench/HeapLens.Bench" -c Release -v q -nologo >/dev/null
dotnet build "$root/bench/FlameRender" -c Release -v q -nologo >/dev/null
profile=$out/flame.pb.gz
dotnet "$root/bench/HeapLens.Bench/bin/Release/net10.0/HeapLens.Bench.dll" --write-flame-profile "$samples" "$stacks" "$profile"

cpu() { # user + sys seconds of a process so far
  awk -v tick="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / tick }' "/proc/$1/stat"
}
load() { cut -d' ' -f1 /proc/loadavg; }

dotnet "$root/src/HeapLens.Cli/bin/Release/net10.0/heaplens.dll" web "$profile" >"$out/web.out" &
server=$!
until grep -q '^Serving' "$out/web.out" 2>/dev/null; do
  kill -0 "$server" 2>/dev/null || { echo "heaplens web exited" >&2; exit 1; }
  sleep 0.2
done
printf '{"measure": "server ready (profile loaded and the default graph merged)", "samples": %s, "stacks": %s, "cpuSeconds": %s, "profileBytes": %s, "loadAverage1m": %s}\n' \
  "$samples" "$stacks" "$(cpu "$server")" "$(stat -c %s "$profile")" "$(load)"
url=$(sed -n 's/^Serving .* at \(http[^ ]*\)$/\1/p' "$out/web.out")
before=$(cpu "$server")
dotnet "$root/bench/FlameRender/bin/Release/net10.0/FlameRender.dll" "$url" "$runs"
printf '{"measure": "server CPU over the browser runs", "runs": %s, "cpuSeconds": %.2f, "rssKB": %s, "loadAverage1m": %s}\n' \
  "$runs" "$(echo "$(cpu "$server") - $before" | bc)" "$(awk '/VmRSS/ { print $2 }' "/proc/$server/status")" "$(load)"
