using AllocTarget;

// A target with a known allocation mix, for allocation profiling tests and benchmarks.
//
//   mix <arrayMegabytes> <objectMegabytes>
//       prints "ready", waits for a line on stdin, then allocates byte[1000] arrays in
//       Allocators.AllocateArrays and plain objects in Allocators.AllocateObjects, measuring the
//       exact bytes of each with GC.GetAllocatedBytesForCurrentThread, prints
//       "done <arrays> <arrayBytes> <objects> <objectBytes>" and waits for stdin to close.
//   churn <seconds> | work <seconds>
//       prints "ready", then runs an allocation-heavy loop for the given time (churn: nothing but
//       allocations; work: string formatting, splitting, parsing and counting) and prints
//       "throughput <operations per second>" once per second and "total <operations per second>" at the end.
//   steps
//       prints "ready", then reads commands from stdin until it closes: "arrays <MB>" runs
//       Allocators.AllocateArrays, "objects <MB>" Allocators.AllocateObjects; after each it prints
//       "done <count> <bytes>" (exact, as for mix). Profile diffs record one set of steps, then another.
//   keep <keptMegabytes> <ratio>
//       prints "ready", waits for a line on stdin, then allocates byte[1000] arrays in Keeper.Keep
//       (kept until the process exits) and ratio times as many in Keeper.Drop (dropped at once),
//       interleaved, prints "done <kept> <keptBytes> <dropped> <droppedBytes>" and waits for stdin
//       to close (the kept arrays stay alive until then).
//   forever
//       prints "waiting", waits for a line on stdin, then allocates byte[100] arrays in a tight loop
//       in Forever.AllocForever, a method entered once and never left: the runtime replaces its
//       tier-0 code on the stack (on-stack replacement). Prints "ready" from inside the loop once it
//       has run for a second, and runs until killed.
switch (args.FirstOrDefault())
{
    case "mix" when args.Length == 3:
        Mix(long.Parse(args[1]) << 20, long.Parse(args[2]) << 20);
        return 0;
    case "churn" when args.Length == 2:
        Churn.Run(Seconds(args[1]), Churn.AllocationBatch);
        return 0;
    case "work" when args.Length == 2:
        Churn.Run(Seconds(args[1]), Churn.WorkBatch);
        return 0;
    case "steps" when args.Length == 1:
        Steps();
        return 0;
    case "keep" when args.Length == 3:
        Keep(long.Parse(args[1]), int.Parse(args[2]));
        return 0;
    case "forever":
        Console.WriteLine("waiting");
        Console.In.ReadLine();
        Forever.AllocForever();
        return 0;
    default:
        Console.Error.WriteLine("usage: AllocTarget mix <arrayMB> <objectMB> | steps | keep <keptMB> <ratio> | churn <seconds> | work <seconds> | forever");
        return 2;
}

static TimeSpan Seconds(string text) =>
    TimeSpan.FromSeconds(double.Parse(text, System.Globalization.CultureInfo.InvariantCulture));

static void Mix(long arrayBytesWanted, long objectBytesWanted)
{
    Console.WriteLine("ready");
    Console.In.ReadLine();
    var arrays = Allocators.AllocateArrays(arrayBytesWanted);
    var objects = Allocators.AllocateObjects(objectBytesWanted);
    Console.WriteLine($"done {arrays.Count} {arrays.Bytes} {objects.Count} {objects.Bytes}");
    Console.In.ReadToEnd();
}

static void Steps()
{
    Console.WriteLine("ready");
    while (Console.In.ReadLine() is { } line)
    {
        string[] words = line.Split(' ');
        long bytes = long.Parse(words[1]) << 20;
        var done = words[0] == "arrays" ? Allocators.AllocateArrays(bytes) : Allocators.AllocateObjects(bytes);
        Console.WriteLine($"done {done.Count} {done.Bytes}");
    }
}

static void Keep(long keptMegabytes, int ratio)
{
    Console.WriteLine("ready");
    Console.In.ReadLine();
    var (kept, dropped) = Keeper.Run(keptMegabytes, ratio);
    Console.WriteLine($"done {kept.Count} {kept.Bytes} {dropped.Count} {dropped.Bytes}");
    Console.In.ReadToEnd();
}
