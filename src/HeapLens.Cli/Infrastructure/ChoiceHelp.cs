using System.CommandLine;
using System.CommandLine.Help;
using System.Text.RegularExpressions;

namespace HeapLens.Cli.Infrastructure;

/// <summary>
/// Help shows an enum option's default as it is typed (`[default: text]`), like its values
/// (`--format &lt;text|json&gt;`, see <see cref="CommonOptions.Choice{T}"/>). System.CommandLine prints
/// the enum's own name (`Text`) and keeps the hook that would change it internal, so the help
/// text is written to a buffer and those defaults are lowercased there.
/// </summary>
internal static class ChoiceHelp
{
    /// <summary>Whether the parsed command line asks for help (then <see cref="Write"/> runs it).</summary>
    public static bool IsHelp(ParseResult parse) => parse.Action is HelpAction;

    public static int Write(ParseResult parse, RootCommand root)
    {
        var buffer = new StringWriter();
        int exitCode = parse.Invoke(new InvocationConfiguration { Output = buffer });
        Console.Out.Write(Lowercase(buffer.ToString(), EnumDefaults(root)));
        return exitCode;
    }

    /// <summary>"[default: Text]" becomes "[default: text]" for the given names (the help may wrap after the colon).</summary>
    internal static string Lowercase(string help, IReadOnlySet<string> enumDefaults) =>
        Regex.Replace(help, @"(\[default:\s+)([A-Za-z]+)\]", match =>
            enumDefaults.Contains(match.Groups[2].Value)
                ? match.Groups[1].Value + match.Groups[2].Value.ToLowerInvariant() + "]"
                : match.Value);

    /// <summary>The default values, as System.CommandLine prints them, of every enum option in the command tree.</summary>
    internal static IReadOnlySet<string> EnumDefaults(Command root)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<Command>([root]);
        while (pending.Count > 0)
        {
            var command = pending.Pop();
            foreach (var option in command.Options)
            {
                var type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
                if (type.IsEnum && option.HasDefaultValue && option.GetDefaultValue()?.ToString() is { } name)
                    names.Add(name);
            }
            foreach (var sub in command.Subcommands)
                pending.Push(sub);
        }
        return names;
    }
}
