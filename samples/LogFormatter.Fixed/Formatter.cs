using System.Text;
namespace LogFormatter;
/// <summary>
/// The fixed formatter: one reused StringBuilder, typed appends (no boxing, no format string, no params
/// array), plain loops instead of LINQ and a lambda; only the returned string is allocated.
/// </summary>
public static class Formatter
{
    public static string FormatEntry(LogEntry entry, int minLevel)
    {
        var text = (t_text ??= new StringBuilder(256)).Clear().Append(entry.RequestId).Append(" [").Append(entry.Level).Append("] ").Append(entry.Message);
        text.Append(' ').Append(entry.Tags[0]).Append(' ').Append(entry.Tags[1]).Append(' ').Append(entry.Tags[2]);
        int total = 0;
        for (int i = 0; i < entry.Fields.Count; i++)
            total += entry.Fields[i].Value;
        text.Append(" total=").Append(total).Append(' ');
        for (int i = 0, shown = 0; i < entry.Fields.Count; i++) if (entry.Fields[i].Value > minLevel) text.Append(shown++ == 0 ? "" : ",").Append(entry.Fields[i].Key);
        return text.ToString();
    }

    [ThreadStatic] private static StringBuilder? t_text;
}
