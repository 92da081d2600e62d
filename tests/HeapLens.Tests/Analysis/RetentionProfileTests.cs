using HeapLens.Analysis;
using HeapLens.Profiles;
using HeapLens.Snapshots;
using Xunit;
using static HeapLens.Tests.Analysis.TestGraph;

namespace HeapLens.Tests.Analysis;

public sealed class RetentionProfileTests
{
    // Each sample as its stack (root first, frames by function name) with its objects and bytes.
    private static (string Stack, long Objects, long Bytes)[] Samples(Profile profile)
    {
        var names = profile.Locations.ToDictionary(l => l.Id, l => profile.Functions.Single(f => f.Id == l.Lines.Single().FunctionId).Name);
        return profile.Samples
            .Select(s => (string.Join(";", s.LocationIds.Reverse().Select(id => names[id])), s.Values[0], s.Values[1]))
            .OrderBy(s => s.Item1, StringComparer.Ordinal).ToArray();
    }

    [Fact]
    public void Each_dominator_path_of_types_is_one_sample_and_a_run_of_one_type_stays_on_its_path()
    {
        // s_cache -> Cache 0 (100) -> Node 1 (20) -> Node 2 (20) -> Byte[] 3 (50); Cache 0 -> Byte[] 4 (30);
        // a stack holds Node 5 (20); Byte[] 6 (10) is referenced by 0 and 5, so no one object dominates it.
        uint[] sizes = [100, 20, 20, 50, 30, 20, 10];
        int[] types = [0, 1, 1, 2, 2, 1, 2];
        var snapshot = Build(7, [(0, 1), (1, 2), (2, 3), (0, 4), (0, 6), (5, 6)], [Strong(0), (5, RootKind.Stack)],
            sizeOf: i => sizes[i], typeOf: i => types[i], typeNames: ["App.Cache", "App.Node", "System.Byte[]"],
            rootNames: ["App.P.s_cache", null],
            metadata: new SnapshotMetadata { ProcessName = "Shop", ProcessId = 4242, CaptureTime = new DateTimeOffset(2026, 12, 4, 20, 30, 15, 250, TimeSpan.Zero) });
        var profile = RetentionProfile.Create(AnalyzedSnapshot.Analyze(snapshot));

        Assert.Equal(["retention of Shop (pid 4242) at 2026-12-04T20:30:15.2500000+00:00: stacks are GC root -> dominator path -> type"], profile.Comments);
        Assert.Equal(1_796_416_215_250_000_000L, profile.TimeNanos);

        Assert.Equal([("inuse_objects", "count"), ("inuse_space", "bytes")], profile.SampleTypes.Select(t => (t.Type, t.Unit)));
        Assert.Equal("inuse_space", profile.DefaultSampleType);
        Assert.Equal(
        [
            ("(held by several roots);System.Byte[]", 1L, 10L),
            ("stack;App.Node", 1, 20),
            ("static App.P.s_cache;App.Cache", 1, 100),
            ("static App.P.s_cache;App.Cache;App.Node", 2, 40),
            ("static App.P.s_cache;App.Cache;App.Node;System.Byte[]", 1, 50),
            ("static App.P.s_cache;App.Cache;System.Byte[]", 1, 30),
        ], Samples(profile));
    }

    [Fact]
    public void Paths_stop_growing_at_the_maximum_depth()
    {
        // A chain of 70 objects of alternating types: the root's frame and 63 types make 64 frames; the
        // objects from the 63rd on count at that depth.
        const int length = 70;
        var snapshot = Build(length, Enumerable.Range(0, length - 1).Select(i => (i, i + 1)), [Strong(0)], typeOf: i => i % 2);
        var samples = RetentionProfile.Create(AnalyzedSnapshot.Analyze(snapshot)).Samples;

        Assert.Equal(RetentionProfile.MaxDepth - 1, samples.Count);
        Assert.Equal(Enumerable.Range(2, RetentionProfile.MaxDepth - 1), samples.Select(s => s.LocationIds.Length).Order());
        var deepest = samples.Single(s => s.LocationIds.Length == RetentionProfile.MaxDepth);
        Assert.Equal([length - (RetentionProfile.MaxDepth - 2), (length - (RetentionProfile.MaxDepth - 2)) * 24L], deepest.Values);
        Assert.Equal(length, samples.Sum(s => s.Values[0]));
    }
}
