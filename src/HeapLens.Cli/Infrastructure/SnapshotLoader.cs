using HeapLens.Analysis;
using HeapLens.Formats.HeapSnap;
using HeapLens.Snapshots;
using Spectre.Console;

namespace HeapLens.Cli.Infrastructure;

internal static class SnapshotLoader
{
    /// <summary>Reads a snapshot and computes its dominators, with a spinner on a terminal.</summary>
    public static AnalyzedSnapshot LoadAnalyzed(string path)
    {
        if (!Terminal.ShowProgress)
            return Analyze(HeapSnapFile.Read(path));
        return Terminal.Error.Status().Spinner(Spinner.Known.Dots).Start("Loading the snapshot...", context =>
        {
            var snapshot = HeapSnapFile.Read(path);
            context.Status($"Computing dominators of {snapshot.NodeCount:N0} objects...");
            return Analyze(snapshot);
        });
    }

    private static AnalyzedSnapshot Analyze(HeapSnapshot snapshot) => AnalyzedSnapshot.Analyze(snapshot);
}
