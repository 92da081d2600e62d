using HeapLens.Reports;

namespace HeapLens.Explain.Causes;

/// <summary>
/// A compile-time cause of heap allocation found in the source, before it is joined with the profile.
/// </summary>
/// <param name="Column">1-based column of the expression that allocates.</param>
/// <param name="Claims">Which of the profile's allocations on the line this cause accounts for.</param>
/// <param name="MayBeRemovedByJit">The JIT can stack-allocate the object when it does not escape.</param>
public sealed record FoundCause(
    CauseKind Kind,
    int Column,
    string Message,
    string Fix,
    TypeClaim Claims,
    bool MayBeRemovedByJit = false);

/// <summary>
/// The profile's allocations a cause accounts for: types by the runtime's simple name (what the profile
/// names them, e.g. "Int32", "Object[]", "Func"; "*Iterator" matches any name containing "Iterator"), and
/// allocations inside called methods by the callee's name prefix (e.g. "System.String.Concat") or, starting
/// with a dot, by the method's name (".ToList").
/// </summary>
public sealed record TypeClaim(IReadOnlyList<string> Types, IReadOnlyList<string> Callees)
{
    /// <summary>The runtime's full names of the types, when known: a better match than the simple name.</summary>
    public IReadOnlyList<string> FullNames { get; init; } = [];

    public static TypeClaim Of(params string[] types) => new(types, []);

    /// <summary>A claim of one type by its simple and its full runtime name.</summary>
    public static TypeClaim Exact(Microsoft.CodeAnalysis.ITypeSymbol type) =>
        new([RuntimeTypeNames.SimpleName(type)], []) { FullNames = RuntimeTypeNames.FullName(type) is { } full ? [full] : [] };

    public static TypeClaim None { get; } = new([], []);

    public TypeClaim WithCallees(params string[] callees) => this with { Callees = [.. Callees, .. callees] };

    /// <summary>How well this cause accounts for an allocation of the type (directly or in the callee): 0 not, 1 by name, 2 exactly.</summary>
    public int Matches(string profileType, string? callee)
    {
        if (callee is not null)
        {
            // ".Select": a callee of that very name (Enumerable.Select, or ListWhereIterator`1[...].Select) is exact.
            if (Callees.Any(c => c.StartsWith('.') && callee.EndsWith(c, StringComparison.Ordinal)))
                return 2;
            return Callees.Any(c => !c.StartsWith('.') && callee.StartsWith(c, StringComparison.Ordinal)) ? 1 : 0;
        }
        if (FullNames.Contains(profileType))
            return 2;
        string simple = RuntimeTypeNames.SimpleName(profileType);
        return Types.Any(t => t.StartsWith('*') ? simple.Contains(t[1..], StringComparison.Ordinal) : simple == t) ? 1 : 0;
    }
}
