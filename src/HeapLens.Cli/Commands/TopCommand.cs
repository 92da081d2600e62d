using System.CommandLine;
using HeapLens.Cli.Infrastructure;
using HeapLens.Cli.Views;
using HeapLens.Formats.HeapSnap;
using HeapLens.Formats.Pprof;
using HeapLens.Reports;

namespace HeapLens.Cli.Commands;

internal static class TopCommand
{
    public static Command Create()
    {
        var file = CommonOptions.SnapshotFile(description: "A heap snapshot (.heapsnap) or an allocation profile (.pb.gz).");
        var rows = CommonOptions.Rows(20, "How many types to show.");
        var by = TypeOrderOption.Create("--by",
            "Snapshots: sort by shallow bytes, retained bytes (what the type's instances keep alive) or instance count.",
            TypeOrder.Shallow);
        var format = OutputFormatOption.Create();
        var command = new Command("top", "A heap snapshot's types by memory, or an allocation profile's functions by allocations.")
        {
            file, rows, by, ProfileTop.Sample, ProfileTop.Cum, ProfileTop.Base.Base, ProfileTop.Base.Normalize, format,
        };
        command.SetAction(result => CommandRunner.Run(() =>
        {
            string path = result.GetValue(file)!;
            int count = result.PositiveRows(rows);
            // The content decides, not the name: a snapshot starts with "HEAPSNAP", a profile is gzip or protobuf.
            if (!HeapSnapFile.LooksLikeSnapshot(path))
            {
                if (PprofFile.LooksLikeProfile(path))
                    return ProfileTop.Run(path, result.GetValue(ProfileTop.Sample), result.GetValue(ProfileTop.Cum), count, result.GetValue(format),
                        ProfileTop.Base.Pair(result, path));
                if (File.Exists(path) && new FileInfo(path).Length > 0)
                    throw new HeapLensException($"{path} is neither a heap snapshot (.heapsnap) nor a pprof profile (.pb.gz)");
            }
            if (result.GetValue(ProfileTop.Base.Base) is not null || result.GetValue(ProfileTop.Base.Normalize))
                throw new HeapLensException("--base is for profiles; to compare heap snapshots use heaplens diff BASE NEW");
            var report = TopReport.Create(SnapshotLoader.LoadAnalyzed(path), result.GetValue(by), count);
            return ReportOutput.Write(report, result.GetValue(format), TopView.Write);
        }));
        return command;
    }
}
