#!/usr/bin/env bash
# Load, faults and cost of `heaplens serve`, with real targets and real clients (curl). The targets are
# copies of tests/HeapLens.TestTarget named ServeIdleTarget, and the agent serves that name only
# (`serve -n ServeIdleTarget`), so the figures do not depend on the other .NET processes of the machine:
#   1. cost: the agent watching 5 idle targets, CPU time (user+sys) over 60 s and resident memory;
#   2. 100 concurrent /metrics scrapes;
#   3. 20 concurrent /debug/pprof/allocs?seconds=1 of one target (answers or 429s), 3 rounds;
#   4. targets coming and going for MINUTES (a new one every 3 s, at most 3 alive), the agent's RSS sampled.
# Prints one line per figure (and the machine's load, which other work may raise). Not part of CI.
#
#   bench/serve/load.sh [MINUTES]        (default 10)
#
# Needs a Release build of the tests: dotnet build tests/HeapLens.Tests -c Release
set -euo pipefail
cd "$(dirname "$0")/../.."
minutes=${1:-10}
bin=tests/HeapLens.Tests/bin/Release/net10.0
[[ -f $bin/heaplens.dll ]] || { echo "build first: dotnet build tests/HeapLens.Tests -c Release" >&2; exit 1; }
work=$(mktemp -d)
cp -r "$bin" "$work/bin" # a rebuild during the run cannot pull files from under it
bin=$work/bin
for f in "$bin"/HeapLens.TestTarget.*; do cp "$f" "${f/HeapLens.TestTarget/ServeIdleTarget}"; done
target_dll=ServeIdleTarget.dll
source bench/serve/lib.sh

for i in 1 2 3 4 5; do idle_target idle$i; done
dotnet "$bin/heaplens.dll" serve --urls http://127.0.0.1:0 -n ServeIdleTarget >"$work/serve.out" 2>"$work/serve.err" &
agent=$!
until grep -q 'token=' "$work/serve.out"; do sleep 0.2; done
url=$(grep -o 'http://[^ ]*' "$work/serve.out" | head -1)
base=${url%%/debug*}
token=${url##*token=}
auth=(-H "Authorization: Bearer $token")
sleep 12 # one rescan is 5 s
watched=$(curl -s "${auth[@]}" "$base/metrics" | grep -c '^heaplens_leak_suspected{')
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores, shared with other work)"
echo "cost: watching $watched processes"
t0=$(cpu_ticks $agent); sleep 60; t1=$(cpu_ticks $agent)
echo "cost: agent CPU $(awk -v d=$((t1 - t0)) -v t="$tck" 'BEGIN {printf "%.2f%% of one core (%.2f s user+sys in 60 s)", 100 * d / t / 60, d / t}'), RSS $(rss_mb $agent) MB"

echo "metrics: RSS before $(rss_mb $agent) MB"
start=$(date +%s.%N)
codes=$(seq 100 | xargs -P 100 -I{} curl -s -o /dev/null -w '%{http_code}\n' "${auth[@]}" "$base/metrics" | sort | uniq -c | tr -s ' ' | tr '\n' ',')
echo "metrics: 100 concurrent scrapes: ${codes} in $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.2f", e - s}') s wall; RSS after $(rss_mb $agent) MB"

busy=${pids[0]}
for round in 1 2 3; do
  start=$(date +%s.%N)
  codes=$(seq 20 | xargs -P 20 -I{} curl -s -o /dev/null -w '%{http_code}\n' "${auth[@]}" "$base/debug/pprof/allocs?pid=$busy&seconds=1" | sort | uniq -c | tr -s ' ' | tr '\n' ',')
  echo "allocs: round $round, 20 concurrent: ${codes} in $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.2f", e - s}') s wall; RSS after $(rss_mb $agent) MB"
done

echo "churn: $minutes min of targets coming and going; RSS at start $(rss_mb $agent) MB"
alive=()
end=$(($(date +%s) + minutes * 60))
next_sample=$(($(date +%s) + 60))
started=0
while (($(date +%s) < end)); do
  idle_target churn$started
  alive+=("$last")
  started=$((started + 1))
  if ((${#alive[@]} > 3)); then kill "${alive[0]}"; alive=("${alive[@]:1}"); fi
  sleep 3
  if (($(date +%s) >= next_sample)); then
    echo "churn: $started started so far, RSS $(rss_mb $agent) MB, watching $(curl -s "${auth[@]}" "$base/metrics" | grep -c '^heaplens_leak_suspected{')"
    next_sample=$(($(date +%s) + 60))
  fi
done
for p in "${alive[@]}"; do kill "$p"; done
sleep 8
echo "churn: done, $started targets; RSS $(rss_mb $agent) MB; watching $(curl -s "${auth[@]}" "$base/metrics" | grep -c '^heaplens_leak_suspected{') after they all exited"
echo "agent stderr lines: $(wc -l <"$work/serve.err")"
