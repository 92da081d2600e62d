using System.CommandLine;
using System.Globalization;
using HeapLens.Analysis;
using HeapLens.Cli.Infrastructure;
using HeapLens.Cli.Reports;

namespace HeapLens.Cli.Commands;

internal static class PathsCommand
{
    public static Command Create()
    {
        var file = CommonOptions.SnapshotFile();
        var type = new Option<string?>("--type", "-t")
        {
            Description = "Instances of this type (full name, or a unique end or part of it).",
        };
        var address = new Option<string?>("--address", "-a")
        {
            Description = "The object at this address (hex, e.g. 0x7f3a1c000018).",
        };
        var rows = CommonOptions.Rows(5, "How many instances to show paths for (those retaining the most).");
        var format = OutputFormatOption.Create();
        var command = new Command("paths", "Shortest paths from GC roots to the instances of a type that retain the most.")
        {
            file, type, address, rows, format,
        };
        command.SetAction(result => CommandRunner.Run(() =>
        {
            string? typeName = result.GetValue(type);
            string? at = result.GetValue(address);
            if (typeName is null == at is null)
                throw new HeapLensException("give exactly one of --type or --address");
            int count = result.PositiveRows(rows);
            var (snapshot, tree) = SnapshotLoader.LoadAnalyzed(result.GetValue(file)!);
            int[] targets = typeName is not null
                ? ObjectsOfType(snapshot.TypeIndex, TypeLookup.Find(snapshot, typeName), tree.RetainedSize, count)
                : [ObjectAt(snapshot, at!)];
            var report = new PathsReport(snapshot, tree, ShortestPaths.Compute(snapshot), targets, typeName);
            return Report.Write(report, result.GetValue(format));
        }));
        return command;
    }

    private static int[] ObjectsOfType(int[] typeIndex, int type, long[] retained, int count)
    {
        var instances = new List<int>();
        for (int node = 0; node < typeIndex.Length; node++)
            if (typeIndex[node] == type)
                instances.Add(node);
        return instances.OrderByDescending(n => retained[n]).ThenBy(n => n).Take(count).ToArray();
    }

    private static int ObjectAt(Snapshots.HeapSnapshot snapshot, string text)
    {
        string digits = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        if (!ulong.TryParse(digits, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong address))
            throw new HeapLensException($"'{text}' is not a hexadecimal address");
        int node = DataStructures.AddressIndex.For(snapshot.Addresses).Find(address);
        return node >= 0 ? node : throw new HeapLensException($"no object starts at 0x{address:x} in this snapshot");
    }
}
