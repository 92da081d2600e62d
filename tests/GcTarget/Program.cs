// A target process with a known memory shape, for the GC monitor's tests:
//   leak      retains --leak-mbps MB more every second (2 by default), on top of churn;
//   flat      builds a --cache-mb MB cache once (300 by default), then churns;
//   sawtooth  churns only: everything it allocates dies young.
// It prints "ready" once its shape is in place, then "tick <seconds> <retained bytes>" every second,
// and exits after --exit-after seconds when given (to test a target that goes away mid-monitor).
using System.Diagnostics;
using System.Globalization;

var options = TargetOptions.Parse(args);
var retained = new List<byte[]>();
long retainedBytes = 0;

if (options.Mode == "flat")
{
    // Many mid-sized arrays rather than a few huge ones: a cache of entries, like a real one.
    const int entrySize = 8 * 1024;
    long target = (long)options.CacheMb * 1024 * 1024;
    while (retainedBytes < target)
    {
        retained.Add(new byte[entrySize]);
        retainedBytes += entrySize;
    }
}

Console.WriteLine($"ready pid={Environment.ProcessId} mode={options.Mode}");
Console.Out.Flush();

// Work in 50 ms steps: each step allocates its share of churn (short-lived requests that die
// within the step) and, in leak mode, its share of retained growth.
const int stepMs = 50;
const int stepsPerSecond = 1000 / stepMs;
long churnPerStep = (long)(options.ChurnMbps * 1024 * 1024) / stepsPerSecond;
long leakPerStep = options.Mode == "leak" ? (long)(options.LeakMbps * 1024 * 1024) / stepsPerSecond : 0;
const int leakEntrySize = 4 * 1024;
var clock = Stopwatch.StartNew();
var inFlight = new byte[64][]; // a small window of live "requests", so churn is not all dead on arrival
long step = 0;
while (options.ExitAfterSeconds is not double limit || clock.Elapsed.TotalSeconds < limit)
{
    for (long churned = 0; churned < churnPerStep; churned += 2048)
        inFlight[(int)(churned / 2048) % inFlight.Length] = new byte[2048];
    for (long leaked = 0; leaked < leakPerStep; leaked += leakEntrySize)
    {
        retained.Add(new byte[leakEntrySize]);
        retainedBytes += leakEntrySize;
    }
    step++;
    if (step % stepsPerSecond == 0)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"tick {clock.Elapsed.TotalSeconds:0.0} {retainedBytes}"));
        Console.Out.Flush();
    }
    // Sleep to the next step boundary, so the rates hold whatever the machine's speed.
    long next = step * stepMs;
    long wait = next - clock.ElapsedMilliseconds;
    if (wait > 0)
        Thread.Sleep((int)wait);
}
GC.KeepAlive(retained);
Console.WriteLine("exiting");

internal sealed record TargetOptions(string Mode, double LeakMbps, int CacheMb, double ChurnMbps, double? ExitAfterSeconds)
{
    public static TargetOptions Parse(string[] args)
    {
        if (args.Length == 0 || args[0] is not ("leak" or "flat" or "sawtooth"))
        {
            Console.Error.WriteLine("usage: GcTarget leak|flat|sawtooth [--leak-mbps N] [--cache-mb N] [--churn-mbps N] [--exit-after SECONDS]");
            Environment.Exit(2);
        }
        var options = new TargetOptions(args[0], LeakMbps: 2, CacheMb: 300, ChurnMbps: 40, ExitAfterSeconds: null);
        for (int i = 1; i + 1 < args.Length; i += 2)
        {
            double value = double.Parse(args[i + 1], CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--leak-mbps" => options with { LeakMbps = value },
                "--cache-mb" => options with { CacheMb = (int)value },
                "--churn-mbps" => options with { ChurnMbps = value },
                "--exit-after" => options with { ExitAfterSeconds = value },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }
        return options;
    }
}
