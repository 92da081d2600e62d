// A small ASP.NET Core app that profiles itself with HeapLens.AspNetCore, the way a Go service imports
// net/http/pprof:
//   builder.Services.AddHeapLens();   app.MapHeapLens();
// then   go tool pprof -top 'http://127.0.0.1:5000/debug/pprof/allocs?seconds=10'
// The endpoints answer loopback callers only: to open them to the network, protect them with the app's
// own authorization (app.MapHeapLens().RequireAuthorization(...)) or set HeapLensOptions.AllowRemoteCallers.
//
// Its own routes give the profiles something to show:
//   /work?n=N    formats and parses N orders (short-lived garbage, in Orders.Process)
//   /keep?n=N    keeps N more Session objects alive for good (in SessionStore.Keep); answers the total kept
using HeapLens.AspNetCore;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using PprofWebApp;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.AddHeapLens();
var app = builder.Build();

app.MapGet("/", () => "PprofWebApp: see /debug/pprof/\n");
app.MapGet("/work", (int? n) => Orders.Process(Math.Clamp(n ?? 1000, 1, 1_000_000)));
app.MapGet("/keep", (int? n) => SessionStore.Keep(Math.Clamp(n ?? 1, 1, 1_000_000)));
app.MapHeapLens();

await app.StartAsync();
// Tests (and people) start it on port 0: say where it listens.
foreach (string address in app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses)
    Console.WriteLine($"Listening on {address}");
Console.Out.Flush();
await app.WaitForShutdownAsync();
