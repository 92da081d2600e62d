using HeapLens.Reports;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace HeapLens.Explain.Causes;

/// <summary>
/// The array a call builds for a `params T[]` parameter (HAA0101). Not allocated: no argument at all
/// (Array.Empty&lt;T&gt;() since C# 7.3's compilers) and C# 13 `params ReadOnlySpan&lt;T&gt;` (an inline array on
/// the stack, which .NET 9+ overloads such as string.Format and string.Concat have).
/// </summary>
internal static class ParamsArrayRules
{
    public static void Inspect(IOperation operation, CauseContext context)
    {
        if (operation is not IArgumentOperation { ArgumentKind: ArgumentKind.ParamArray or ArgumentKind.ParamCollection, Parameter: { } parameter } argument)
            return;
        if (parameter.Type is not IArrayTypeSymbol array)
        {
            if (!IsSpan(parameter.Type) && argument.Value is ICollectionExpressionOperation { Elements.Length: > 0 })
                context.Add(CauseKind.ParamsArray, Syntax(argument),
                    $"params collection: a new {CauseContext.Display(parameter.Type)} for {Callee(argument)}",
                    "add a params ReadOnlySpan<T> overload (its arguments stay on the stack)",
                    TypeClaim.Of(RuntimeTypeNames.SimpleName(parameter.Type)));
            return;
        }
        int count = argument.Value switch
        {
            IArrayCreationOperation { Initializer: { } initializer } => initializer.ElementValues.Length,
            IArrayCreationOperation => -1,
            _ => -1,
        };
        if (count == 0 || !argument.IsImplicit && argument.Value is not IArrayCreationOperation { IsImplicit: true })
            return; // no arguments: Array.Empty; an explicit array is the caller's own `new`
        string element = CauseContext.Display(array.ElementType);
        context.Add(CauseKind.ParamsArray, Syntax(argument),
            $"params array: {element}[{(count < 0 ? "" : count)}] for {Callee(argument)}",
            $"add an overload with fixed parameters, or make it `params ReadOnlySpan<{element}>` (C# 13: the arguments stay on the stack)",
            TypeClaim.Exact(array));
    }

    private static SyntaxNode Syntax(IArgumentOperation argument) =>
        argument.Parent?.Syntax ?? argument.Syntax;

    private static string Callee(IArgumentOperation argument) => argument.Parent switch
    {
        IInvocationOperation call => CauseContext.Display(call.TargetMethod) + "(...)",
        IObjectCreationOperation { Constructor: { } constructor } => "new " + CauseContext.Display(constructor.ContainingType) + "(...)",
        _ => "the call",
    };

    private static bool IsSpan(ITypeSymbol type) =>
        type is INamedTypeSymbol { Name: "Span" or "ReadOnlySpan", ContainingNamespace.Name: "System" };
}
