using System.Text;
using Microsoft.CodeAnalysis;

namespace HeapLens.Explain.Causes;

/// <summary>
/// Compares the profile's type names with Roslyn's symbols. The runtime names types its own way
/// ("System.Func`2[LogFormatter.Field,System.Boolean]", nested types without their declaring type,
/// "Enumerator[LogFormatter.Field]"), so both sides are reduced to the simple name: no namespace, no
/// declaring type, no generic arguments, array brackets kept ("Func", "Enumerator", "String[]").
/// </summary>
public static class RuntimeTypeNames
{
    public static string SimpleName(string profileType)
    {
        var text = new StringBuilder(profileType.Length);
        for (int i = 0; i < profileType.Length; i++)
        {
            char c = profileType[i];
            if (c == '`')
            {
                while (i + 1 < profileType.Length && char.IsAsciiDigit(profileType[i + 1]))
                    i++;
            }
            else if (c == '[' && i + 1 < profileType.Length && profileType[i + 1] != ']' && profileType[i + 1] != ',')
            {
                i = ClosingBracket(profileType, i);
            }
            else if (c == '<' && i + 1 < profileType.Length && profileType[i + 1] != '>' && text.Length > 0 && text[^1] is not ('+' or '.'))
            {
                // C#-style generic arguments (snapshot names); "<>c__DisplayClass" and "<Run>d__3" start with '<'.
                i = Closing(profileType, i, '<', '>');
            }
            else
            {
                text.Append(c);
            }
        }
        string name = text.ToString();
        int dot = name.LastIndexOfAny(['.', '+']);
        return dot < 0 ? name : name[(dot + 1)..];
    }

    /// <summary>The simple name of a Roslyn type as the runtime names it.</summary>
    public static string SimpleName(ITypeSymbol type) => type switch
    {
        IArrayTypeSymbol array => SimpleName(array.ElementType) + "[]",
        _ => type.Name,
    };

    /// <summary>
    /// The runtime's full name of a type ("System.Int32", "System.Func`2[LogFormatter.Field,System.Boolean]",
    /// "System.String[]"); null for nested types and type parameters, which the profile names differently.
    /// </summary>
    public static string? FullName(ITypeSymbol type)
    {
        switch (type)
        {
            case IArrayTypeSymbol { Rank: 1 } array:
                return FullName(array.ElementType) is { } element ? element + "[]" : null;
            case INamedTypeSymbol { ContainingType: null } named:
                string ns = named.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() + "." : "";
                if (!named.IsGenericType)
                    return ns + named.Name;
                var arguments = named.TypeArguments.Select(FullName).ToList();
                return arguments.Any(a => a is null) ? null : $"{ns}{named.MetadataName}[{string.Join(',', arguments)}]";
            default:
                return null;
        }
    }

    private static int ClosingBracket(string text, int open) => Closing(text, open, '[', ']');

    private static int Closing(string text, int open, char opening, char closing)
    {
        int depth = 0;
        for (int i = open; i < text.Length; i++)
        {
            if (text[i] == opening)
                depth++;
            else if (text[i] == closing && --depth == 0)
                return i;
        }
        return text.Length - 1;
    }
}
