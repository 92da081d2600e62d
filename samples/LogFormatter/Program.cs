using LogFormatter;

// A target for `heaplens explain`: formats log entries in a loop, like a logging endpoint would.
//
//   LogFormatter <entries>
//       prints "ready", waits for a line on stdin, formats <entries> log entries with
//       Formatter.FormatEntry, prints "done <entries> <characters>" and waits for stdin to close.
if (args.Length != 1 || !int.TryParse(args[0], out int count) || count < 0)
{
    Console.Error.WriteLine("usage: LogFormatter <entries>");
    return 2;
}
var entries = Enumerable.Range(0, 64).Select(LogEntry.Sample).ToArray();
Console.WriteLine("ready");
Console.In.ReadLine();
long characters = 0;
for (int i = 0; i < count; i++)
    characters += Formatter.FormatEntry(entries[i & 63], minLevel: 2).Length;
Console.WriteLine($"done {count} {characters}");
Console.In.ReadToEnd();
return 0;
