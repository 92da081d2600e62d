using HeapLens.Reports;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace HeapLens.Explain.Causes;

/// <summary>
/// Explicit allocations: `new` of a class (HAA0502), of an anonymous type (HAA0503), of a collection, of an
/// array (HAA0501), collection expressions, and `with` on a record class. Value types are not heap
/// allocated; a collection expression for a span is an inline array on the stack, an empty one for an
/// array is Array.Empty&lt;T&gt;(). The .NET 10 JIT stack-allocates small objects and small value-type
/// arrays of constant length that do not escape the method: "may be removed by the JIT" for those kept in a local.
/// </summary>
internal static class CreationRules
{
    public static void Inspect(IOperation operation, CauseContext context)
    {
        switch (operation)
        {
            case IObjectCreationOperation { Type: { IsReferenceType: true } type } creation:
                bool collection = IsCollection(type);
                context.Add(collection ? CauseKind.Collection : CauseKind.NewObject, creation.Syntax,
                    $"{(collection ? "collection" : "new-object")}: new {CauseContext.Display(type)}",
                    collection
                        ? "reuse the collection (Clear() it) or give it its final capacity; small short-lived data fits a span (stackalloc)"
                        : "reuse one instance (a field, a pool) or make a small short-lived type a struct",
                    collection ? TypeClaim.Of(RuntimeTypeNames.SimpleName(type), "*[]").WithCallees(CauseContext.CalleePrefix((INamedTypeSymbol)type)) : TypeClaim.Of(RuntimeTypeNames.SimpleName(type)),
                    mayBeRemovedByJit: KeptInLocal(creation));
                break;
            case IAnonymousObjectCreationOperation { Syntax.Parent: not LetClauseSyntax } anonymous:
                context.Add(CauseKind.NewObject, anonymous.Syntax,
                    "new-object: an anonymous type",
                    "use a value tuple (a struct) or a struct",
                    TypeClaim.Of("*AnonymousType"),
                    mayBeRemovedByJit: KeptInLocal(anonymous));
                break;
            case IArrayCreationOperation { Type: IArrayTypeSymbol array } creation when !IsParamsArray(creation):
                bool empty = creation.DimensionSizes is [{ ConstantValue: { HasValue: true, Value: 0 } }];
                context.Add(CauseKind.NewArray, creation.Syntax,
                    $"new-array: new {CauseContext.Display(array.ElementType)}[{Length(creation)}]",
                    empty
                        ? $"use Array.Empty<{CauseContext.Display(array.ElementType)}>() (one shared instance)"
                        : creation.DimensionSizes.All(d => d.ConstantValue.HasValue) && creation.Initializer is not null
                            ? "hoist a constant array into a static readonly field (or a ReadOnlySpan<T> of constants)"
                            : "rent it from ArrayPool<T>.Shared, or stackalloc a Span<T> when it is small",
                    TypeClaim.Of(RuntimeTypeNames.SimpleName(array)),
                    mayBeRemovedByJit: array.ElementType.IsValueType && creation.DimensionSizes.All(d => d.ConstantValue.HasValue) && KeptInLocal(creation));
                break;
            case ICollectionExpressionOperation { Type: { } target } expression when Allocates(expression, target):
                bool isArray = target is IArrayTypeSymbol;
                context.Add(isArray ? CauseKind.NewArray : CauseKind.Collection, expression.Syntax,
                    $"{(isArray ? "new-array" : "collection")}: the collection expression builds a new {CauseContext.Display(target)}",
                    "target a ReadOnlySpan<T> (an inline array on the stack) or a static readonly field when the contents are constant",
                    TypeClaim.Of(RuntimeTypeNames.SimpleName(target), "*[]"));
                break;
            case IWithOperation { Type.IsReferenceType: true } with:
                context.Add(CauseKind.NewObject, with.Syntax,
                    $"new-object: `with` copies the {CauseContext.Display(with.Type)} into a new object",
                    "a record struct copies without allocating",
                    TypeClaim.Of(RuntimeTypeNames.SimpleName(with.Type!)));
                break;
        }
    }

    private static bool IsParamsArray(IArrayCreationOperation creation) =>
        creation.IsImplicit && creation.Parent is IArgumentOperation { ArgumentKind: ArgumentKind.ParamArray };

    private static bool Allocates(ICollectionExpressionOperation expression, ITypeSymbol target)
    {
        if (target is INamedTypeSymbol { Name: "Span" or "ReadOnlySpan", ContainingNamespace.Name: "System" })
            return false; // an inline array on the stack
        if (expression.Parent is IArgumentOperation { ArgumentKind: ArgumentKind.ParamCollection })
            return false; // reported as a params collection
        return !(target is IArrayTypeSymbol && expression.Elements.Length == 0); // [] as an array is Array.Empty
    }

    private static string Length(IArrayCreationOperation creation) =>
        string.Join(", ", creation.DimensionSizes.Select(d => d.ConstantValue.HasValue ? $"{d.ConstantValue.Value}" : d.Syntax.ToString()));

    private static bool IsCollection(ITypeSymbol type) =>
        type.ContainingNamespace?.ToDisplayString().StartsWith("System.Collections", StringComparison.Ordinal) == true
        || type.AllInterfaces.Any(i => i.Name == "ICollection");

    /// <summary>`var x = new ...;`: whether it escapes depends on what is done with x, which the JIT knows.</summary>
    private static bool KeptInLocal(IOperation creation) =>
        (creation.Parent is IConversionOperation { IsImplicit: true } c ? c.Parent : creation.Parent) is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation };
}
