using System.CommandLine;
using System.Diagnostics;
using System.Net;
using HeapLens.Cli.Infrastructure;
using HeapLens.Formats;
using HeapLens.Formats.GcTimeline;
using HeapLens.Formats.HeapSnap;
using HeapLens.Formats.Pprof;
using HeapLens.Monitoring;
using HeapLens.Reports;
using HeapLens.Security;
using HeapLens.Timelines;
using HeapLens.Web;

namespace HeapLens.Cli.Commands;

/// <summary>heaplens web: a snapshot, two snapshots or a profile in the browser, served on loopback behind a token.</summary>
internal static class WebCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "A heap snapshot (.heapsnap), an allocation profile (.pb.gz) or a monitor's GC timeline (.jsonl)." };
        var newer = new Argument<string?>("file2")
        {
            Description = "A later snapshot, or a second profile, of the same process: the page shows what grew from FILE to FILE2 (for profiles, a differential flame graph).",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var port = new Option<int>("--port") { Description = "The port to listen on (default: a free one)." };
        var open = new Option<bool>("--open") { Description = "Open the page in the default browser." };
        var normalize = ProfileBaseOptions.Normalization();
        var host = new Option<string>("--host")
        {
            Description = "The address to listen on. Anything but loopback lets other machines reach the page (with the token).",
            DefaultValueFactory = _ => "127.0.0.1",
            HelpName = "address",
        };
        var command = new Command("web", "Explore a snapshot, a diff of two snapshots, a profile or a GC timeline in the browser (until Ctrl+C).")
        {
            file, newer, port, open, host, normalize,
        };
        command.SetAction(result => CommandRunner.Run(() =>
        {
            int portNumber = result.GetValue(port);
            if (portNumber is < 0 or > 65535)
                throw new HeapLensException("--port must be from 1 to 65535 (or left out for a free one)");
            string hostText = result.GetValue(host)!;
            if (!IPAddress.TryParse(hostText, out var address))
                throw new HeapLensException($"--host: '{hostText}' is not an IP address");
            string path = result.GetValue(file)!;
            var content = Load(path, result.GetValue(newer), result.GetValue(normalize));
            var options = new WebServerOptions(address, portNumber, AccessToken.Generate());
            if (!options.IsLoopbackOnly)
                CommandRunner.WriteError($"warning: listening on {address}: anyone who can reach this machine and learns the token can read the snapshot");
            return Serve(content, options, path, result.GetValue(open));
        }));
        return command;
    }

    private static int Serve(WebContent content, WebServerOptions options, string path, bool open)
    {
        var server = WebServer.StartAsync(content, options).GetAwaiter().GetResult();
        try
        {
            string shown = content.Kind is WebContentKind.Diff or WebContentKind.ProfileDiff ? $"{content.Files[0]} -> {content.Files[1]}" : path;
            Console.Out.WriteLine($"Serving {SafeText.Of(shown)} at {server.Url}");
            Console.Out.Flush();
            if (open)
                OpenBrowser(server.Url);
            // ASP.NET Core's console lifetime stops the server on Ctrl+C or SIGTERM.
            server.WaitAsync(CancellationToken.None).GetAwaiter().GetResult();
            return 0;
        }
        finally
        {
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Decides by content, as `top` does: snapshots or profiles (one, or two for a diff).</summary>
    private static WebContent Load(string path, string? newerPath, bool normalize)
    {
        if (newerPath is not null && !HeapSnapFile.LooksLikeSnapshot(path) && PprofFile.LooksLikeProfile(path))
            // Checked as `diff` checks them: the same sample types, a snapshot among them named; --normalize as `diff --normalize`.
            return WebContent.OfProfileDiff(ProfileLoader.LoadPair(path, newerPath, normalize));
        if (normalize)
            throw new HeapLensException("--normalize compares two profiles: give two .pb.gz files");
        if (newerPath is not null)
        {
            foreach (string p in new[] { path, newerPath })
                if (File.Exists(p) && !HeapSnapFile.LooksLikeSnapshot(p))
                    throw new HeapLensException($"{p}: two files are compared as snapshots, and this is not a heap snapshot (.heapsnap)");
            var before = SnapshotLoader.LoadAnalyzed(path);
            var after = SnapshotLoader.LoadAnalyzed(newerPath);
            return WebContent.OfDiff(path, before, newerPath, after);
        }
        if (!HeapSnapFile.LooksLikeSnapshot(path) && PprofFile.LooksLikeProfile(path))
            return WebContent.OfProfile(path, ProfileLoader.Load(path));
        if (File.Exists(path) && !HeapSnapFile.LooksLikeSnapshot(path) && LooksLikeTimeline(path))
            return WebContent.OfTimeline(path, LoadTimeline(path));
        if (File.Exists(path) && new FileInfo(path).Length > 0 && !HeapSnapFile.LooksLikeSnapshot(path))
            throw new HeapLensException($"{path} is neither a heap snapshot (.heapsnap), a pprof profile (.pb.gz) nor a GC timeline (.jsonl)");
        var analyzed = SnapshotLoader.LoadAnalyzed(path);
        // What every view needs first is computed before the URL is printed, so the first page is quick.
        _ = analyzed.Types;
        _ = analyzed.Tree.ChildStart;
        return WebContent.OfSnapshot(path, analyzed);
    }

    // A timeline is JSON lines: its first byte is '{' (the header names the format; the reader checks it).
    private static bool LooksLikeTimeline(string path)
    {
        if (FileKinds.Of(path) != FileKind.Regular)
            return false;
        using var stream = File.OpenRead(path);
        return stream.ReadByte() == '{';
    }

    /// <summary>What `trend --no-chart` computes, with the default trend options.</summary>
    private static TrendReport LoadTimeline(string path)
    {
        var history = new GcHistory();
        GcTimelineHeader header;
        using (var reader = GcTimelineReader.Open(path))
        {
            header = reader.Header;
            foreach (var gc in reader.ReadAll())
                history.Add(gc);
        }
        return TrendReport.Create(path, header, history, new TrendOptions(), chartPath: null);
    }

    private static void OpenBrowser(string url)
    {
        try
        {
            var start = OperatingSystem.IsWindows() ? new ProcessStartInfo(url) { UseShellExecute = true }
                : new ProcessStartInfo(OperatingSystem.IsMacOS() ? "open" : "xdg-open", url);
            Process.Start(start)?.Dispose();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            CommandRunner.WriteError($"warning: could not open a browser ({e.Message}); open the URL above");
        }
    }
}
