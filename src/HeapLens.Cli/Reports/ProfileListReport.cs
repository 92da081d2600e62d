using HeapLens.Profiles;
using Spectre.Console;
using Profile = HeapLens.Profiles.Profile;

namespace HeapLens.Cli.Reports;

/// <summary>
/// pprof-style list: a function's source with what each line allocated (cumulatively: by the line
/// itself and by everything it calls) in the margin, one column per sample type.
/// </summary>
internal static class ProfileListReport
{
    // Lines of context shown around the first and last line that allocated.
    private const int Context = 4;

    public static object Json(string path, Profile profile, IReadOnlyList<FunctionLines> functions) => new
    {
        file = path,
        sampleTypes = profile.SampleTypes.Select(t => new { type = t.Type, unit = t.Unit }).ToList(),
        functions = functions.Select(f => new
        {
            name = f.Name,
            sourceFile = f.FileName.Length == 0 ? null : f.FileName,
            sourceFound = f.FileName.Length > 0 && File.Exists(f.FileName),
            totals = f.Totals,
            lines = f.Lines.Select(l => new { line = l.Line, values = l.Values }).ToList(),
        }).ToList(),
    };

    public static void Write(IAnsiConsole console, Profile profile, IReadOnlyList<FunctionLines> functions)
    {
        var types = profile.SampleTypes;
        var totals = types.Select((_, i) => profile.Samples.Sum(s => s.Values[i])).ToArray();
        foreach (var function in functions)
        {
            console.WriteLine($"ROUTINE ======================== {function.Name}" +
                              (function.FileName.Length > 0 ? $" in {function.FileName}" : ""));
            console.WriteLine("  " + string.Join("   ", types.Select((t, i) =>
                $"{t.Type} {ProfileValues.Format(function.Totals[i], t.Unit)} ({Sizes.Percent(function.Totals[i], totals[i])} of total)")));
            string[]? source = ReadSource(function.FileName);
            if (source is null)
            {
                console.WriteLine(function.FileName.Length == 0
                    ? "  (no source line information: no portable PDB matching the assembly was found next to it)"
                    : $"  (source file not found: {function.FileName}; values by line number follow)");
                WriteLines(console, types, function.Lines.Select(l => (l.Line, (long[]?)l.Values, "")));
                continue;
            }
            var known = function.Lines.Where(l => l.Line > 0).ToList();
            if (known.Count == 0)
            {
                WriteLines(console, types, function.Lines.Select(l => (l.Line, (long[]?)l.Values, "")));
                continue;
            }
            var byLine = known.ToDictionary(l => l.Line, l => l.Values);
            long first = Math.Max(1, known[0].Line - Context);
            long last = Math.Min(source.Length, known[^1].Line + Context);
            var rows = new List<(long, long[]?, string)>();
            for (long line = first; line <= last; line++)
                rows.Add((line, byLine.GetValueOrDefault(line), source[line - 1]));
            WriteLines(console, types, rows);
        }
    }

    private static void WriteLines(IAnsiConsole console, List<HeapLens.Profiles.ValueType> types,
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
            cells.Add(Markup.Escape(text.TrimEnd()));
            table.AddRow(cells.ToArray());
        }
        console.Write(table);
    }

    private static string[]? ReadSource(string fileName) => SourceFile.TryReadLines(fileName);
}
