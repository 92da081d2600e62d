#!/usr/bin/env bash
# The end of a capture written to a file, two builds of heaplens alternating on one LeakyService heap
# (`snapshot --stream-during-pause --timings`): when the stream ended, the references were resolved and names
# read, and the file written, counted from the target's resume (the end of its pause), with heaplens's CPU
# after the stream (user+sys, from --timings) and its peak RSS (VmHWM, /usr/bin/time). The target's resume
# is taken as the walk's GC start plus its pause (the file's metadata, the target's clock): late by the
# suspension before the GC start, which the pause includes. Each --timings line carries its time of day (UTC,
# the same machine's clock); a build whose lines do not is put on the target's clock by the file's mtime, set by
# the write just before "Written". stream_end_to_written is on the command's clock alone, and over_pause is the
# whole command's wall time minus the target's pause (the issue's measure).
# Usage: [KEEP_STREAM=walk.nettrace] bench/capture/write-overlap.sh BIN_A BIN_B CACHE_ENTRIES WARMUP_REQUESTS PAIRS OUT.tsv
# (BIN_*: directories holding heaplens.dll; 7000000 1250000 gives ~23.5M objects. KEEP_STREAM: the first run's
# raw stream is kept, for `bench/HeapLens.Bench --build` with each version and `cmp`.)
set -euo pipefail
cd "$(dirname "$0")/../.."
a=$1 b=$2 entries=$3 requests=$4 pairs=$5 out=$6
work=$(mktemp -d)
trap 'kill $target 2>/dev/null || true; rm -rf "$work"' EXIT
. bench/capture/leaky-service.sh
start_leaky_service "$entries" "$requests"

printf 'run\tbuild\tload_before\tobjects\tpause_s\tstream_end_after_resume_s\tnames_after_resume_s\twritten_after_resume_s\tstream_end_to_written_s\tcpu_after_stream_s\tcpu_total_s\twall_total_s\tover_pause_s\tpeak_mb\n' >"$out"
for i in $(seq 1 "$pairs"); do
  for which in a b; do
    dir=${!which}
    file="$work/$which$i.heapsnap"
    load=$(cut -d' ' -f1 /proc/loadavg)
    keep=()
    [ "$i$which" = 1a ] && [ -n "${KEEP_STREAM:-}" ] && keep=(--keep-stream "$KEEP_STREAM")
    /usr/bin/time -f '%e %U %S %M' -o "$work/time" dotnet "$dir/heaplens.dll" snapshot -p "$target" -o "$file" \
      --stream-during-pause --timings "${keep[@]}" >"$work/out" 2>&1
    dotnet "$bin/heaplens.dll" info "$file" --format json >"$work/info.json"
    python3 - "$work" "$file" "$i" "$which" "$load" >>"$out" <<'PY'
import json, os, sys
from datetime import datetime, timezone
work, file, run, which, load = sys.argv[1:6]
stages = {}
utc = {}
for line in open(os.path.join(work, "out")):
    if line.startswith("timing "):
        p = line.split()
        stages[p[1]] = (float(p[3]), float(p[6]))
        if "utc" in p:
            utc[p[1]] = p[p.index("utc") + 1]
info = json.load(open(os.path.join(work, "info.json")))
meta = info["metadata"]
pause = meta["gcPauseMilliseconds"] / 1000
resume = datetime.fromisoformat(meta["captureTime"]).timestamp() + pause
if "Written" in utc:
    # The time of day of "Written" on the target's clock (the same machine's), for the command's clock.
    day = datetime.fromtimestamp(resume, timezone.utc).strftime("%Y-%m-%d")
    written = datetime.fromisoformat(f"{day}T{utc['Written']}+00:00").timestamp()
    if written < resume - 43200:
        written += 86400  # the capture crossed midnight (UTC)
    offset = written - stages["Written"][0]
else:
    # The command's clock: the file's mtime is its last write, just before "Written".
    offset = os.stat(file).st_mtime - stages["Written"][0]
resume_on_clock = resume - offset
wall, user, sys_, kb = open(os.path.join(work, "time")).read().split()[-4:]
f = lambda x: f"{x:.3f}"
print("\t".join([run, which, load, str(info["objects"]), f(pause),
    f(stages["StreamRead"][0] - resume_on_clock), f(stages["NamesResolved"][0] - resume_on_clock),
    f(stages["Written"][0] - resume_on_clock), f(stages["Written"][0] - stages["StreamRead"][0]),
    f(stages["Written"][1] - stages["StreamRead"][1]), f(float(user) + float(sys_)), wall, f(float(wall) - pause), str(round(int(kb) / 1024))]))
PY
    rm -f "$file"
  done
done
echo exit >&3
cat "$out"
