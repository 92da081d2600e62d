using HeapLens.Profiles;
using HeapLens.Snapshots;

namespace HeapLens.Analysis;

/// <summary>
/// One place that allocated objects of a group: the innermost frame with a source line of their
/// stacks (the application's line, not the runtime library's), with the estimated objects and bytes
/// of the group it allocated during the window and the sampled objects the estimate rests on.
/// </summary>
public sealed record AllocationSiteShare(string Function, string? File, int Line, long Objects, long Bytes, int Samples);

/// <summary>
/// Where the objects of a group (what a suspect accumulates, the instances of a type) that are still
/// alive were allocated, as far as the allocation window before the snapshot saw: estimates from the
/// sampled objects of the group, weighted like an allocation profile's (unbiased), biggest site first.
/// Objects allocated before the window are not in it: <see cref="Objects"/> estimates those the window
/// allocated. <see cref="Sites"/> lists the first few; their shares are of <see cref="Objects"/>.
/// <see cref="ObjectsStandardError"/> is the estimate's standard error (each object is sampled on its own,
/// with probability 1/w: variance estimated by the sum of w(w - 1) over the sampled ones): small objects
/// are rarely sampled, and a few samples give a wide estimate.
/// </summary>
public sealed record AllocationOrigins(double WindowSeconds, int Samples, long Objects, long ObjectsStandardError, long Bytes, long EventsLost,
    IReadOnlyList<AllocationSiteShare> Sites);

/// <summary>
/// Answers "where were these objects allocated?" from a snapshot taken with `snapshot --allocs`.
/// Looks only at the sampled objects (a few thousand), never at the whole heap.
/// </summary>
public static class AllocationAttribution
{
    public const int SitesShown = 5;

    /// <summary>Where the objects that <paramref name="isMember"/> accepts were allocated; null for a snapshot without allocation sites.</summary>
    public static AllocationOrigins? Of(HeapSnapshot snapshot, Func<int, bool> isMember)
    {
        if (snapshot.Allocations is not { } sites)
            return null;
        long period = sites.Window.SamplingPeriodBytes;
        var bySite = new Dictionary<int, (double Objects, double Bytes, int Samples)>();
        double objects = 0, bytes = 0, variance = 0;
        int samples = 0;
        for (int i = 0; i < sites.Count; i++)
        {
            int node = sites.Nodes[i];
            if (!isMember(node))
                continue;
            long size = snapshot.SizeOf(node);
            double weight = AllocationEstimator.ObjectsPerSample(size, period);
            int site = sites.SiteFrame(sites.StackOf[i]);
            var total = bySite.GetValueOrDefault(site);
            bySite[site] = (total.Objects + weight, total.Bytes + weight * size, total.Samples + 1);
            objects += weight;
            bytes += weight * size;
            variance += weight * (weight - 1);
            samples++;
        }
        var shares = bySite
            .OrderByDescending(p => p.Value.Objects).ThenBy(p => p.Key)
            .Take(SitesShown)
            .Select(p => p.Key < 0
                ? new AllocationSiteShare("(no stack)", null, 0, Round(p.Value.Objects), Round(p.Value.Bytes), p.Value.Samples)
                : new AllocationSiteShare(sites.FunctionOf(p.Key), sites.FileOf(p.Key), sites.FrameLine[p.Key],
                    Round(p.Value.Objects), Round(p.Value.Bytes), p.Value.Samples))
            .ToList();
        return new AllocationOrigins(sites.Window.Seconds, samples, Round(objects), Round(Math.Sqrt(variance)), Round(bytes),
            sites.Window.EventsLost, shares);
    }

    /// <summary>The instances of a type.</summary>
    public static AllocationOrigins? OfType(HeapSnapshot snapshot, int type) =>
        Of(snapshot, node => snapshot.TypeIndex[node] == type);

    /// <summary>
    /// What accumulates at the end of a dominator path (a suspect's or a retainer's): the same-typed
    /// children of the accumulation point, the nodes of a linked list, or same-typed objects held by
    /// their own roots (<paramref name="rootGroup"/>) — the objects the accumulation counts.
    /// </summary>
    public static AllocationOrigins? OfAccumulation(AnalyzedSnapshot analyzed, IReadOnlyList<NodeRun> path, Accumulation? accumulation,
        bool rootGroup = false)
    {
        var (snapshot, tree) = analyzed;
        if (snapshot.Allocations is null || accumulation is null)
            return null;
        string type = accumulation.TypeName;
        bool OfType(int node) => string.Equals(snapshot.TypeNameOf(node), type, StringComparison.Ordinal);
        if (rootGroup)
            return Of(snapshot, node => tree.ImmediateDominator[node] == DominatorTree.SyntheticRoot && OfType(node));
        if (accumulation.Shape == AccumulationShape.Children)
        {
            int point = path[^1].Last;
            return Of(snapshot, node => tree.ImmediateDominator[node] == point && OfType(node));
        }
        // A linked list: its nodes dominate one another, so they are the list's type in the subtree of its first node.
        var within = SubtreeOf(tree, path[^1].First);
        return Of(snapshot, node => OfType(node) && within(node));
    }

    /// <summary>Whether a node is in the dominator subtree of <paramref name="top"/>: its preorder position falls in the subtree's range.</summary>
    private static Func<int, bool> SubtreeOf(DominatorTree tree, int top)
    {
        var position = new int[tree.NodeCount];
        Array.Fill(position, -1);
        var preorder = tree.Preorder;
        for (int i = 0; i < preorder.Length; i++)
            position[preorder[i]] = i;
        int start = position[top];
        int end = start < 0 ? -1 : start + tree.SubtreeSize[start];
        return node => position[node] >= start && position[node] < end;
    }

    private static long Round(double value) => (long)Math.Round(value);
}
