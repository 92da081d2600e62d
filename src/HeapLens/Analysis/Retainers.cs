using HeapLens.Snapshots;

namespace HeapLens.Analysis;

/// <summary>
/// Memory grouped by what holds it: each object the GC roots dominate directly, named by its root
/// (a static field by name; other roots by kind) and type, with the dominator chain down to where
/// its memory accumulates and what accumulates there. Such a signature survives between snapshots
/// where addresses do not.
/// </summary>
public sealed record Retainer(
    string Signature,
    RootLabel? Root,
    string TypeName,
    int Objects,
    long RetainedBytes,
    IReadOnlyList<NodeRun> Path,
    Accumulation? Accumulates);

public static class Retainers
{
    public static IReadOnlyList<Retainer> Compute(AnalyzedSnapshot analyzed) =>
        Compute(analyzed.Snapshot, analyzed.Tree, analyzed.Roots, analyzed.PathSearch);

    /// <summary>The path runs are nodes of this snapshot: a retainer is read against the snapshot it came from.</summary>
    public static IReadOnlyList<Retainer> Compute(HeapSnapshot snapshot, DominatorTree tree, RootLabels labels, IRootPaths paths)
    {
        // What no root holds directly is named by the kind of root its shortest path starts from: one search for all.
        var rootChildren = tree.RootChildren;
        var unlabeled = new List<int>();
        foreach (int node in rootChildren)
        {
            if (labels.Of(node) is null)
                unlabeled.Add(node);
        }
        var searched = unlabeled.Zip(paths.RootsOf(unlabeled)).ToDictionary(p => p.First, p => p.Second);
        var groups = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var rootOfGroup = new Dictionary<string, RootLabel?>(StringComparer.Ordinal);
        foreach (int node in rootChildren)
        {
            RootLabel? root = labels.Of(node) ?? RootVia(snapshot, searched[node]);
            // Named roots (statics) are told apart by name; unnamed ones (stack, handles) by kind.
            string signature = $"{root?.ToString() ?? "unrooted"} | {snapshot.TypeNameOf(node)}";
            if (!groups.TryGetValue(signature, out var members))
            {
                groups[signature] = members = [];
                rootOfGroup[signature] = root;
            }
            members.Add(node);
        }

        var result = new List<Retainer>(groups.Count);
        foreach (var (signature, members) in groups)
        {
            long retained = 0;
            foreach (int node in members)
                retained += tree.RetainedSize[node];
            int biggest = members.MaxBy(n => tree.RetainedSize[n]);
            var path = LeakSuspects.DescendToAccumulation(snapshot, tree, biggest);
            result.Add(new Retainer(
                signature,
                rootOfGroup[signature],
                snapshot.TypeNameOf(biggest),
                members.Count,
                retained,
                path,
                members.Count == 1 ? LeakSuspects.WhatAccumulates(snapshot, tree, path) : null));
        }
        return result;
    }

    private static RootLabel? RootVia(HeapSnapshot snapshot, int root) =>
        root < 0 ? null : new RootLabel(snapshot.Roots.Kinds[root], null);
}

/// <summary>A retainer in two snapshots.</summary>
public sealed record RetainerChange(Retainer? Base, Retainer? New)
{
    public string Signature => (New ?? Base)!.Signature;
    public long DeltaRetainedBytes => (New?.RetainedBytes ?? 0) - (Base?.RetainedBytes ?? 0);

    /// <summary>Growth of what accumulates, when both sides accumulate the same type.</summary>
    public long? DeltaAccumulated =>
        New?.Accumulates is { } n && (Base?.Accumulates is null || Base.Accumulates.TypeName == n.TypeName)
            ? n.Count - (Base?.Accumulates?.Count ?? 0)
            : null;
}

public static class RetainerDiff
{
    public static IReadOnlyList<RetainerChange> Compute(IReadOnlyList<Retainer> baseRetainers, IReadOnlyList<Retainer> newRetainers)
    {
        var byName = new Dictionary<string, (Retainer? Base, Retainer? New)>(StringComparer.Ordinal);
        foreach (var r in baseRetainers)
            byName[r.Signature] = (r, null);
        foreach (var r in newRetainers)
            byName[r.Signature] = (byName.GetValueOrDefault(r.Signature).Base, r);
        return byName.Values.Select(p => new RetainerChange(p.Base, p.New)).ToList();
    }

    /// <summary>Every retainer of either snapshot, biggest growth first (then by signature).</summary>
    public static IReadOnlyList<RetainerChange> Growth(AnalyzedSnapshot before, AnalyzedSnapshot after) =>
        Compute(Retainers.Compute(before), Retainers.Compute(after))
            .OrderByDescending(c => c.DeltaRetainedBytes)
            .ThenBy(c => c.Signature, StringComparer.Ordinal)
            .ToList();
}
