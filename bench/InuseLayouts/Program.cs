// Opens the EventPipe sessions of one layout on a process, streams them to files, and when a line arrives on
// stdin stops them and prints, per session, its bytes, events and lost events (with --events, also per event
// name how many carry a stack). bench/inuse-layouts.sh measures the target's CPU time under each layout.
//   InuseLayouts PID LAYOUT DIRECTORY [--events]
using System.Diagnostics.Tracing;
using HeapLens.Bench.InuseLayouts;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing.Etlx;

if (args.Length < 3 || !int.TryParse(args[0], out int processId) || !Layouts.All.TryGetValue(args[1], out var layout)
    || !Directory.Exists(args[2]))
{
    Console.Error.WriteLine($"usage: InuseLayouts PID LAYOUT DIRECTORY [--events]; layouts: {string.Join(", ", Layouts.All.Keys)}");
    return 2;
}
bool listEvents = args.Contains("--events");

var client = new DiagnosticsClient(processId);
var running = new List<(string Name, EventPipeSession Session, Task Copy, string Path)>();
foreach (var (name, configuration) in layout)
{
    var session = await client.StartEventPipeSessionAsync(configuration, CancellationToken.None);
    string path = Path.Combine(args[2], $"{args[1]}-{name}.nettrace");
    var file = File.Create(path);
    running.Add((name, session, Task.Run(async () =>
    {
        await using (file)
            await session.EventStream.CopyToAsync(file);
    }), path));
}
Console.WriteLine("started");
Console.ReadLine();
foreach (var r in running)
    await r.Session.StopAsync(CancellationToken.None);
foreach (var r in running)
{
    await r.Copy;
    r.Session.Dispose();
}

foreach (var r in running)
{
    string etlx = TraceLog.CreateFromEventPipeDataFile(r.Path);
    using (var log = new TraceLog(etlx))
    {
        var byName = new Dictionary<string, (long Events, long WithStack)>();
        foreach (var e in log.Events)
        {
            var counts = byName.GetValueOrDefault(e.EventName);
            byName[e.EventName] = (counts.Events + 1, counts.WithStack + (e.CallStackIndex() != CallStackIndex.Invalid ? 1 : 0));
        }
        Console.WriteLine($"{r.Name} bytes={new FileInfo(r.Path).Length} events={log.EventCount} lost={log.EventsLost}");
        if (listEvents)
            foreach (var (eventName, counts) in byName.OrderByDescending(pair => pair.Value.Events))
                Console.WriteLine($"  {r.Name} {eventName} {counts.Events} withStack={counts.WithStack}");
    }
    File.Delete(etlx);
    File.Delete(r.Path);
}
return 0;
