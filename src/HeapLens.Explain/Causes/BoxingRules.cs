using HeapLens.Reports;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace HeapLens.Explain.Causes;

/// <summary>
/// Boxing: a value type converted to object, an interface or System.ValueType/Enum (HAA0601), and a call
/// to a virtual method a struct inherits without overriding (HAA0102). Not boxing any more: a value type
/// concatenated to a string (the compiler calls its ToString()) and an interpolation hole formatted by an
/// interpolated string handler (AppendFormatted&lt;T&gt;); Enum.HasFlag, which the JIT turned into a test.
/// </summary>
internal static class BoxingRules
{
    public static void Inspect(IOperation operation, CauseContext context)
    {
        switch (operation)
        {
            case IConversionOperation { Operand.Type: { } from, Type: { } to } conversion
                when IsBoxing(conversion) && !IsStringConcatOperand(conversion):
                context.Add(CauseKind.Boxing, conversion.Operand.Syntax,
                    $"boxing: {CauseContext.Display(from)} -> {CauseContext.Display(to)}{Where(conversion)}",
                    BoxingFix(conversion),
                    Claim(from),
                    mayBeRemovedByJit: !Escapes(conversion));
                break;
            case IInvocationOperation { Instance: { Type: { IsValueType: true } receiver } instance, TargetMethod: var method }
                when InheritedFromObject(method) && receiver.TypeKind != TypeKind.TypeParameter:
                context.Add(CauseKind.Boxing, instance.Syntax,
                    $"boxing: {CauseContext.Display(receiver)} -> object to call {method.Name}(), which {CauseContext.Display(receiver)} does not override",
                    $"override {method.Name} in {CauseContext.Display(receiver)} (a record struct does)",
                    Claim(receiver),
                    mayBeRemovedByJit: true);
                break;
        }
    }

    /// <summary>A value type (not a type parameter: its box depends on the instantiation) seen as a reference type.</summary>
    public static bool IsBoxing(IConversionOperation conversion) =>
        conversion.Operand.Type is { IsValueType: true, TypeKind: not TypeKind.TypeParameter } && conversion.Type is { IsReferenceType: true };

    /// <summary>The runtime type of a box is the value's type (Nullable&lt;T&gt; boxes as T).</summary>
    private static TypeClaim Claim(ITypeSymbol from) =>
        from is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T, TypeArguments: [var inner] }
            ? TypeClaim.Exact(inner)
            : from.TypeKind == TypeKind.TypeParameter ? TypeClaim.None : TypeClaim.Exact(from);

    private static bool InheritedFromObject(IMethodSymbol method) =>
        method is { IsStatic: false, IsVirtual: true } or { IsStatic: false, IsOverride: true }
        && method.ContainingType.SpecialType is SpecialType.System_Object or SpecialType.System_ValueType or SpecialType.System_Enum
        && method.Name is "ToString" or "GetHashCode" or "Equals";

    /// <summary>"a" + 1: since C# 10's compilers, the int is formatted with int.ToString(), not boxed.</summary>
    private static bool IsStringConcatOperand(IConversionOperation conversion) =>
        conversion.Parent is IBinaryOperation { OperatorKind: BinaryOperatorKind.Add, Type.SpecialType: SpecialType.System_String }
        || conversion.Parent is ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add, Type.SpecialType: SpecialType.System_String };

    private static string Where(IConversionOperation conversion) => conversion.Parent switch
    {
        IArgumentOperation { Parameter: { } p, Parent: IInvocationOperation call } => $" (argument '{p.Name}' of {CauseContext.Display(call.TargetMethod)})",
        ICollectionExpressionOperation or IArrayInitializerOperation when Invocation(conversion) is { } call => $" (params argument of {CauseContext.Display(call.TargetMethod)})",
        _ => "",
    };

    private static IInvocationOperation? Invocation(IOperation operation)
    {
        for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
            if (parent is IInvocationOperation call)
                return call;
        return null;
    }

    private static string BoxingFix(IConversionOperation conversion)
    {
        if (Invocation(conversion) is { TargetMethod: { Name: "Format", ContainingType.SpecialType: SpecialType.System_String } })
            return "use an interpolated string: the compiler formats each value with its own type (no boxing, no format parsing)";
        if (conversion.Type?.TypeKind == TypeKind.Interface)
            return $"keep it typed: a generic method constrained to the interface (where T : {CauseContext.Display(conversion.Type)}) calls it without boxing";
        return "keep the value typed: a generic overload (T instead of object), or a typed field instead of an object one";
    }

    /// <summary>
    /// A box that only serves a call on the boxed value (a receiver, an 'is' test) can be stack-allocated by
    /// the JIT; one passed on, stored or returned escapes.
    /// </summary>
    private static bool Escapes(IConversionOperation conversion) => conversion.Parent is not (IIsPatternOperation or IIsTypeOperation
        or IInvocationOperation { Instance: not null } or IBinaryOperation);
}
