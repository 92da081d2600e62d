// LeakyService: the demo target. It simulates a service with three things in its heap:
//   - a leak: SessionStore.s_sessions, a static dictionary that every request adds to and nothing removes;
//   - a big stable working set: ProductCatalog.s_products, a cache filled once and bounded;
//   - churn: every request builds temporary strings and lists that die young.
// It warms up, prints "READY <pid>", then reads commands on stdin:
//   serve N    handle N more simulated requests, then print "OK served N"
//   stats      print "OK sessions=<n> products=<n>"
//   exit       stop
using LeakyService;

var options = ServiceOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(ServiceOptions.Usage);
    return 2;
}

ProductCatalog.Fill(options.CacheEntries, options.CacheEntryBytes);
var service = new RequestHandler(options.LeakBytesPerRequest);
service.Serve(options.WarmupRequests);
Console.WriteLine($"READY {Environment.ProcessId}");

string? line;
while ((line = Console.ReadLine()) is not null)
{
    string[] words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    switch (words)
    {
        case ["serve", var count] when int.TryParse(count, out int n) && n >= 0:
            service.Serve(n);
            Console.WriteLine($"OK served {n}");
            break;
        case ["stats"]:
            Console.WriteLine($"OK sessions={SessionStore.Count} products={ProductCatalog.Count}");
            break;
        case ["exit"]:
            return 0;
        default:
            Console.WriteLine($"ERROR unknown command: {line}");
            break;
    }
}
return 0;
