using System.Globalization;

namespace HeapLens.Collection;

/// <summary>
/// What survivor tracking found at the end of an inuse window.
/// </summary>
/// <param name="WalkGc">The number of the induced full GC that ended the window (-1 when there was none).</param>
/// <param name="GcsFollowed">GCs whose movement was applied to the sampled objects.</param>
/// <param name="Tracked">Sampled objects that movement says were alive after the walk's GC.</param>
/// <param name="Confirmed">Of those, the ones the heap walk holds with the same type at the same address.</param>
/// <param name="HeapObjects">Objects the heap walk listed.</param>
/// <param name="Problem">Why there is no inuse, or null when there is.</param>
public sealed record InuseSummary(int WalkGc, int GcsFollowed, long Tracked, long Confirmed, long HeapObjects, string? Problem)
{
    /// <summary>The GC events that survivor tracking added to the recording (moved and surviving ranges, generation ranges, GC start and end).</summary>
    public long MovementEvents { get; init; }

    public static InuseSummary Unavailable(string problem) => new(-1, 0, 0, 0, 0, problem);

    public bool Available => Problem is null;

    /// <summary>The profile comment that says where inuse comes from, or why it is missing.</summary>
    public string Comment(int eventsLost)
    {
        if (!Available)
            return $"inuse unavailable: {Problem}";
        string text = string.Create(CultureInfo.InvariantCulture,
            $"inuse: sampled objects still alive after the full GC #{WalkGc} induced at the end of the window ({Confirmed:N0} of {Tracked:N0} tracked through {GcsFollowed:N0} GCs confirmed by its heap walk)");
        return eventsLost > 0
            ? text + string.Create(CultureInfo.InvariantCulture, $"; WARNING: {eventsLost:N0} events lost, inuse may be wrong")
            : text;
    }
}
