using System.CommandLine;
using HeapLens.Cli.Infrastructure;
using HeapLens.Cli.Views;
using HeapLens.Formats.HeapSnap;
using HeapLens.Formats.Pprof;
using HeapLens.Reports;

namespace HeapLens.Cli.Commands;

/// <summary>Snapshots compare by type or retainer; profiles by function, line or stack.</summary>
internal enum DiffGrouping { Type, Retainer, Function, Line, Stack }

internal static class DiffCommand
{
    public static Command Create()
    {
        var baseFile = CommonOptions.SnapshotFile("base", "The earlier snapshot (.heapsnap) or profile (.pb.gz).");
        var newFile = CommonOptions.SnapshotFile("new", "The later snapshot (.heapsnap) or profile (.pb.gz).");
        var by = new Option<DiffGrouping?>("--by")
        {
            Description = "Snapshots: per type (default), or per retainer (what holds the memory: a static field, a root kind). " +
                          "Profiles: per function (default, flat and cum), per source line (file:line) or per full stack.",
            HelpName = CommonOptions.ChoiceNames<DiffGrouping>(),
        };
        var rows = CommonOptions.Rows(20, "How many rows to show.");
        var sort = TypeOrderOption.Create("--sort",
            "Snapshots, with --by type: sort by growth of retained bytes, shallow bytes or instance count.",
            TypeOrder.Retained);
        var format = OutputFormatOption.Create();
        var command = new Command("diff", "What grew between two snapshots of a process, and who holds it; or what changed between two profiles.")
        {
            baseFile, newFile, by, rows, sort, ProfileDiff.Sample, ProfileDiff.Cum, ProfileDiff.Normalize, format,
        };
        command.SetAction(result => CommandRunner.Run(() =>
        {
            int count = result.PositiveRows(rows);
            string basePath = result.GetValue(baseFile)!, newPath = result.GetValue(newFile)!;
            // The content decides, as in `top`: a snapshot starts with "HEAPSNAP", a profile is gzip or protobuf.
            bool baseIsSnapshot = HeapSnapFile.LooksLikeSnapshot(basePath), newIsSnapshot = HeapSnapFile.LooksLikeSnapshot(newPath);
            if (baseIsSnapshot != newIsSnapshot && (PprofFile.LooksLikeProfile(basePath) || PprofFile.LooksLikeProfile(newPath)))
                throw ProfileLoader.MixedKinds(basePath, newPath);
            if (!baseIsSnapshot && !newIsSnapshot && (PprofFile.LooksLikeProfile(basePath) || PprofFile.LooksLikeProfile(newPath)))
                return ProfileDiff.Run(result, basePath, newPath, result.GetValue(by) ?? DiffGrouping.Function, count, result.GetValue(format));

            ProfileDiff.RefuseForSnapshots(result);
            var grouping = result.GetValue(by) ?? DiffGrouping.Type;
            if (grouping is not (DiffGrouping.Type or DiffGrouping.Retainer))
                throw new HeapLensException($"--by {grouping.ToString().ToLowerInvariant()} is for profiles; heap snapshots compare by type or retainer");
            var before = SnapshotLoader.LoadAnalyzed(basePath);
            var after = SnapshotLoader.LoadAnalyzed(newPath);
            var report = grouping == DiffGrouping.Type
                ? DiffReport.ByType(before, after, result.GetValue(sort), count)
                : DiffReport.ByRetainer(before, after, count);
            return ReportOutput.Write(report, result.GetValue(format), DiffView.Write);
        }));
        return command;
    }
}
