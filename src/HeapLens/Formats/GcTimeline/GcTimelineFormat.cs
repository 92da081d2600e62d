namespace HeapLens.Formats.GcTimeline;

/// <summary>The first line of a GC timeline file: what it is and whose GCs it holds.</summary>
/// <param name="StartTimeUtc">Wall-clock time of second 0 of the timeline.</param>
public sealed record GcTimelineHeader(int ProcessId, string ProcessName, DateTime StartTimeUtc);

/// <summary>
/// A GC timeline is JSON lines: a header line, then one line per GC in time order. One line per
/// GC streams to disk as the monitor runs (no buffering), reads back one line at a time, and is
/// easy to feed to jq or a spreadsheet.
/// <code>
/// {"format":"heaplens-gc-timeline","version":1,"processId":4242,"processName":"MyService","startTime":"2026-11-25T13:00:00.0000000Z"}
/// {"gc":12,"t":3.52,"gen":0,"reason":"AllocSmall","kind":"NonConcurrentGC","pauseMs":0.31,"before":35651584,"after":5767168,
///  "gen0":0,"gen1":4194304,"gen2":1048576,"loh":524288,"poh":0,"promoted":2097152,"fragmentation":16384,"allocated":30408704,"allocRate":60817408.0}
/// </code>
/// "after" is the sum of the five generation sizes, written for readers that want one number.
/// </summary>
public static class GcTimelineFormat
{
    public const string FormatName = "heaplens-gc-timeline";
    public const int Version = 1;
    public const string Extension = ".jsonl";
}
