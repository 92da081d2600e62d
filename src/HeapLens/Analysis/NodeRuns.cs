using HeapLens.Snapshots;

namespace HeapLens.Analysis;

/// <summary>
/// Consecutive objects of one type on a path: a linked list of a million nodes is one run, so a path
/// is as long as the number of type changes along it, not the number of objects.
/// </summary>
/// <param name="First">The run's first object (nearest the root).</param>
/// <param name="Last">The run's last object; equal to First when Count is 1.</param>
public readonly record struct NodeRun(int TypeIndex, int First, int Last, int Count);

/// <summary>Builds runs from objects given one at a time, in path order or in reverse.</summary>
internal sealed class NodeRunBuilder(HeapSnapshot snapshot)
{
    private readonly List<NodeRun> _runs = [];

    public int LastNode { get; private set; } = -1;

    public void Add(int node)
    {
        int type = snapshot.TypeIndex[node];
        LastNode = node;
        if (_runs.Count > 0 && _runs[^1].TypeIndex == type)
        {
            var run = _runs[^1];
            _runs[^1] = run with { Last = node, Count = run.Count + 1 };
            return;
        }
        _runs.Add(new NodeRun(type, node, node, 1));
    }

    /// <summary>The runs so far, root first: the builder's own list, so later adds show in it.</summary>
    public List<NodeRun> InOrder() => _runs;

    /// <summary>The runs of objects that were added from the far end (the target) back to the root.</summary>
    public List<NodeRun> Reversed()
    {
        var result = new List<NodeRun>(_runs.Count);
        for (int i = _runs.Count - 1; i >= 0; i--)
        {
            var run = _runs[i];
            result.Add(run with { First = run.Last, Last = run.First });
        }
        return result;
    }
}
