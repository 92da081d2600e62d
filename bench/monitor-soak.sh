#!/usr/bin/env bash
# Soak run for `heaplens monitor`: does the monitor's own memory stay bounded over a long run?
# Starts tests/GcTarget in sawtooth mode with heavy churn (many GCs per second, so a short run
# holds as many GCs as hours of a normal service), monitors it with no duration, samples the
# monitor's resident memory and CPU time, then stops it with SIGTERM like Ctrl+C would.
#
# The monitor allocates so little that with its default gen0 budget it may not GC at all in a
# short soak, and then its RSS only shows fresh gen0 pages being touched. So it runs with a 4 MB
# gen0 budget (DOTNET_GCgen0size), and a second heaplens monitor watches the monitor's own GCs:
# the post-GC floor of the monitor, and heaplens's verdict on it, are the real answer.
# Writes bench/results/monitor-soak.json. Not part of CI.
#
#   bench/monitor-soak.sh [MINUTES] [CHURN_MB_PER_SECOND]     (defaults: 20, 100)
#
# Needs a Release build: dotnet build HeapLens.slnx -c Release
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-20}
churn=${2:-100}
sample_every=10
target_dll=tests/GcTarget/bin/Release/net10.0/GcTarget.dll
heaplens_dll=src/HeapLens.Cli/bin/Release/net10.0/heaplens.dll
[[ -f $target_dll && -f $heaplens_dll ]] || { echo "build first: dotnet build HeapLens.slnx -c Release" >&2; exit 1; }

work=$(mktemp -d)
# Run from copies, so rebuilding the tree during a long soak cannot pull files from under it.
cp -r "$(dirname "$target_dll")" "$work/target"
cp -r "$(dirname "$heaplens_dll")" "$work/heaplens"
target_dll=$work/target/GcTarget.dll
heaplens_dll=$work/heaplens/heaplens.dll
samples=$work/samples.tsv
cleanup() { kill "${observer_pid:-}" "${monitor_pid:-}" "${target_pid:-}" 2>/dev/null || true; }
trap cleanup EXIT

: >"$work/target.out"
dotnet "$target_dll" sawtooth --churn-mbps "$churn" >"$work/target.out" &
target_pid=$!
until grep -q '^ready' "$work/target.out"; do sleep 0.2; done
DOTNET_GCgen0size=0x400000 dotnet "$heaplens_dll" monitor -p "$target_pid" --out "$work/out" --interval 5s --format json \
  >"$work/summary.json" 2>"$work/monitor.err" &
monitor_pid=$!
sleep 2
dotnet "$heaplens_dll" monitor -p "$monitor_pid" --out "$work/observer" --interval 30s --warmup 60s --format json \
  >"$work/observer.json" 2>"$work/observer.err" &
observer_pid=$!

