using System.IO.Compression;
using HeapLens.Formats.Pprof;
using HeapLens.Profiles;
using ProfileValueType = HeapLens.Profiles.ValueType;

namespace HeapLens.Tests.Hostile;

/// <summary>pprof profiles built field by field, bypassing the builder's checks and escaping, as an attacker would.</summary>
internal static class CraftedProfiles
{
    /// <summary>Two functions, one stack, the given names and values (alloc_objects, alloc_space).</summary>
    public static Profile Build(string leafName = "App.Worker.Run", string leafFile = "/src/Worker.cs",
        string callerName = "App.Program.Main", params (long Objects, long Bytes)[] values)
    {
        var profile = new Profile { DefaultSampleType = "alloc_space", Period = 102400, DurationNanos = 1_000_000_000 };
        profile.SampleTypes.Add(new ProfileValueType("alloc_objects", "count"));
        profile.SampleTypes.Add(new ProfileValueType("alloc_space", "bytes"));
        profile.Functions.Add(new Function { Id = 1, Name = leafName, SystemName = leafName, FileName = leafFile });
        profile.Functions.Add(new Function { Id = 2, Name = callerName, SystemName = callerName, FileName = "/src/Program.cs" });
        var leaf = new Location { Id = 1, Address = 0x1000 };
        leaf.Lines.Add(new Line(1, 3));
        var caller = new Location { Id = 2, Address = 0x2000 };
        caller.Lines.Add(new Line(2, 10));
        profile.Locations.Add(leaf);
        profile.Locations.Add(caller);
        if (values.Length == 0)
            values = [(10, 320)];
        foreach (var (objects, bytes) in values)
            profile.Samples.Add(new Sample { LocationIds = [1, 2], Values = [objects, bytes] });
        return profile;
    }

    public static byte[] Gzipped(Profile profile)
    {
        var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
            PprofWriter.Write(profile, gzip);
        return buffer.ToArray();
    }

    public static byte[] Uncompressed(Profile profile)
    {
        var buffer = new MemoryStream();
        PprofWriter.Write(profile, buffer);
        return buffer.ToArray();
    }

    /// <summary>gzip of <paramref name="pattern"/> repeated until <paramref name="bytes"/> bytes, streamed.</summary>
    public static byte[] GzippedRepeat(byte[] pattern, long bytes)
    {
        var chunk = new byte[64 * 1024 / pattern.Length * pattern.Length];
        for (int i = 0; i < chunk.Length; i++)
            chunk[i] = pattern[i % pattern.Length];
        var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
            for (long written = 0; written < bytes; written += chunk.Length)
                gzip.Write(chunk);
        return buffer.ToArray();
    }
}
