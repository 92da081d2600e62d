using BenchmarkDotNet.Running;
using HeapLens.Bench;

// `--quick <shape> [nodes] [runs]`: a Stopwatch run printing one JSON line (see QuickRun);
// anything else goes to BenchmarkDotNet (e.g. `--filter '*Dominator*'`).
// `--shapes [shape] [nodes]`: every snapshot report on the pathological shapes (see ShapesRun).
if (args.Length >= 1 && args[0] == "--shapes")
{
    ShapesRun.Run(args.Length > 1 ? args[1] : null, args.Length > 2 ? int.Parse(args[2]) : null);
    return;
}
// `--write-shape <shape> <nodes> <file.heapsnap>`: a pathological shape as a snapshot file, to time the real CLI on it.
if (args.Length >= 4 && args[0] == "--write-shape")
{
    HeapLens.Formats.HeapSnap.HeapSnapFile.Write(PathologicalHeaps.Create(args[1], int.Parse(args[2])).Snapshot, args[3]);
    return;
}
// `--write-profiles <stacks> <dir>`: two synthetic allocation profiles, to time `heaplens diff` on them (see SyntheticProfiles).
if (args.Length >= 3 && args[0] == "--write-profiles")
{
    SyntheticProfiles.Write(int.Parse(args[1]), args[2]);
    return;
}
// `--write-flame-profile <samples> <stacks> <file.pb.gz>`: the flame graph's benchmark profile as a file, for bench/web/flame-render.sh.
if (args.Length >= 4 && args[0] == "--write-flame-profile")
{
    HeapLens.Formats.Pprof.PprofFile.Save(SyntheticProfiles.Flame(int.Parse(args[1]), int.Parse(args[2])), args[3]);
    return;
}
if (args.Length >= 1 && args[0] == "--web")
{
    HeapLens.Bench.WebRun.Run(args.Length > 1 ? int.Parse(args[1]) : 20_000_000);
    return;
}
// `--parse <file.nettrace> [runs]`: the heap-walk parse rate from a saved stream, fast reader vs TraceEvent (see ParseRun).
if (args.Length >= 2 && args[0] == "--parse")
{
    ParseRun.Run(args[1], args.Length > 2 ? int.Parse(args[2]) : 3, args.Length > 3 ? args[3] : null);
    return;
}
// `--build <file.nettrace> [out.heapsnap]`: the graph build alone from a saved stream, and optionally its file (see BuildRun).
if (args.Length >= 2 && args[0] == "--build")
{
    BuildRun.Run(args[1], args.Length > 2 ? args[2] : null);
    return;
}
if (args.Length >= 4 && args[0] == "--parse-parts")
{
    ParseParts.Run(args[1], long.Parse(args[2]), long.Parse(args[3]));
    return;
}
// `--write <file.heapsnap> [runs] [keep.heapsnap]`: the snapshot's write alone, wall and CPU per run and the file's size (see WriteRun).
if (args.Length >= 2 && args[0] == "--write")
{
    WriteRun.Run(args[1], args.Length > 2 ? int.Parse(args[2]) : 5, args.Length > 3 ? args[3] : null);
    return;
}
// `--read <file.heapsnap> [runs]`: HeapSnapFile.Read alone, wall and CPU per run (see ReadRun).
if (args.Length >= 2 && args[0] == "--read")
{
    ReadRun.Run(args[1], args.Length > 2 ? int.Parse(args[2]) : 5);
    return;
}
// `--scan [runs]`: the CPU time of one look for .NET processes, fresh and remembered (see ScanRun).
if (args.Length >= 1 && args[0] == "--scan")
{
    ScanRun.Run(args.Length > 1 ? int.Parse(args[1]) : 200);
    return;
}
if (args.Length >= 2 && args[0] == "--quick")
{
    QuickRun.Run(args[1], args.Length > 2 ? int.Parse(args[2]) : 20_000_000, args.Length > 3 ? int.Parse(args[3]) : 3);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(SyntheticHeaps).Assembly).Run(args);
