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
/// allocations inside called methods by the callee's name prefix (e.g. "System.String.Concat").
/// </summary>
public sealed record TypeClaim(IReadOnlyList<string> Types, IReadOnlyList<string> Callees)
{
    public static TypeClaim Of(params string[] types) => new(types, []);

    public static TypeClaim None { get; } = new([], []);

    public TypeClaim WithCallees(params string[] callees) => this with { Callees = [.. Callees, .. callees] };

    /// <summary>True when this cause accounts for an allocation of the type (directly or in the callee).</summary>
    public bool Matches(string profileType, string? callee)
    {
        if (callee is not null)
            return Callees.Any(c => callee.StartsWith(c, StringComparison.Ordinal));
        string simple = RuntimeTypeNames.SimpleName(profileType);
        return Types.Any(t => t.StartsWith('*') ? simple.Contains(t[1..], StringComparison.Ordinal) : simple == t);
    }
}
