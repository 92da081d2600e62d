using HeapLens.Reports;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace HeapLens.Explain.Causes;

/// <summary>
/// LINQ to Objects: every operator of a chain allocates its iterator (Where, Select...), materializing
/// ones their result (ToList, ToArray, ToDictionary...), and each `let` clause an anonymous object per
/// element (HAA0506). The lambdas passed to them are reported by <see cref="LambdaRules"/>.
/// </summary>
internal static class LinqRules
{
    public static void Inspect(IOperation operation, CauseContext context)
    {
        switch (operation)
        {
            case IInvocationOperation { TargetMethod.ContainingType: { } type, TargetMethod: var method } call when IsLinq(type):
                context.Add(CauseKind.Linq, NameOf(call),
                    $"linq: {CauseContext.Display(method)} allocates {What(method)}",
                    "a foreach/for loop over the source: no iterators, no delegates, no intermediate collections",
                    Claim(method));
                break;
            case IAnonymousObjectCreationOperation { Syntax.Parent: LetClauseSyntax } let:
                context.Add(CauseKind.Linq, let.Syntax.Parent!,
                    "linq: the let clause wraps every element and its value in a new anonymous object",
                    "compute the value inside the next clause or write the loop out (a value tuple is a struct)",
                    TypeClaim.Of("*AnonymousType"));
                break;
        }
    }

    private static bool IsLinq(INamedTypeSymbol type) =>
        type.Name is "Enumerable" or "ParallelEnumerable" && type.ContainingNamespace.ToDisplayString() == "System.Linq";

    private static string What(IMethodSymbol method) => method.Name switch
    {
        "ToList" => "a List<T> and its array",
        "ToArray" => "the array (and growing buffers when the size is unknown)",
        "ToDictionary" or "ToHashSet" or "ToLookup" or "GroupBy" => "a hash table of the elements",
        "Count" or "Any" or "All" or "First" or "FirstOrDefault" or "Sum" or "Min" or "Max" or "Contains" => "an enumerator when the source is not a known collection",
        _ => "an iterator object",
    };

    /// <summary>An operator's own allocations: its iterator, or the collection it materializes (built inside it or inlined).</summary>
    private static TypeClaim Claim(IMethodSymbol method) => (method.Name switch
    {
        "ToList" => TypeClaim.Of("List", "*[]"),
        "ToArray" => TypeClaim.Of("*[]"),
        "ToDictionary" => TypeClaim.Of("Dictionary", "*[]"),
        "ToHashSet" => TypeClaim.Of("HashSet", "*[]"),
        _ => TypeClaim.Of("*Iterator", "*Enumerable", "*Grouping", "*Lookup"),
    }).WithCallees("." + method.Name, "System.Linq.");

    private static SyntaxNode NameOf(IInvocationOperation call) =>
        call.Syntax is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax member } ? member.Name : call.Syntax;
}
