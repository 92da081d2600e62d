using HeapLens.Profiles;

namespace HeapLens.Reports;

/// <summary>
/// One box of a flame graph: a function called along one path from the roots of the stacks.
/// </summary>
/// <param name="Parent">The index of the caller's box in <see cref="FlameGraphReport.Nodes"/>, -1 for a root.</param>
/// <param name="Value">What this call path and everything it calls account for (the box's width).</param>
/// <param name="Self">What this call path accounts for as the leaf.</param>
/// <param name="BaseValue">In a profile diff only: <paramref name="Value"/> in the base profile (Value is the new one's).</param>
/// <param name="Change">In a profile diff only: Value minus BaseValue, what this call path grew (negative: shrank).</param>
/// <remarks>A diff's box is drawn Value + BaseValue wide (see <see cref="FlameGraphReport.BaseTotal"/>).</remarks>
public sealed record FlameNode(string Name, int Parent, int Depth, long Value, long Self, long? BaseValue = null, long? Change = null);

/// <summary>
/// A profile's stacks merged into a call tree (root first), for a flame graph (icicle) in one sample type.
/// Boxes narrower than <see cref="MinShare"/> of the total are left out (with their callees) and counted in
/// <see cref="PrunedValue"/> (<see cref="PrunedNodes"/> counts the boxes cut, not their callees): a million samples turn into the few thousand boxes a screen can show.
/// </summary>
/// <param name="SampleTypes">Every sample type of the profile, what a viewer can switch to.</param>
/// <param name="Nodes">In preorder, callees biggest first, so each box's children follow it.</param>
/// <param name="BaseFile">In a profile diff only: the base profile; <paramref name="File"/> is then the new one.</param>
/// <param name="BaseTotal">
/// In a profile diff only: the base's total. A diff's boxes are as wide as the base's and the new profile's
/// values together (Total + BaseTotal across), the way Pyroscope's diff flame graph sizes them: a sum nests
/// (a caller is as wide as its callees and its self), which the larger of the two or |change| do not (two
/// callees that swapped sizes would overflow their caller), and vanished and new frames both stay visible.
/// <see cref="MinShare"/> and <see cref="PrunedValue"/> are then of that combined width.
/// </param>
/// <param name="Focus">
/// When zoomed: the call path (names from a root) of the box zoomed to. <see cref="Nodes"/> then start with
/// its callers, one box each, then the box and its callees, pruned at <see cref="MinShare"/> of the box's own
/// width (not of the total): boxes too narrow for the whole graph come back once their caller fills the screen.
/// <see cref="PrunedValue"/> and <see cref="PrunedNodes"/> count what is left out below the box.
/// </param>
public sealed record FlameGraphReport(
    string File,
    string SampleType,
    string Unit,
    IReadOnlyList<string> SampleTypes,
    long Total,
    double MinShare,
    long PrunedValue,
    int PrunedNodes,
    IReadOnlyList<FlameNode> Nodes,
    string? BaseFile = null,
    long? BaseTotal = null,
    IReadOnlyList<string>? Focus = null)
{
    /// <summary>One pixel of a 2000-pixel-wide graph.</summary>
    public const double DefaultMinShare = 1.0 / 2000;

    public static FlameGraphReport Create(string file, Profile profile, string? sampleType, double minShare = DefaultMinShare) =>
        new FlameGraphs(file, profile).Create(sampleType, minShare);

    /// <summary>
    /// A differential flame graph of two profiles (normalized when the pair is): one tree of both, each box
    /// with the new value, the base value and the change, as wide as both values together.
    /// </summary>
    public static FlameGraphReport Create(ProfilePair pair, string? sampleType, double minShare = DefaultMinShare) =>
        new FlameGraphs(pair).Create(sampleType, minShare);

    internal static void CheckShare(double minShare)
    {
        if (!(minShare >= 0 && minShare < 1))
            throw new HeapLensException($"the smallest share shown must be in [0, 1), not {minShare}");
    }
}
