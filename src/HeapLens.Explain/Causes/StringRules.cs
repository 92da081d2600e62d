using HeapLens.Reports;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace HeapLens.Explain.Causes;

/// <summary>
/// Strings built on the line: concatenation (HAA0201; value types are formatted with their ToString(),
/// a temporary string each, no longer boxed as HAA0202 said), string.Format (format parsed at run time,
/// value types boxed), and interpolated strings: with DefaultInterpolatedStringHandler (C# 10, .NET 6)
/// one string and no boxing; into a span or a StringBuilder through their handlers nothing at all; as
/// FormattableString, an argument array and boxes.
/// </summary>
internal static class StringRules
{
    public static void Inspect(IOperation operation, CauseContext context)
    {
        switch (operation)
        {
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add, Type.SpecialType: SpecialType.System_String, ConstantValue.HasValue: false } concat
                when !IsStringAdd(concat.Parent):
                Concat(concat, context);
                break;
            case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add, Type.SpecialType: SpecialType.System_String } append:
                context.Add(CauseKind.StringConcat, append.Syntax,
                    "string-concat: += copies the whole string into a new one (quadratic in a loop)",
                    "append to a StringBuilder and build the string once",
                    TypeClaim.Of("String").WithCallees("System.String.Concat"));
                break;
            case IInvocationOperation { TargetMethod: { Name: "Format", ContainingType.SpecialType: SpecialType.System_String } } format:
                context.Add(CauseKind.StringFormat, format.Syntax,
                    "string-format: string.Format parses the format at run time and returns a new string",
                    "an interpolated string ($\"...\"): formatted by the compiler's handler without boxing; into a reused buffer (span.TryWrite, StringBuilder.Append) it allocates nothing",
                    TypeClaim.Of("String").WithCallees("System.String.", "System.Text."));
                break;
            case IInterpolatedStringOperation interpolated:
                Interpolated(interpolated, context);
                break;
        }
    }

    private static bool IsStringAdd(IOperation? operation) =>
        operation is IBinaryOperation { OperatorKind: BinaryOperatorKind.Add, Type.SpecialType: SpecialType.System_String };

    private static void Concat(IBinaryOperation concat, CauseContext context)
    {
        var parts = new List<IOperation>();
        Flatten(concat, parts);
        var formatted = parts
            .Select(p => p is IConversionOperation c && BoxingRules.IsBoxing(c) ? c.Operand.Type : null)
            .OfType<ITypeSymbol>()
            .Select(CauseContext.Display)
            .Distinct()
            .ToList();
        string values = formatted.Count == 0 ? "" : $"; {string.Join(", ", formatted)} formatted with ToString(): a temporary string each, no boxing";
        context.Add(CauseKind.StringConcat, concat.Syntax,
            $"string-concat: {parts.Count} parts concatenated into a new string{(parts.Count > 4 ? " (string.Concat over an array of the parts)" : "")}{values}",
            "one interpolated string for the result; in a loop or when the result is written out, append the parts to a reused StringBuilder or span",
            TypeClaim.Of(parts.Count > 4 ? ["String", "String[]"] : ["String"]).WithCallees("System.String.", "System.Number."));
    }

    private static void Flatten(IOperation operation, List<IOperation> parts)
    {
        if (operation is IBinaryOperation { OperatorKind: BinaryOperatorKind.Add, Type.SpecialType: SpecialType.System_String, ConstantValue.HasValue: false } add)
        {
            Flatten(add.LeftOperand, parts);
            Flatten(add.RightOperand, parts);
        }
        else
        {
            parts.Add(operation);
        }
    }

    private static void Interpolated(IInterpolatedStringOperation interpolated, CauseContext context)
    {
        if (interpolated.ConstantValue.HasValue)
            return;
        bool formattable = interpolated.Parent is IConversionOperation { Type.Name: "FormattableString" or "IFormattable" };
        bool handlerToString = !formattable &&
            context.Compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.DefaultInterpolatedStringHandler") is not null;
        if (interpolated.Parent is IInterpolatedStringHandlerCreationOperation { HandlerCreation.Type: { } handler } || handlerToString)
        {
            // Into a span (MemoryExtensions.TryWrite), a StringBuilder or a custom handler: nothing is allocated here.
            // A string target does not show the handler in the operation tree: the compiler lowers it to one.
            if (handlerToString && interpolated.Parent is not IInterpolatedStringHandlerCreationOperation
                || interpolated.Parent is IInterpolatedStringHandlerCreationOperation { HandlerCreation.Type.Name: "DefaultInterpolatedStringHandler" })
                context.Add(CauseKind.StringFormat, interpolated.Syntax,
                    "string-format: the interpolated string becomes a new string (DefaultInterpolatedStringHandler: no boxing, no format parsing)",
                    "write it into a reused buffer instead: span.TryWrite($\"...\", out int n) or StringBuilder.Append($\"...\") allocate nothing",
                    TypeClaim.Of("String").WithCallees("System.Runtime.CompilerServices.DefaultInterpolatedStringHandler", "System.String.", "System.Number."));
            return;
        }
        var holes = interpolated.Parts.OfType<IInterpolationOperation>().ToList();
        context.Add(CauseKind.StringFormat, interpolated.Syntax,
            formattable
                ? "string-format: a FormattableString with an array of its arguments"
                : "string-format: the interpolated string is compiled to string.Format (no interpolated string handler in this target framework)",
            "target .NET 6 or later and format into a string or a reused buffer, where the compiler's handler formats each value without boxing",
            TypeClaim.Of("String", "Object[]", "*FormattableString").WithCallees("System.String.", "System.Runtime.CompilerServices.FormattableStringFactory"));
        foreach (var hole in holes)
            if (hole.Expression.Type is { IsValueType: true } valueType)
                context.Add(CauseKind.Boxing, hole.Expression.Syntax,
                    $"boxing: {CauseContext.Display(valueType)} -> object (interpolation argument)",
                    "use an interpolated string handler (a string or span target on .NET 6+) instead of FormattableString/string.Format",
                    TypeClaim.Of(RuntimeTypeNames.SimpleName(valueType)));
    }
}