ticks_per_second=$(getconf CLK_TCK)
start=$(date +%s)
end=$((start + minutes * 60))
printf 'seconds\trss_kb\tcpu_seconds\tgcs\n' >"$samples"
while (( $(date +%s) < end )); do
  sleep "$sample_every"
  now=$(( $(date +%s) - start ))
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$monitor_pid/status")
  cpu=$(awk -v hz="$ticks_per_second" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$monitor_pid/stat")
  timeline=$work/out/timeline.jsonl.partial
  gcs=$(( $(wc -l <"$timeline") - 1 ))
  printf '%s\t%s\t%s\t%s\n' "$now" "$rss" "$cpu" "$gcs" >>"$samples"
done

kill -TERM "$observer_pid"
wait "$observer_pid" || true
kill -TERM "$monitor_pid"
wait "$monitor_pid" || true
kill "$target_pid" 2>/dev/null || true
timeline_bytes=$(stat -c %s "$work/out/timeline.jsonl")

# RSS after the first minute (JIT, buffers) against the end; least-squares slope over the rest.
awk -F'\t' -v minutes="$minutes" -v churn="$churn" -v timeline_bytes="$timeline_bytes" \
    -v cpu_model="$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)" \
    -v cores="$(nproc)" -v memory_kb="$(awk '/MemTotal/ {print $2}' /proc/meminfo)" \
    -v dotnet="$(dotnet --version)" -v kernel="$(uname -r)" -v date="$(date -u +%Y-%m-%dT%H:%M:%SZ)" '
BEGIN { n = 0 }
NR == 1 { next }
{ t[n] = $1; rss[n] = $2; cpu[n] = $3; gcs[n] = $4; n++ }
END {
  first = -1; max = 0
  for (i = 0; i < n; i++) {
    if (rss[i] > max) max = rss[i]
    if (first < 0 && t[i] >= 60) first = i
  }
  sx = sy = sxx = sxy = 0; m = 0
  for (i = first; i < n; i++) { sx += t[i]; sy += rss[i]; sxx += t[i] * t[i]; sxy += t[i] * rss[i]; m++ }
  slope = (m * sxy - sx * sy) / (m * sxx - sx * sx)   # KB per second
  printf "{\n"
  printf "  \"benchmark\": \"heaplens monitor soak: own memory over a long run\",\n"
  printf "  \"date\": \"%s\",\n", date
  printf "  \"machine\": {\"cpu\": \"%s\", \"cores\": %d, \"memoryGB\": %.1f, \"kernel\": \"%s\", \"dotnetSdk\": \"%s\"},\n", cpu_model, cores, memory_kb / 1048576, kernel, dotnet
  printf "  \"setup\": {\"minutes\": %d, \"target\": \"GcTarget sawtooth, churn %d MB/s\", \"interval\": \"5s\", \"sampleEverySeconds\": %d},\n", minutes, churn, t[1] - t[0]
  printf "  \"gcs\": %d,\n", gcs[n - 1]
  printf "  \"gcsPerSecond\": %.2f,\n", gcs[n - 1] / t[n - 1]
  printf "  \"equivalentHoursAtOneGcPerSecond\": %.1f,\n", gcs[n - 1] / 3600
  printf "  \"monitorRssKB\": {\"after1Minute\": %d, \"max\": %d, \"atEnd\": %d},\n", rss[first], max, rss[n - 1]
  printf "  \"monitorRssSlopeKBPerHourAfter1Minute\": %.1f,\n", slope * 3600
  printf "  \"monitorCpuSeconds\": %.2f,\n", cpu[n - 1]
  printf "  \"monitorCpuMillisecondsPerGc\": %.3f,\n", 1000 * cpu[n - 1] / gcs[n - 1]
  printf "  \"timelineBytes\": %d,\n", timeline_bytes
  printf "  \"timelineBytesPerGc\": %.1f,\n", timeline_bytes / gcs[n - 1]
  printf "  \"samples\": ["
  for (i = 0; i < n; i++) printf "%s[%d, %d, %.2f, %d]", (i ? ", " : ""), t[i], rss[i], cpu[i], gcs[i]
  printf "],\n  \"samplesColumns\": [\"seconds\", \"rssKB\", \"cpuSeconds\", \"gcs\"],\n"
  printf "  \"monitorGcen0Budget\": \"DOTNET_GCgen0size=0x400000\",\n"
  printf "  \"monitorWatchedByHeaplens\": "
}' "$samples" >bench/results/monitor-soak.json
# The observer's summary: the monitor's own GCs, post-GC floor and verdict.
cat "$work/observer.json" >>bench/results/monitor-soak.json
echo "}" >>bench/results/monitor-soak.json
echo "verdict on the target: $(grep -o '"pattern": "[a-z-]*"' "$work/summary.json" | head -1)"
echo "verdict on the monitor itself: $(grep -o '"pattern": "[a-z-]*"' "$work/observer.json" | head -1)"
head -20 bench/results/monitor-soak.json
rm -rf "$work"
