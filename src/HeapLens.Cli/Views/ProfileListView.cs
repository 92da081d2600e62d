using HeapLens.Reports;
using Spectre.Console;
using ValueType = HeapLens.Profiles.ValueType;

namespace HeapLens.Cli.Views;

/// <summary>
/// The text of `list`, as pprof prints it: each function's source with what each line allocated
/// (cumulatively) in the margin, one column per sample type.
/// </summary>
internal static class ProfileListView
{
    public static void Write(ProfileListReport report, IAnsiConsole console)
    {
        var types = report.SampleTypes;
        if (report.Base is { } b)
            foreach (string line in ProfileBaseText.Lines(b))
                console.WriteLine(line);
        foreach (var function in report.Functions)
        {
            console.WriteLine($"ROUTINE ======================== {function.Name}" +
                              (function.SourceFile is { } file ? $" in {file}" : ""));
            console.WriteLine("  " + string.Join("   ", types.Select((t, i) =>
                $"{t.Type} {ProfileValues.Format(function.Totals[i], t.Unit)} ({Sizes.Percent(function.Totals[i], report.Totals[i])} of total)")));
            if (!function.SourceFound)
                console.WriteLine(function.SourceFile is null
                    ? "  (no source line information: no portable PDB matching the assembly was found next to it)"
                    : $"  (source file not found: {function.SourceFile}; values by line number follow)");
            if (function.Source is null)
            {
                WriteLines(console, types, function.Lines.Select(l => (l.Line, (long[]?)l.Values, "")));
                continue;
            }
            var byLine = function.Lines.Where(l => l.Line > 0).ToDictionary(l => l.Line, l => l.Values);
            WriteLines(console, types, function.Source.Select(s => (s.Line, byLine.GetValueOrDefault(s.Line), s.Text)));
        }
    }

    private static void WriteLines(IAnsiConsole console, IReadOnlyList<ValueType> types,
        IEnumerable<(long Line, long[]? Values, string Text)> rows)
    {
        var table = new Table().Border(TableBorder.None).HideRowSeparators().HideHeaders();
        foreach (var _ in types)
            table.AddColumn(new TableColumn("").RightAligned());
        table.AddColumn(new TableColumn("").RightAligned());
        table.AddColumn("");
        foreach (var (line, values, text) in rows)
        {
            var cells = new List<string>();
            for (int i = 0; i < types.Count; i++)
                cells.Add(values is null || values[i] == 0 ? "." : ProfileValues.Format(values[i], types[i].Unit));
            cells.Add(line == 0 ? "?:" : $"{line}:");
            cells.Add(Markup.Escape(text));
            table.AddRow(cells.ToArray());
        }
        console.Write(table);
    }
}
