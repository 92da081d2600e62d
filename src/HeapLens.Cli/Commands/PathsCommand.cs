using System.CommandLine;
using HeapLens.Cli.Infrastructure;
using HeapLens.Cli.Views;
using HeapLens.Reports;
using HeapLens.Snapshots;

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
            // A malformed address is refused before the snapshot is read.
            ulong? wanted = at is null ? null : ObjectAddress.Parse(at);
            var analyzed = SnapshotLoader.LoadAnalyzed(result.GetValue(file)!);
            var report = wanted is { } a ? PathsReport.ForAddress(analyzed, a) : PathsReport.ForType(analyzed, typeName!, count);
            return ReportOutput.Write(report, result.GetValue(format), PathsView.Write);
        }));
        return command;
    }
}
