using BenchmarkDotNet.Running;
using HeapLens.Bench;

// `--quick <shape> [nodes] [runs]`: a Stopwatch run printing one JSON line (see QuickRun);
// anything else goes to BenchmarkDotNet (e.g. `--filter '*Dominator*'`).
if (args.Length >= 2 && args[0] == "--quick")
{
    QuickRun.Run(args[1], args.Length > 2 ? int.Parse(args[2]) : 20_000_000, args.Length > 3 ? int.Parse(args[3]) : 3);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(SyntheticHeaps).Assembly).Run(args);
