using System.CommandLine;
using HeapLens.Analysis;
using HeapLens.Cli.Infrastructure;
using HeapLens.Formats.Pprof;

namespace HeapLens.Cli.Commands;

/// <summary>heaplens export: a snapshot's retention as pprof (GC root -> dominator path -> type), for pprof and profiling servers.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var file = CommonOptions.SnapshotFile();
        var output = new Option<string?>("--output", "-o")
        {
            Description = "The profile to write (gzip-compressed pprof). Default: the snapshot's name with .retention.pb.gz.",
            HelpName = "file.pb.gz",
        };
        var command = new Command("export",
            "Write a snapshot's retention as a pprof profile (inuse_objects, inuse_space; stacks: GC root -> dominator path -> type).")
        {
            file, output,
        };
        command.SetAction(result => CommandRunner.Run(() =>
        {
            string path = result.GetValue(file)!;
            string target = result.GetValue(output) ?? Path.ChangeExtension(path, ".retention.pb.gz");
            var analyzed = SnapshotLoader.LoadAnalyzed(path);
            var profile = RetentionProfile.Create(analyzed);
            PprofFile.Save(profile, target);
            Console.Out.WriteLine($"Wrote {SafeText.Of(target)}: {profile.Samples.Count:N0} stacks, {analyzed.Tree.ReachableCount:N0} objects, {analyzed.Tree.ReachableBytes:N0} bytes reachable");
            return 0;
        }));
        return command;
    }
}
