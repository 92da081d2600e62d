using HeapLens.Collection;
using HeapLens.Profiles;

namespace HeapLens.Cli.Reports;

/// <summary>The few lines `heaplens allocs` prints once the profile is written.</summary>
internal static class AllocsSummary
{
    public static object Json(AllocationConversion conversion, string outputPath, bool targetExited) => new
    {
        output = outputPath,
        source = conversion.Source,
        biased = conversion.IsBiased,
        samples = conversion.Samples,
        durationSeconds = Math.Round(conversion.Profile.DurationNanos / 1e9, 3),
        estimatedObjects = Sum(conversion.Profile, AllocationProfileBuilder.ObjectsType),
        estimatedBytes = Sum(conversion.Profile, AllocationProfileBuilder.SpaceType),
        eventsLost = conversion.EventsLost,
        hasRundown = conversion.HasRundown,
        targetExited,
    };

    public static void Write(AllocationConversion conversion, string outputPath, bool targetExited)
    {
        var profile = conversion.Profile;
        long objects = Sum(profile, AllocationProfileBuilder.ObjectsType);
        long bytes = Sum(profile, AllocationProfileBuilder.SpaceType);
        var duration = TimeSpan.FromTicks(profile.DurationNanos / 100);
        Console.Out.WriteLine($"Wrote {outputPath}");
        Console.Out.WriteLine(
            $"{Sizes.Count(conversion.Samples)} samples over {duration.TotalSeconds:0.0}s: an estimated {Sizes.Format(bytes)} in {Sizes.Count(objects)} objects allocated");
        if (conversion.IsBiased)
            Console.Out.WriteLine("note: no AllocationSampled events (a runtime before .NET 10, or a trace recorded without keyword 0x80000000000); the estimates come from GCAllocationTick, which is biased for periodic allocation patterns");
        if (conversion.Samples == 0)
            Console.Out.WriteLine("note: no allocation events were recorded (was the target allocating? for --from, record with --providers Microsoft-Windows-DotNETRuntime:0x80000000000:5)");
        if (conversion.EventsLost > 0)
            Console.Out.WriteLine($"warning: the runtime dropped {Sizes.Count(conversion.EventsLost)} events; totals are underestimated");
        if (targetExited)
            Console.Out.WriteLine("warning: the process exited during the capture; frames of methods it never described stay unresolved");
        else if (!conversion.HasRundown && conversion.Samples > 0)
            Console.Out.WriteLine("warning: the trace ends without rundown (cut short, or the process exited while it was recorded); frames of some methods stay unresolved");
        Console.Out.WriteLine($"Next: heaplens top {outputPath}   or   go tool pprof -top {outputPath}");
    }

    private static long Sum(Profile profile, string type)
    {
        int index = profile.SampleTypeIndex(type);
        return index < 0 ? 0 : profile.Samples.Sum(s => s.Values[index]);
    }
}
