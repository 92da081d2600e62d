# Shared by the bench/serve scripts (sourced): per-process CPU and memory from /proc, and idle targets.
# Needs $work (a scratch directory), $bin (the copied build) and $target_dll (a copy of HeapLens.TestTarget.dll).
tck=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # user+sys of a process, in clock ticks
rss_mb() { awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
pids=()
idle_target() { # a TestTarget waiting on stdin for ever; its pid in $last, and added to pids
  mkfifo "$work/in.$1"
  dotnet "$bin/$target_dll" <"$work/in.$1" >/dev/null 2>&1 &
  last=$!
  exec {fd}>"$work/in.$1" # keeps its stdin open (and it idle) while the script runs
  rm "$work/in.$1"
  pids+=("$last")
}
cleanup() { # the agent ($agent) first, and waited for: its files go with $work
  if [[ -n ${agent:-} ]]; then kill "$agent" 2>/dev/null || true; wait "$agent" 2>/dev/null || true; fi
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
