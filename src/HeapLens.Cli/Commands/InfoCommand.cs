using System.CommandLine;
using HeapLens.Cli.Infrastructure;
using HeapLens.Cli.Reports;
using HeapLens.Formats.HeapSnap;
using Spectre.Console;

namespace HeapLens.Cli.Commands;

internal static class InfoCommand
{
    public static Command Create()
    {
        var file = CommonOptions.SnapshotFile();
        var format = OutputFormatOption.Create();
        var command = new Command("info", "Where and when a snapshot was taken, and how big it is.") { file, format };
        command.SetAction(result => CommandRunner.Run(() =>
        {
            string path = result.GetValue(file)!;
            var snapshot = HeapSnapFile.Read(path);
            var m = snapshot.Metadata;
            if (result.GetValue(format) == OutputFormat.Json)
            {
                OutputFormatOption.WriteJson(new
                {
                    metadata = m,
                    objects = (long)snapshot.NodeCount,
                    references = (long)snapshot.EdgeCount,
                    roots = (long)snapshot.Roots.Count,
                    types = (long)snapshot.TypeNames.Length,
                    totalBytes = snapshot.TotalBytes,
                    fileBytes = new FileInfo(path).Length,
                });
                return 0;
            }
            var console = Terminal.Out;
            console.WriteLine(SnapshotHeader.Describe(snapshot));
            console.WriteLine($"Command line:  {m.CommandLine}");
            console.WriteLine($"Objects:       {Sizes.Count(snapshot.NodeCount)} ({Sizes.Format(snapshot.TotalBytes)})");
            console.WriteLine($"References:    {Sizes.Count(snapshot.EdgeCount)}" +
                              (m.UnresolvedReferences > 0 ? $" ({Sizes.Count(m.UnresolvedReferences)} to objects outside the walked heap left out)" : ""));
            console.WriteLine($"GC roots:      {Sizes.Count(snapshot.Roots.Count)}");
            console.WriteLine($"Types:         {Sizes.Count(snapshot.TypeNames.Length)}");
            console.WriteLine($"Induced GC:    #{m.GcNumber}, target paused {m.GcPauseMilliseconds:0} ms, {Sizes.Format(m.StreamBytes)} streamed");
            console.WriteLine($"File:          {Sizes.Format(new FileInfo(path).Length)}, written by HeapLens {m.HeapLensVersion}");
            return 0;
        }));
        return command;
    }
}
