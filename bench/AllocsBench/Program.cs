using HeapLens.Bench.Allocs;

// End-to-end measurements of allocation profiling (process-level, so not BenchmarkDotNet):
//   overhead [phaseSeconds] [pairs]  - throughput of AllocTarget work and churn with the session off and on
//   convert [seconds]                - record churn for N seconds, time trace -> profile -> .pb.gz
//   pprof                            - write and read a large synthetic profile
// Results are written to bench/results/allocs-*.json (pass the results directory as the last argument).
string results = args.Length > 0 && Directory.Exists(args[^1]) ? args[^1] : Path.Combine("bench", "results");
switch (args.FirstOrDefault())
{
    case "overhead":
        await Overhead.RunAsync(ArgOr(args, 1, 5), ArgOr(args, 2, 6), results);
        break;
    case "convert":
        await Conversion.RunAsync(ArgOr(args, 1, 30), results);
        break;
    case "pprof":
        PprofCodec.Run(results);
        break;
    default:
        Console.Error.WriteLine("usage: AllocsBench overhead [phaseSeconds] [pairs] [resultsDir] | convert [seconds] [resultsDir] | pprof [resultsDir]");
        return 2;
}
return 0;

static int ArgOr(string[] args, int index, int fallback) =>
    args.Length > index && int.TryParse(args[index], out int value) ? value : fallback;
