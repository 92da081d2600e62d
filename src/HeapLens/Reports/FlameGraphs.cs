using System.Collections.Concurrent;
using HeapLens.Profiles;

namespace HeapLens.Reports;

/// <summary>
/// The flame graphs of one profile, or of a pair (a diff): each sample type's stacks merged into a call
/// tree once, on first use, and kept, so that the whole graph and every zoomed view of it are cut from the
/// same tree without merging the samples again. Thread-safe.
/// </summary>
public sealed class FlameGraphs
{
    private readonly string _file;
    private readonly Profile _profile;
    private readonly ProfilePair? _pair;
    private readonly Lazy<ProfileIndex> _index;
    private readonly ConcurrentDictionary<int, Lazy<Merged>> _trees = new();

    public FlameGraphs(string file, Profile profile)
    {
        _file = file;
        _profile = profile;
        _index = new Lazy<ProfileIndex>(() => new ProfileIndex(profile));
    }

    public FlameGraphs(ProfilePair pair)
        : this(pair.NewPath, pair.New) => _pair = pair;

    /// <summary>Whether <paramref name="sampleType"/> is one of the profile's (null: its default).</summary>
    public bool Has(string? sampleType) => sampleType is null || _profile.SampleTypeIndex(sampleType) >= 0;

    /// <summary>
    /// The graph in one sample type (null: the profile's default), boxes narrower than <paramref name="minShare"/>
    /// left out; zoomed to the box at the end of <paramref name="focus"/> (names from a root) when given, and
    /// then pruned at that share of the box's width.
    /// </summary>
    public FlameGraphReport Create(string? sampleType, double minShare = FlameGraphReport.DefaultMinShare, IReadOnlyList<string>? focus = null)
    {
        FlameGraphReport.CheckShare(minShare);
        int valueIndex = _index.Value.ValueIndex(sampleType);
        var merged = _trees.GetOrAdd(valueIndex, i => new Lazy<Merged>(() => Merge(i))).Value;
        var tree = merged.Tree;
        int node = -1;
        if (focus is { Count: > 0 })
        {
            node = tree.Find(focus);
            if (node < 0)
                throw new HeapLensException($"the flame graph has no call path {SafeText.Of(string.Join(" > ", focus))}"); // names from a request
        }
        long width = node < 0 ? merged.Total + (merged.BaseTotal ?? 0) : tree.WidthOf(node);
        var nodes = tree.Preorder(node, (long)Math.Ceiling(width * minShare), diff: _pair is not null, out long prunedValue, out int prunedNodes);
        var type = _profile.SampleTypes[valueIndex];
        return new FlameGraphReport(_file, type.Type, type.Unit, _profile.SampleTypes.Select(t => t.Type).ToList(),
            merged.Total, minShare, prunedValue, prunedNodes, nodes, _pair?.BasePath, merged.BaseTotal, node < 0 ? null : focus);
    }

    private Merged Merge(int valueIndex)
    {
        var tree = new FlameCallTree();
        long total = tree.Add(_profile, _index.Value, valueIndex, tree.Values, tree.Selfs);
        long? baseTotal = null;
        if (_pair is not null)
        {
            var baseProfile = _pair.Base;
            baseTotal = tree.Add(baseProfile, new ProfileIndex(baseProfile), baseProfile.SampleTypeIndex(_profile.SampleTypes[valueIndex].Type), tree.BaseValues, tree.BaseSelfs);
        }
        tree.Freeze();
        return new Merged(tree, total, baseTotal);
    }

    private sealed record Merged(FlameCallTree Tree, long Total, long? BaseTotal);
}
