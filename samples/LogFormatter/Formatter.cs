namespace LogFormatter;

/// <summary>
/// The slow formatter: every line of FormatEntry allocates for a reason `heaplens explain` names.
/// ../LogFormatter.Fixed/Formatter.cs is the fix, statement for statement on the same lines.
/// </summary>
public static class Formatter
{
    public static string FormatEntry(LogEntry entry, int minLevel)
    {
        string head = string.Format("{0} [{1}] {2}", entry.RequestId, entry.Level, entry.Message);
        string tags = Join(" ", entry.Tags[0], entry.Tags[1], entry.Tags[2]);
        int total = 0;
        foreach (var field in entry.Fields)
            total += field.Value;
        var big = entry.Fields.Where(f => f.Value > minLevel).Select(f => f.Key).ToList();
        string shown = string.Join(",", big);
        return head + " " + tags + " total=" + total + " " + shown;
    }

    private static string Join(string separator, params string[] parts) => string.Join(separator, parts);
}
