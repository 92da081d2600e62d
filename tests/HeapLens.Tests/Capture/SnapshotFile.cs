using System.Text.Json;
using HeapLens.Tests.Infrastructure;
using Xunit;

namespace HeapLens.Tests.Capture;

internal static class SnapshotFile
{
    /// <summary>How many Fixture.Item a snapshot file holds, read back by the real `heaplens top`.</summary>
    public static long ItemCount(string file)
    {
        var top = HeapLensCli.Run("top", file, "-n", "100", "--format", "json");
        Assert.True(top.ExitCode == 0, top.StandardError);
        using var json = JsonDocument.Parse(top.StandardOutput);
        return json.RootElement.GetProperty("types").EnumerateArray()
            .Single(t => t.GetProperty("type").GetString() == "Fixture.Item").GetProperty("count").GetInt64();
    }
}
