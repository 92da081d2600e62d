namespace LogFormatter;

/// <summary>A named number attached to a log entry.</summary>
public readonly record struct Field(string Key, int Value);

/// <summary>A structured log entry, as a logging pipeline hands it to its formatter.</summary>
public sealed class LogEntry(int requestId, int level, string message, string[] tags, List<Field> fields)
{
    public int RequestId { get; } = requestId;
    public int Level { get; } = level;
    public string Message { get; } = message;
    public string[] Tags { get; } = tags;
    public IReadOnlyList<Field> Fields { get; } = fields;

    public static LogEntry Sample(int i) => new(
        1000 + i, i % 5, "request served",
        ["api", i % 2 == 0 ? "get" : "post", "v" + (i % 3)],
        [new Field("status", 200 + i % 3), new Field("bytes", 100 * i), new Field("ms", i % 7), new Field("retries", i % 4)]);
}
