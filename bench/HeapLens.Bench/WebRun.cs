using System.Diagnostics;
using HeapLens.Analysis;
using HeapLens.Profiles;
using HeapLens.Reports;

namespace HeapLens.Bench;

/// <summary>
/// `--web [nodes]`: what the web UI's requests cost once the analysis is loaded, on a random heap of
/// `nodes` objects (the overview: suspects + biggest retainers + the types table) and on a fan-out whose
/// array dominates a million objects (the first page of its children), plus a flame graph of a million
/// samples. Wall and CPU (user + sys) time per request, JSON included, and managed memory the requests keep.
/// </summary>
public static class WebRun
{
    public static void Run(int nodes)
    {
        var analyzed = Timed("analysis (dominators, types, child lists)", () =>
        {
            var a = AnalyzedSnapshot.Analyze(SyntheticHeaps.Create("random", nodes));
            _ = a.Types;
            _ = a.Tree.ChildStart;
            return a;
        });
        long analysisBytes = Managed();
        Console.WriteLine($"random heap: {analyzed.Snapshot.NodeCount:N0} objects; managed memory after the analysis {analysisBytes / 1e6:N0} MB");
        var overview = Timed("overview (suspects + dominators depth 1 + top of all types, as JSON)", () =>
        {
            var suspects = SuspectsReport.Create(analyzed);
            var retainers = DominatorsReport.Create(analyzed, 1, 1.0);
            var types = TopReport.Create(analyzed, TypeOrder.Retained, 1_000_000);
            return ReportJson.Serialize(suspects).Length + ReportJson.Serialize(retainers).Length + ReportJson.Serialize(types).Length;
        });
        Timed("overview again (reports the server caches: a lookup; the types table recomputed)", () =>
            ReportJson.Serialize(TopReport.Create(analyzed, TypeOrder.Retained, 1_000_000)).Length);
        long afterOverview = Managed();
        Console.WriteLine($"overview JSON {overview / 1e3:N0} KB; memory kept after the overview: +{(afterOverview - analysisBytes) / 1e6:N1} MB ({100.0 * (afterOverview - analysisBytes) / analysisBytes:N1} %)");
        analyzed = null!;

        var fan = Timed("analysis of a 1,000,001-object fan-out", () =>
        {
            var a = AnalyzedSnapshot.Analyze(SyntheticHeaps.Create("fanout", 1_000_001));
            _ = a.Tree.ChildStart;
            return a;
        });
        int biggest = fan.Tree.RootChildrenByRetainedSize()[0];
        Console.WriteLine($"node {biggest} has {fan.Tree.ChildrenOf(biggest).Length:N0} dominated children");
        for (int i = 0; i < 3; i++)
            Timed("first page (100) of its children, as JSON", () => ReportJson.Serialize(DominatorChildrenReport.Create(fan, biggest, 0)).Length);
        for (int i = 0; i < 3; i++)
            Timed("its children grouped by type (what the explorer asks first), as JSON", () => ReportJson.Serialize(DominatorGroupsReport.Create(fan, biggest)).Length);
        int type = fan.Snapshot.TypeIndex[fan.Tree.ChildrenOf(biggest)[0]];
        Timed("first page (100) of the biggest group's members, as JSON", () => ReportJson.Serialize(DominatorChildrenReport.Create(fan, biggest, 0, typeIndex: type)).Length);
        Timed("page 11 (offset 1,000)", () => ReportJson.Serialize(DominatorChildrenReport.Create(fan, biggest, 1000)).Length);
        Timed("a late page (offset 900,000: full sort)", () => ReportJson.Serialize(DominatorChildrenReport.Create(fan, biggest, 900_000)).Length);

        var profile = Timed("a profile of 1,000,000 samples (50,000 distinct stacks of 10-40 frames over 2,000 functions)", () => SyntheticProfiles.Flame(1_000_000, 50_000));
        Timed("flame graph (merge + prune at 1/2000), as JSON", () =>
        {
            var report = FlameGraphReport.Create("bench.pb.gz", profile, null);
            Console.WriteLine($"    {report.Nodes.Count:N0} boxes kept, {report.PrunedNodes:N0} pruned; JSON {ReportJson.Serialize(report).Length / 1e3:N0} KB");
            return report;
        });
    }

    private static long Managed()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static T Timed<T>(string what, Func<T> body)
    {
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var result = body();
        clock.Stop();
        process.Refresh();
        Console.WriteLine($"{what}: {clock.Elapsed.TotalMilliseconds:N1} ms wall, {(process.TotalProcessorTime - cpu).TotalMilliseconds:N0} ms CPU");
        return result;
    }
}
