# Sourced by the capture benchmarks: builds heaplens and starts a LeakyService of the asked size.
# Needs $work (a scratch directory); sets $bin and $target, and keeps the service's stdin open on
# fd 3 (write "exit" to it to stop the service).
start_leaky_service() {
  local entries=$1 requests=$2
  dotnet build -c Release src/HeapLens.Cli >/dev/null
  bin=src/HeapLens.Cli/bin/Release/net10.0
  mkfifo "$work/in"
  dotnet "$bin/LeakyService.dll" --cache-entries "$entries" --cache-entry-bytes 8 \
    --warmup-requests "$requests" --leak-bytes 16 <"$work/in" >"$work/target.out" &
  target=$!
  exec 3>"$work/in"
  until grep -q READY "$work/target.out"; do sleep 0.5; done
  sleep 1
}
