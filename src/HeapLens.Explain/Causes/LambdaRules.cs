using HeapLens.Reports;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace HeapLens.Explain.Causes;

/// <summary>
/// Lambdas, anonymous methods and method groups turned into delegates (HAA0301-0303, HAA0602-0604).
/// A lambda that captures locals or parameters needs a closure (a display class, allocated where the
/// captured variables' scope begins: reported here, at the capture site) and a new delegate each time it
/// is evaluated; one that uses only `this` needs a new delegate each time; one that captures nothing (or
/// is `static`) is cached by the compiler in a static field, and so is a static method group since C# 11.
/// </summary>
internal static class LambdaRules
{
    public static void Inspect(IOperation operation, CauseContext context)
    {
        if (operation is not IDelegateCreationOperation { Type: { } delegateType } creation)
            return;
        string delegateName = CauseContext.Display(delegateType);
        var delegateClaim = TypeClaim.Exact(delegateType);
        switch (creation.Target)
        {
            case IAnonymousFunctionOperation function:
                var captured = Captured(function.Syntax, context.Model);
                var variables = captured.Where(v => v is not IParameterSymbol { IsThis: true }).Select(v => v.Name).ToList();
                if (variables.Count > 0)
                {
                    context.Add(CauseKind.Closure, function.Syntax,
                        $"closure: captures {string.Join(", ", variables)} (a display class, allocated where the captured variables' scope begins)",
                        "pass what the lambda needs as an argument (an overload with a state parameter and a static lambda), or write the loop out",
                        TypeClaim.Of("*DisplayClass"));
                    context.Add(CauseKind.Delegate, function.Syntax,
                        $"delegate: a new {delegateName} for the capturing lambda, each time it is evaluated",
                        "hoist the delegate out of the loop, or remove the capture so the compiler caches a static lambda",
                        delegateClaim);
                }
                else if (captured.Count > 0)
                {
                    context.Add(CauseKind.Delegate, function.Syntax,
                        $"delegate: a new {delegateName} each time: the lambda uses `this`",
                        "cache the delegate in a field, or make the lambda static (pass the instance as an argument)",
                        delegateClaim);
                }
                break;
            case IMethodReferenceOperation { Method: var method } reference when !method.IsStatic || !CachesStaticMethodGroups(context):
                context.Add(CauseKind.Delegate, creation.Syntax,
                    method.IsStatic
                        ? $"delegate: a new {delegateName} for the method group {method.Name} (compilers before C# 11 do not cache it)"
                        : $"delegate: a new {delegateName} for the method group {method.Name}, bound to an instance, each time",
                    "cache the delegate in a (static readonly) field, or use a static lambda",
                    delegateClaim);
                if (reference.Instance is { Type.IsValueType: true } instance)
                    context.Add(CauseKind.Boxing, instance.Syntax,
                        $"boxing: {CauseContext.Display(instance.Type)} -> object: a delegate to a struct's method boxes the struct",
                        "use a static method or a lambda that takes the struct as an argument",
                        TypeClaim.Of(RuntimeTypeNames.SimpleName(instance.Type!)));
                break;
        }
    }

    private static IReadOnlyList<ISymbol> Captured(SyntaxNode function, SemanticModel model)
    {
        var flow = model.AnalyzeDataFlow(function);
        return flow is { Succeeded: true } ? flow.Captured : [];
    }

    private static bool CachesStaticMethodGroups(CauseContext context) =>
        context.Compilation is Microsoft.CodeAnalysis.CSharp.CSharpCompilation { LanguageVersion: >= Microsoft.CodeAnalysis.CSharp.LanguageVersion.CSharp11 };
}
