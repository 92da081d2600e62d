using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using HeapLens.Analysis;
using HeapLens.Snapshots;

namespace HeapLens.Bench;

/// <summary>
/// Dominators + retained sizes on 20M-object synthetic heaps. A 20M graph takes seconds per
/// operation, so a short monitoring job: one warmup, three measured runs.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
[MemoryDiagnoser]
public class DominatorBenchmarks
{
    private HeapSnapshot _snapshot = null!;
    private DominatorTree _tree = null!;

    [Params("random", "chain", "fanout", "dag")]
    public string Shape { get; set; } = "random";

    [Params(20_000_000)]
    public int Nodes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _snapshot = SyntheticHeaps.Create(Shape, Nodes);
        _tree = DominatorTree.Compute(_snapshot);
    }

    [Benchmark]
    public DominatorTree DominatorsAndRetainedSizes() => DominatorTree.Compute(_snapshot);

    [Benchmark]
    public IReadOnlyList<TypeRetention> RetainedSizeByType() => RetainedByType.Compute(_snapshot, _tree);
}
