#!/usr/bin/env bash
# Dominators + retained sizes on 20M-object synthetic heaps: one process per shape (so peak memory
# is measured cleanly), results with a machine description in bench/results/dominators.json.
# Usage: bench/run-dominators.sh [nodes]   (BenchmarkDotNet: see docs/analysis.md)
set -euo pipefail
cd "$(dirname "$0")/.."
nodes="${1:-20000000}"
dotnet build bench/HeapLens.Bench -c Release -v quiet -nologo >/dev/null
dll=bench/HeapLens.Bench/bin/Release/net10.0/HeapLens.Bench.dll

runs=()
for shape in random chain fanout dag; do
  runs+=("$(dotnet "$dll" --quick "$shape" "$nodes" 3)")
done

out=bench/results/dominators.json
tmp="$out.tmp"
{
  echo "{"
  echo "  \"benchmark\": \"DominatorTree.Compute (Semi-NCA + retained sizes + child lists + preorder) and RetainedByType.Compute, 3 runs in one process per shape\","
  echo "  \"machine\": {"
  echo "    \"cpu\": \"$(lscpu | sed -n 's/^Model name: *//p' | head -n1)\","
  echo "    \"cores\": $(nproc),"
  echo "    \"memoryGB\": $(awk '/MemTotal/ {printf "%d", $2/1024/1024 + 0.5}' /proc/meminfo),"
  echo "    \"dotnet\": \"$(dotnet --version)\","
  echo "    \"os\": \"$(. /etc/os-release && echo "$PRETTY_NAME")\","
  echo "    \"note\": \"shared machine: other work ran at the same time (see loadAverage per run)\""
  echo "  },"
  echo "  \"date\": \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\","
  echo "  \"runs\": ["
  for i in "${!runs[@]}"; do
    sep=","; [ "$i" -eq $((${#runs[@]} - 1)) ] && sep=""
    echo "    ${runs[$i]}$sep"
  done
  echo "  ]"
  echo "}"
} >"$tmp"
mv "$tmp" "$out"
cat "$out"
