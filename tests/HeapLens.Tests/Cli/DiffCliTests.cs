using System.Text.Json;
using HeapLens.Tests.Infrastructure;
using Xunit;

namespace HeapLens.Tests.Cli;

/// <summary>Snapshot, add a known number of objects, snapshot, diff.</summary>
public class DiffCliTests
{
    private const int Added = 75_000;
    private const int ItemSize = 32;

    private static JsonElement Diff(string before, string after, string by)
    {
        var result = HeapLensCli.Run("diff", before, after, "--by", by, "-n", "100000", "--format", "json");
        Assert.True(result.ExitCode == 0, result.StandardError);
        return JsonDocument.Parse(result.StandardOutput).RootElement;
    }

    private static string Snapshot(TargetProcess target, string file)
    {
        var result = HeapLensCli.Run("snapshot", "-p", target.Id.ToString(), "-o", file);
        Assert.True(result.ExitCode == 0, result.StandardError);
        return file;
    }

    [Fact]
    public void Objects_added_between_snapshots_show_exactly_and_the_static_field_is_named()
    {
        using var target = TargetProcess.StartTestTarget();
        target.Send("items 25000");
        target.Send("chain 1000");
        using var directory = new TempDirectory();
        string before = Snapshot(target, directory.File("before.heapsnap"));
        target.Send($"items {Added}");
        target.Send("garbage 100000");
        string after = Snapshot(target, directory.File("after.heapsnap"));

        var byType = Diff(before, after, "type");
        var types = byType.GetProperty("types").EnumerateArray().ToDictionary(t => t.GetProperty("type").GetString()!);
        var items = types["Fixture.Item"];
        Assert.Equal(25_000, items.GetProperty("baseCount").GetInt64());
        Assert.Equal(25_000 + Added, items.GetProperty("newCount").GetInt64());
        Assert.Equal(Added, items.GetProperty("deltaCount").GetInt64());
        Assert.Equal((long)Added * ItemSize, items.GetProperty("deltaShallowBytes").GetInt64());
        var chain = types["Fixture.ChainNode"];
        Assert.Equal(0, chain.GetProperty("deltaCount").GetInt64());
        Assert.Equal(0, chain.GetProperty("deltaShallowBytes").GetInt64());
        Assert.Equal("unchanged", chain.GetProperty("status").GetString());
        // The biggest retained growth: the list that holds the new items and its array (they grow alike).
        Assert.Contains(byType.GetProperty("types")[0].GetProperty("type").GetString(),
            new[] { "System.Collections.Generic.List`1[Fixture.Item]", "Fixture.Item[]" });
        Assert.True(types["System.Collections.Generic.List`1[Fixture.Item]"].GetProperty("deltaRetainedBytes").GetInt64() >= (long)Added * ItemSize);
        Assert.Empty(byType.GetProperty("warnings").EnumerateArray());

        var byRetainer = Diff(before, after, "retainer");
        var top = byRetainer.GetProperty("retainers")[0];
        Assert.Equal("static Fixture.Holder.s_items", top.GetProperty("root").GetString());
        Assert.True(top.GetProperty("deltaRetainedBytes").GetInt64() >= (long)Added * ItemSize);
        Assert.Equal("Fixture.Item", top.GetProperty("accumulates").GetProperty("type").GetString());
        Assert.Equal(Added, top.GetProperty("accumulates").GetProperty("deltaCount").GetInt64());

        var text = HeapLensCli.Run("diff", before, after, "--by", "retainer");
        Assert.Contains($"static Fixture.Holder.s_items", text.StandardOutput);
        Assert.Contains($"+{Added:N0} Fixture.Item", text.StandardOutput);
    }

    [Fact]
    public void Snapshot_then_diff_names_what_grew_in_one_step()
    {
        using var target = TargetProcess.StartTestTarget();
        using var directory = new TempDirectory();
        string before = Snapshot(target, directory.File("before.heapsnap"));
        target.Send("items 5000");

        var result = HeapLensCli.Run("snapshot", "-p", target.Id.ToString(), "-o", directory.File("after.heapsnap"), "--then-diff", before);

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains("static Fixture.Holder.s_items", result.StandardOutput);
        Assert.Contains("+5,000 Fixture.Item", result.StandardOutput);

        var badBase = HeapLensCli.Run("snapshot", "-p", target.Id.ToString(), "-o", directory.File("never.heapsnap"), "--then-diff", directory.File("missing.heapsnap"));
        Assert.Equal(1, badBase.ExitCode);
        Assert.False(File.Exists(directory.File("never.heapsnap")));
    }

    [Fact]
    public void A_snapshot_diffed_with_itself_is_all_zeros()
    {
        using var target = TargetProcess.StartTestTarget();
        target.Send("items 10000");
        using var directory = new TempDirectory();
        string file = Snapshot(target, directory.File("only.heapsnap"));

        foreach (string by in new[] { "type", "retainer" })
        {
            var diff = Diff(file, file, by);
            var rows = diff.GetProperty(by == "type" ? "types" : "retainers").EnumerateArray().ToList();
            Assert.NotEmpty(rows);
            Assert.All(rows, row => Assert.Equal(0, row.GetProperty("deltaRetainedBytes").GetInt64()));
            if (by == "type")
                Assert.All(rows, row => Assert.Equal(0, row.GetProperty("deltaCount").GetInt64()));
        }
    }

    [Fact]
    public void Snapshots_of_different_processes_are_compared_with_a_warning()
    {
        using var first = TargetProcess.StartTestTarget();
        using var second = TargetProcess.StartTestTarget();
        second.Send("items 1000");
        using var directory = new TempDirectory();
        string a = Snapshot(first, directory.File("a.heapsnap"));
        string b = Snapshot(second, directory.File("b.heapsnap"));

        var diff = Diff(a, b, "type");

        Assert.Contains("different processes", diff.GetProperty("warnings")[0].GetString());
        var text = HeapLensCli.Run("diff", a, b);
        Assert.Contains("warning: the snapshots come from different processes", text.StandardOutput);
    }
}
