using HeapLens.Profiles;
using ValueType = HeapLens.Profiles.ValueType;

namespace HeapLens.Tests.Profiles;

/// <summary>
/// Two small allocation profiles whose differences are known by construction, and a Go-style CPU
/// profile (samples/count, cpu/nanoseconds), for exact-number tests of diffs.
/// </summary>
/// <remarks>
/// Base: Worker.Run (Worker.cs:42) allocates 6,400 strings (204,800 B); Main (Program.cs:10) 100 byte
/// arrays (102,400 B); Old.Gone (Old.cs:7) 50 int arrays (51,200 B). New: Worker.Run 9,600 strings
/// (307,200 B), Main the same arrays, Old.Gone nothing, Fresh.Make (Fresh.cs:5) 10 lists (40,960 B).
/// </remarks>
internal static class CraftedDiffProfiles
{
    public static Profile Base() => Build(strings: (6400, 204800), gone: (50, 51200), fresh: null, start: 1_700_000_000_000_000_000);

    public static Profile New() => Build(strings: (9600, 307200), gone: null, fresh: (10, 40960), start: 1_700_000_060_000_000_000);

    private static Profile Build((long, long) strings, (long, long)? gone, (long, long)? fresh, long start)
    {
        var builder = new AllocationProfileBuilder();
        ulong app = builder.Mapping("/app/App.dll", hasLineNumbers: true);
        builder.Mapping("/usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.12/System.Private.CoreLib.dll", hasLineNumbers: false);
        ulong main = builder.Location(builder.Function("App.Program.Main", "App.Program.Main", "/src/Program.cs"), 10, app, 0x1000);
        ulong work = builder.Location(builder.Function("App.Worker.Run", "App.Worker.Run", "/src/Worker.cs"), 42, app, 0x2000);
        builder.Add(builder.Stack([work, main]), "System.String", 32, strings.Item1, strings.Item2);
        builder.Add(builder.Stack([main]), "System.Byte[]", 1024, 100, 102400);
        if (gone is var (goneObjects, goneBytes))
        {
            ulong old = builder.Location(builder.Function("App.Old.Gone", "App.Old.Gone", "/src/Old.cs"), 7, app, 0x3000);
            builder.Add(builder.Stack([old, main]), "System.Int32[]", 1024, goneObjects, goneBytes);
        }
        if (fresh is var (freshObjects, freshBytes))
        {
            ulong make = builder.Location(builder.Function("App.Fresh.Make", "App.Fresh.Make", "/src/Fresh.cs"), 5, app, 0x4000);
            builder.Add(builder.Stack([make, main]), "System.Collections.Generic.List<System.Int32>", 4096, freshObjects, freshBytes);
        }
        return builder.Build(start, 30_000_000_000, 102400, ["crafted"]);
    }

    /// <summary>
    /// A CPU profile as Go's runtime/pprof writes one: samples/count and cpu/nanoseconds, a 10 ms period.
    /// main.work runs 50 ms itself and 30 ms in runtime.mallocgc: 80 ms in all, over one second.
    /// </summary>
    public static Profile GoCpu(long workNanos = 50_000_000, long mallocNanos = 30_000_000)
    {
        var profile = new Profile
        {
            PeriodType = new ValueType("cpu", "nanoseconds"),
            Period = 10_000_000,
            DurationNanos = 1_000_000_000,
            TimeNanos = 1_700_000_000_000_000_000,
        };
        profile.SampleTypes.Add(new ValueType("samples", "count"));
        profile.SampleTypes.Add(new ValueType("cpu", "nanoseconds"));
        profile.Mappings.Add(new Mapping { Id = 1, MemoryStart = 0x400000, MemoryLimit = 0x800000, FileName = "/bin/server", BuildId = "abc123", HasFunctions = true });
        string[] names = ["main.main", "main.work", "runtime.mallocgc"];
        for (int i = 0; i < names.Length; i++)
        {
            profile.Functions.Add(new Function { Id = (ulong)i + 1, Name = names[i], SystemName = names[i], FileName = $"/src/{names[i].Split('.')[0]}.go" });
            var location = new Location { Id = (ulong)i + 1, MappingId = 1, Address = 0x401000 + (ulong)i * 0x100 };
            location.Lines.Add(new Line((ulong)i + 1, 10 * (i + 1)));
            profile.Locations.Add(location);
        }
        profile.Samples.Add(new Sample { LocationIds = [2, 1], Values = [workNanos / 10_000_000, workNanos] });
        profile.Samples.Add(new Sample { LocationIds = [3, 2, 1], Values = [mallocNanos / 10_000_000, mallocNanos] });
        return profile;
    }
}
