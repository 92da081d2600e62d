#!/usr/bin/env bash
# The cost of an idle `heaplens serve`: the agent's CPU time (user+sys, from /proc/PID/stat) and resident
# memory while it watches TARGETS idle .NET processes for SECONDS, after a warm-up of WARMUP seconds
# (environment; default 20: start, first scans, sessions opened. The runtime keeps recompiling code that
# runs every few seconds for its first ~10 minutes (tiered compilation): WARMUP=600 measures after that).
# The targets are copies of tests/HeapLens.TestTarget named ServeIdle<pid of this script> that wait on
# stdin; the agent serves that name only (`serve -n NAME`), so it watches exactly them, yet it still
# scans every diagnostics socket of the machine (the temp directory keeps the stale sockets of dead
# processes: their count is printed). With `all` as third argument the agent watches
# every .NET process of the machine instead.
# Also prints the agent's CPU per thread (thread names as .NET sets them), to tell where the time goes.
#
#   bench/serve/idle-cost.sh [TARGETS] [SECONDS] [name|all]      (defaults: 5 300 name)
#
# Needs a Release build of the tests: dotnet build tests/HeapLens.Tests -c Release
set -euo pipefail
cd "$(dirname "$0")/../.."
targets=${1:-5}
seconds=${2:-300}
mode=${3:-name}
bin=tests/HeapLens.Tests/bin/Release/net10.0
[[ -f $bin/heaplens.dll ]] || { echo "build first: dotnet build tests/HeapLens.Tests -c Release" >&2; exit 1; }
work=$(mktemp -d)
cp -r "$bin" "$work/bin" # a rebuild during the run cannot pull files from under it
bin=$work/bin
name=ServeIdle$$ # runs side by side do not see each other's targets
for f in "$bin"/HeapLens.TestTarget.*; do cp "$f" "${f/HeapLens.TestTarget/$name}"; done
target_dll=$name.dll
source bench/serve/lib.sh

# "TID NAME TICKS" per thread; the name (comm) may hold spaces and sits in parentheses.
thread_ticks() {
  for t in /proc/"$1"/task/*; do
    stat=$(cat "$t/stat" 2>/dev/null) || continue
    rest=${stat##*) }
    set -- $rest
    echo "${t##*/} $(tr ' ' '_' <"$t/comm") $((${12} + ${13}))"
  done
}
for ((i = 0; i < targets; i++)); do idle_target idle$i; done
selection=(-n "$name")
[[ $mode == all ]] && selection=()
dotnet "$bin/heaplens.dll" serve --urls http://127.0.0.1:0 --no-auth "${selection[@]}" >"$work/serve.out" 2>"$work/serve.err" &
agent=$!
until grep -q 'http://' "$work/serve.out"; do sleep 0.2; done
base=$(grep -o 'http://[^ ]*' "$work/serve.out" | head -1)
base=${base%%/debug*}
sleep "${WARMUP:-20}"
watched=$(curl -s "$base/metrics" | grep -c '^heaplens_leak_suspected{' || true)
sockets=$(find "${TMPDIR:-/tmp}" -maxdepth 1 -name 'dotnet-diagnostic-*' 2>/dev/null | wc -l || true) # other work adds and removes files meanwhile
echo "setup: $targets idle targets, warm-up ${WARMUP:-20} s, agent watching $watched processes (mode $mode); $sockets diagnostics sockets in ${TMPDIR:-/tmp}"
echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores, shared with other work)"
targets_ticks() { local sum=0; for p in "${pids[@]}"; do sum=$((sum + $(cpu_ticks "$p"))); done; echo $sum; }
thread_ticks $agent >"$work/threads.0"
t0=$(cpu_ticks $agent)
g0=$(targets_ticks)
sleep "$seconds"
t1=$(cpu_ticks $agent)
g1=$(targets_ticks)
thread_ticks $agent >"$work/threads.1"
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v d=$((t1 - t0)) -v t="$tck" -v s="$seconds" \
  'BEGIN {printf "cpu: %.2f%% of one core (%.2f s user+sys in %d s)\n", 100 * d / t / s, d / t, s}'
((targets == 0)) || awk -v d=$((g1 - g0)) -v t="$tck" -v s="$seconds" -v n="$targets" \
  'BEGIN {printf "targets: %.2f s user+sys in %d s together (%.2f%% of one core each)\n", d / t, s, 100 * d / t / s / n}'
# RSS counts the runtime's shared libraries and the second mapping of jitted code; PSS shares the former out.
echo "memory: RSS $(rss_mb $agent) MB, peak $(awk '/^VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$agent/status") MB;" \
  "PSS $(awk '/^Pss:/ {printf "%.1f", $2 / 1024}' "/proc/$agent/smaps_rollup") MB, anonymous $(awk '/^Anonymous:/ {printf "%.1f", $2 / 1024}' "/proc/$agent/smaps_rollup") MB"
echo "threads: CPU seconds per thread name over the window (threads that ended within it are missing):"
awk -v t="$tck" 'NR == FNR {before[$1] = $3; next}
  {name[$2] += $3 - ($1 in before ? before[$1] : 0)}
  END {for (n in name) if (name[n] > 0) printf "  %6.2f s %s\n", name[n] / t, n}' "$work/threads.0" "$work/threads.1" | sort -rn
echo "agent stderr lines: $(wc -l <"$work/serve.err")"
