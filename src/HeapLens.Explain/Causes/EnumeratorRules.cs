using HeapLens.Reports;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace HeapLens.Explain.Causes;

/// <summary>
/// foreach over a collection whose GetEnumerator returns a class or an interface (HAA0401): typically a
/// List&lt;T&gt; or an array seen as IEnumerable&lt;T&gt;/IReadOnlyList&lt;T&gt;, where the struct enumerator is
/// boxed. Arrays, spans, strings and List&lt;T&gt; typed as themselves use no enumerator object. The .NET 10
/// JIT can devirtualize and stack-allocate it when it sees the concrete collection (hence "may be removed").
/// </summary>
internal static class EnumeratorRules
{
    public static void Inspect(IOperation operation, CauseContext context)
    {
        if (operation is not IForEachLoopOperation { Syntax: CommonForEachStatementSyntax syntax } loop || syntax.AwaitKeyword != default)
            return;
        var info = context.Model.GetForEachStatementInfo(syntax);
        if (info.GetEnumeratorMethod?.ReturnType is not { IsReferenceType: true } enumerator)
            return;
        var collection = loop.Collection is IConversionOperation { IsImplicit: true } c ? c.Operand : loop.Collection;
        context.Add(CauseKind.Enumerator, collection.Syntax,
            $"enumerator: foreach over {CauseContext.Display(collection.Type)} gets an {CauseContext.Display(enumerator)} from GetEnumerator(), a heap object",
            "iterate the concrete type (List<T>, T[]: a struct enumerator or none) or index it with for",
            TypeClaim.Of("*Enumerator", "*d__").WithCallees(CalleePrefix(collection.Type)),
            mayBeRemovedByJit: collection.Type?.TypeKind == TypeKind.Interface);
    }

    private static string CalleePrefix(ITypeSymbol? type) =>
        type is INamedTypeSymbol named && named.TypeKind != TypeKind.Interface ? CauseContext.CalleePrefix(named) + ".GetEnumerator" : "System.Collections.";
}
