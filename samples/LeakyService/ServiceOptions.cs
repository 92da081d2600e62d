namespace LeakyService;

/// <summary>Sizes of the three heap populations, so tests and benchmarks can make small or huge heaps.</summary>
internal sealed record ServiceOptions(int CacheEntries, int CacheEntryBytes, int WarmupRequests, int LeakBytesPerRequest)
{
    public const string Usage =
        "usage: LeakyService [--cache-entries N] [--cache-entry-bytes N] [--warmup-requests N] [--leak-bytes N]";

    public static ServiceOptions? Parse(string[] args)
    {
        var options = new ServiceOptions(CacheEntries: 50_000, CacheEntryBytes: 1_000, WarmupRequests: 20_000, LeakBytesPerRequest: 1_024);
        for (int i = 0; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length || !int.TryParse(args[i + 1], out int value) || value < 0)
                return null;
            options = args[i] switch
            {
                "--cache-entries" => options with { CacheEntries = value },
                "--cache-entry-bytes" => options with { CacheEntryBytes = value },
                "--warmup-requests" => options with { WarmupRequests = value },
                "--leak-bytes" => options with { LeakBytesPerRequest = value },
                _ => null,
            };
            if (options is null)
                return null;
        }
        return options;
    }
}
