using System.Text.Json;
using HeapLens.Tests.Infrastructure;
using Xunit;

namespace HeapLens.Tests.Cli;

/// <summary>Retained sizes, paths and suspects on a real target that knows what it holds.</summary>
public class RetentionCliTests
{
    private const int Arrays = 200;
    private const int ArrayLength = 100_000;

    private static string SnapshotOf(TargetProcess target, TempDirectory directory)
    {
        string file = directory.File("target.heapsnap");
        var result = HeapLensCli.Run("snapshot", "-p", target.Id.ToString(), "-o", file);
        Assert.True(result.ExitCode == 0, result.StandardError);
        return file;
    }

    private static JsonDocument Json(params string[] arguments)
    {
        var result = HeapLensCli.Run([.. arguments, "--format", "json"]);
        Assert.True(result.ExitCode == 0, result.StandardError);
        return JsonDocument.Parse(result.StandardOutput);
    }

    [Fact]
    public void A_static_list_of_arrays_retains_them_and_is_named_by_paths_and_suspects()
    {
        using var target = TargetProcess.StartTestTarget();
        int capacity = int.Parse(target.Send($"arrays {Arrays} {ArrayLength}").Split("capacity=")[1]);
        // Exactly what the list keeps alive: itself, its backing byte[][] and the arrays it holds.
        long listRetains = ObjectSizes.ListOfReferences + ObjectSizes.ReferenceArray(capacity) + Arrays * ObjectSizes.ByteArray(ArrayLength);
        using var directory = new TempDirectory();
        string file = SnapshotOf(target, directory);

        using (var top = Json("top", file, "--by", "retained", "-n", "50"))
        {
            var list = top.RootElement.GetProperty("types").EnumerateArray()
                .Single(t => t.GetProperty("type").GetString() == "System.Collections.Generic.List`1[System.Byte[]]");
            Assert.Equal(listRetains, list.GetProperty("retainedBytes").GetInt64());
            Assert.Equal(ObjectSizes.ListOfReferences, list.GetProperty("shallowBytes").GetInt64());
        }

        using (var paths = Json("paths", file, "--type", "System.Byte[]", "-n", "3"))
        {
            var all = paths.RootElement.GetProperty("paths").EnumerateArray().ToList();
            Assert.Equal(3, all.Count);
            foreach (var path in all)
            {
                Assert.Equal("static Fixture.Holder.s_arrays", path.GetProperty("root").GetString());
                var hops = path.GetProperty("hops").EnumerateArray().Select(h => h.GetProperty("type").GetString()).ToList();
                Assert.Equal(["System.Collections.Generic.List`1[System.Byte[]]", "System.Byte[][]", "System.Byte[]"], hops);
                Assert.Equal(ObjectSizes.ByteArray(ArrayLength), path.GetProperty("retainedBytes").GetInt64());
            }
        }

        using (var suspects = Json("suspects", file))
        {
            var first = suspects.RootElement.GetProperty("suspects").EnumerateArray().First();
            Assert.Equal("static Fixture.Holder.s_arrays", first.GetProperty("root").GetString());
            var accumulates = first.GetProperty("accumulates");
            Assert.Equal("System.Byte[]", accumulates.GetProperty("type").GetString());
            Assert.Equal(Arrays, accumulates.GetProperty("count").GetInt32());
            Assert.Equal(Arrays * ObjectSizes.ByteArray(ArrayLength), accumulates.GetProperty("bytes").GetInt64());
            Assert.Equal(listRetains, first.GetProperty("retainedBytes").GetInt64());
        }
    }

    [Fact]
    public void Two_holders_sharing_an_array_retain_none_of_it()
    {
        using var target = TargetProcess.StartTestTarget();
        target.Send("shared 100000");
        using var directory = new TempDirectory();
        string file = SnapshotOf(target, directory);

        using var top = Json("top", file, "--by", "retained", "-n", "200");
        var types = top.RootElement.GetProperty("types").EnumerateArray()
            .ToDictionary(t => t.GetProperty("type").GetString()!, t => t);
        var holders = types["Fixture.SharedHolder"];
        Assert.Equal(2, holders.GetProperty("count").GetInt64());
        // Each holder retains only itself: the array is reachable through either one.
        Assert.Equal(holders.GetProperty("shallowBytes").GetInt64(), holders.GetProperty("retainedBytes").GetInt64());
        var array = types["Fixture.SharedItem[]"];
        // The array and the items in it, each item a header, a method table pointer and one long.
        Assert.Equal(ObjectSizes.ReferenceArray(100_000) + 100_000L * 24, array.GetProperty("retainedBytes").GetInt64());

        using var dominators = Json("dominators", file, "--depth", "2", "--min-percent", "0.1");
        var rows = dominators.RootElement.GetProperty("roots").EnumerateArray().ToList();
        Assert.Contains(rows, r => r.GetProperty("type").GetString() == "Fixture.SharedItem[]"
            && r.GetProperty("children").EnumerateArray().Any(c => c.GetProperty("count").GetInt32() == 100_000));
    }

    [Fact]
    public void Paths_and_top_refuse_bad_arguments_in_one_line()
    {
        using var target = TargetProcess.StartTestTarget();
        using var directory = new TempDirectory();
        string file = SnapshotOf(target, directory);

        foreach (var (arguments, expected) in new[]
        {
            (new[] { "paths", file }, "exactly one of --type or --address"),
            (new[] { "paths", file, "--type", "NoSuchTypeAnywhere" }, "no type in the snapshot matches"),
            (new[] { "paths", file, "--type", "System.S" }, "types match"),
            (new[] { "paths", file, "--address", "0x1" }, "no object starts at 0x1"),
            (new[] { "paths", file, "--address", "zz" }, "not a hexadecimal address"),
            (new[] { "top", file, "-n", "0" }, "--rows must be a positive number"),
            (new[] { "dominators", file, "--depth", "0" }, "--depth must be a positive number"),
            (new[] { "dominators", file, "--depth", "101" }, "--depth can be at most 100"),
        })
        {
            var result = HeapLensCli.Run(arguments);
            Assert.Equal(1, result.ExitCode);
            Assert.Contains(expected, result.StandardError);
            Assert.Single(result.StandardError.TrimEnd('\n').Split('\n'));
        }
    }
}
