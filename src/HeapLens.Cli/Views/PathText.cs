using HeapLens.Reports;

namespace HeapLens.Cli.Views;

/// <summary>Path segments in words: "Fixture.Node x 999,999", "... 999,976 more objects ...".</summary>
internal static class PathText
{
    public static string Segment(PathSegment segment)
    {
        if (segment.Elided == true)
            return $"... {Sizes.Count(segment.Count)} more objects ...";
        string type = TypeNames.Pretty(segment.Type ?? "");
        return segment.Count > 1 ? $"{type} x {Sizes.Count(segment.Count)}" : type;
    }

    /// <summary>A segment with what it retains: "(21.7 MB retained)", or for a run "(305 MB .. 32 B retained)".</summary>
    public static string Retained(PathSegment segment) => segment switch
    {
        { RetainedBytes: long first, LastRetainedBytes: long last } => $" ({Sizes.Format(first)} .. {Sizes.Format(last)} retained)",
        { RetainedBytes: long first } => $" ({Sizes.Format(first)} retained)",
        _ => "",
    };

    /// <summary>"accumulates 50,000 x T (53.0 MB, 54.0% of the heap)" or "accumulates a linked list of 1,000,000 T (...)".</summary>
    public static string Accumulates(AccumulationRow a, long heapBytes)
    {
        string type = TypeNames.Pretty(a.Type);
        string what = a.Shape == Analysis.AccumulationShape.LinkedList
            ? $"a linked list of {Sizes.Count(a.Count)} {type}"
            : $"{Sizes.Count(a.Count)} x {type}";
        return $"accumulates {what} ({Sizes.Format(a.Bytes)}, {Sizes.Percent(a.Bytes, heapBytes)} of the heap)";
    }
}
