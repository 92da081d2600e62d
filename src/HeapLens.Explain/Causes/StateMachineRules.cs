using HeapLens.Reports;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace HeapLens.Explain.Causes;

/// <summary>
/// Compiler-generated state machines: calling an iterator method (yield) allocates its enumerable
/// (&lt;Method&gt;d__N); an async method that does not complete synchronously boxes its state machine
/// (AsyncStateMachineBox) at its first suspending await, and a Task&lt;T&gt; result that is not cached is
/// one more object. Only methods whose source is in the analysed code are known to be iterators or async.
/// </summary>
internal static class StateMachineRules
{
    public static void Inspect(IOperation operation, CauseContext context)
    {
        switch (operation)
        {
            case IInvocationOperation { TargetMethod: var method } call when IsIterator(method):
                context.Add(CauseKind.Iterator, call.Syntax,
                    $"iterator: {CauseContext.Display(method)}() is an iterator: each call allocates its state machine (<{method.Name}>d__)",
                    "return the collection itself (or a struct enumerator), or pass a callback/buffer instead of yielding",
                    TypeClaim.Of($"*<{method.Name}>d__").WithCallees(CauseContext.CalleePrefix(method.ContainingType) + "." + method.Name));
                break;
            case IInvocationOperation { TargetMethod: { IsAsync: true } method } call:
                context.Add(CauseKind.AsyncStateMachine, call.Syntax,
                    $"async-state-machine: {CauseContext.Display(method)}() is async: if it suspends, its state machine is boxed and its Task allocated",
                    "return ValueTask (pooled with [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]) or add a synchronous fast path",
                    TypeClaim.Of("*AsyncStateMachineBox", $"*<{method.Name}>d__", "Task").WithCallees(CauseContext.CalleePrefix(method.ContainingType) + "." + method.Name));
                break;
            case IAwaitOperation awaiting:
                context.Add(CauseKind.AsyncStateMachine, awaiting.Syntax,
                    "async-state-machine: the first await that does not complete synchronously boxes this method's state machine",
                    "avoid the await on the hot path (check IsCompletedSuccessfully first), or return ValueTask from a pooling builder",
                    TypeClaim.Of("*AsyncStateMachineBox", "*d__").WithCallees("System.Runtime.CompilerServices.AsyncTaskMethodBuilder", "System.Runtime.CompilerServices.AsyncValueTaskMethodBuilder"));
                break;
        }
    }

    private static bool IsIterator(IMethodSymbol method) =>
        method.DeclaringSyntaxReferences.Any(r => r.GetSyntax() is var body &&
            body.DescendantNodes(n => n is not (LambdaExpressionSyntax or LocalFunctionStatementSyntax or AnonymousMethodExpressionSyntax))
                .OfType<YieldStatementSyntax>().Any());
}
