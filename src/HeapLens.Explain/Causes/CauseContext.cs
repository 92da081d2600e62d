using HeapLens.Reports;
using Microsoft.CodeAnalysis;

namespace HeapLens.Explain.Causes;

/// <summary>What the cause rules of one line share: the semantic model and the causes found so far.</summary>
public sealed class CauseContext(SemanticModel model)
{
    private readonly List<FoundCause> _causes = [];
    private readonly HashSet<(CauseKind, int, string)> _seen = [];

    public SemanticModel Model { get; } = model;

    public Compilation Compilation => Model.Compilation;

    public IReadOnlyList<FoundCause> Causes => _causes;

    private readonly List<string> _calls = [];

    /// <summary>The methods the line calls, in order, each once.</summary>
    public IReadOnlyList<string> Calls => _calls;

    public void AddCall(string method)
    {
        if (!_calls.Contains(method))
            _calls.Add(method);
    }

    public void Add(CauseKind kind, SyntaxNode at, string message, string fix, TypeClaim claims, bool mayBeRemovedByJit = false)
    {
        int column = at.GetLocation().GetLineSpan().StartLinePosition.Character + 1;
        // The same expression can be reached twice (a conversion and its operand); one cause each.
        if (_seen.Add((kind, column, message)))
            _causes.Add(new FoundCause(kind, column, message, fix, claims, mayBeRemovedByJit));
    }

    /// <summary>How C# prints a type ("int", "List&lt;string&gt;").</summary>
    public static string Display(ITypeSymbol? type) =>
        type?.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat) ?? "?";

    /// <summary>How C# names a method in a message ("string.Format", "Enumerable.Where").</summary>
    public static string Display(IMethodSymbol method) =>
        $"{method.ContainingType.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat.WithGenericsOptions(SymbolDisplayGenericsOptions.None))}.{method.Name}";

    /// <summary>The runtime's full name prefix of a type's methods in a profile ("System.String.", "System.Linq.Enumerable.").</summary>
    public static string CalleePrefix(INamedTypeSymbol type)
    {
        string ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() + "." : "";
        return ns + type.MetadataName.Split('`')[0];
    }
}
