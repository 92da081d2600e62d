using System.Globalization;
using HeapLens.Collection;
using HeapLens.Profiles;

namespace HeapLens.Reports;

/// <summary>
/// What `allocs` says once the profile is written: where, from which events, the estimated totals, and
/// notes on anything that makes them less than complete (biased events, lost events, a target that exited).
/// </summary>
/// <param name="Output">The profile written.</param>
/// <param name="Source">Which allocation events the estimates come from.</param>
/// <param name="Biased">True when those are GCAllocationTick events, whose estimates are biased.</param>
/// <param name="Samples">Allocation events read.</param>
public sealed record AllocsReport(
    string Output,
    AllocationEventKind Source,
    bool Biased,
    long Samples,
    double DurationSeconds,
    long EstimatedObjects,
    long EstimatedBytes,
    int EventsLost,
    bool HasRundown,
    bool TargetExited,
    IReadOnlyList<ReportNote> Notes)
{
    /// <summary>Estimated objects allocated in the window and still alive at its end; null without inuse.</summary>
    public long? InuseObjects { get; init; }

    /// <summary>Estimated bytes of those objects; null without inuse.</summary>
    public long? InuseBytes { get; init; }

    /// <summary>How the survivors were found (or why not); null when inuse was not asked for.</summary>
    public InuseSummary? Inuse { get; init; }

    public static AllocsReport Create(AllocationConversion conversion, string outputPath, bool targetExited) => new(
        outputPath,
        conversion.Source,
        conversion.IsBiased,
        conversion.Samples,
        Math.Round(conversion.Profile.DurationNanos / 1e9, 3),
        Sum(conversion.Profile, AllocationProfileBuilder.ObjectsType),
        Sum(conversion.Profile, AllocationProfileBuilder.SpaceType),
        conversion.EventsLost,
        conversion.HasRundown,
        targetExited,
        NotesOn(conversion, targetExited))
    {
        InuseObjects = conversion.Inuse is { Available: true } ? Sum(conversion.Profile, AllocationProfileBuilder.InuseObjectsType) : null,
        InuseBytes = conversion.Inuse is { Available: true } ? Sum(conversion.Profile, AllocationProfileBuilder.InuseSpaceType) : null,
        Inuse = conversion.Inuse,
    };

    private static List<ReportNote> NotesOn(AllocationConversion conversion, bool targetExited)
    {
        var notes = new List<ReportNote>();
        if (conversion.IsBiased)
            notes.Add(new(NoteLevel.Note, "no AllocationSampled events (a runtime before .NET 10, or a trace recorded without keyword 0x80000000000); the estimates come from GCAllocationTick, which is biased for periodic allocation patterns"));
        if (conversion.Samples == 0)
            notes.Add(new(NoteLevel.Note, "no allocation events were recorded (was the target allocating? for --from, record with --providers Microsoft-Windows-DotNETRuntime:0x80000000000:5)"));
        if (conversion.EventsLost > 0)
            notes.Add(new(NoteLevel.Warning, $"the runtime dropped {conversion.EventsLost.ToString("N0", CultureInfo.InvariantCulture)} events; totals are underestimated"
                                             + (conversion.Inuse is { Available: true } ? " and inuse may be wrong (a lost GC movement event misplaces objects)" : "")));
        if (conversion.Inuse is { Problem: { } problem })
            notes.Add(new(NoteLevel.Warning, $"inuse is unavailable: {problem}; the profile has alloc_objects and alloc_space only"));
        if (targetExited)
            notes.Add(new(NoteLevel.Warning, "the process exited during the capture; frames of methods it never described stay unresolved"));
        else if (!conversion.HasRundown && conversion.Samples > 0)
            notes.Add(new(NoteLevel.Warning, "the trace ends without rundown (cut short, or the process exited while it was recorded); frames of some methods stay unresolved"));
        return notes;
    }

    private static long Sum(Profile profile, string type)
    {
        int index = profile.SampleTypeIndex(type);
        return index < 0 ? 0 : profile.Samples.Sum(s => s.Values[index]);
    }
}
