using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace HeapLens.Explain.Causes;

/// <summary>
/// Every compile-time cause of heap allocation on one source line. A profile's line is the line of a
/// sequence point: a statement (its first line, when it spans several), an expression body, a lambda's
/// expression body, a field initializer, a foreach's collection. The finder takes the code that starts
/// on the line at that granularity and walks its operations, without entering nested statements and
/// lambda bodies that start on other lines (they have sequence points of their own).
/// </summary>
public static class LineCauseFinder
{
    private static readonly Action<IOperation, CauseContext>[] Rules =
    [
        BoxingRules.Inspect,
        ParamsArrayRules.Inspect,
        LambdaRules.Inspect,
        StringRules.Inspect,
        EnumeratorRules.Inspect,
        StateMachineRules.Inspect,
        LinqRules.Inspect,
        CreationRules.Inspect,
    ];

    /// <summary>The causes on a 1-based line, by column; null when no code starts on the line (a blank line, a comment, a brace).</summary>
    public static IReadOnlyList<FoundCause>? Find(SemanticModel model, int line) => Find(model, line, out _);

    /// <param name="calls">The methods the line calls, by name: candidates for an allocation the JIT inlined into the line.</param>
    public static IReadOnlyList<FoundCause>? Find(SemanticModel model, int line, out IReadOnlyList<string> calls)
    {
        calls = [];
        var tree = model.SyntaxTree;
        var text = tree.GetText();
        if (line < 1 || line > text.Lines.Count)
            return null;
        var lineSpan = text.Lines[line - 1].Span;
        var units = Units(tree.GetRoot(), lineSpan, text).ToList();
        if (units.Count == 0)
            return null;
        var context = new CauseContext(model);
        foreach (var unit in units)
            if (model.GetOperation(unit) is { } operation)
                Walk(operation, unit, lineSpan, text, context);
        calls = context.Calls;
        return context.Causes.OrderBy(c => c.Column).ThenBy(c => c.Kind).ToList();
    }

    /// <summary>The code with a sequence point on the line: what starts there, at statement granularity.</summary>
    private static IEnumerable<SyntaxNode> Units(SyntaxNode root, TextSpan line, SourceText text)
    {
        foreach (var node in root.DescendantNodes(n => n.FullSpan.IntersectsWith(line) || n.FullSpan.End == line.Start))
        {
            if (!line.Contains(node.SpanStart) && node.SpanStart != line.End)
                continue;
            switch (node)
            {
                case BlockSyntax:
                    break;
                case StatementSyntax statement:
                    yield return statement;
                    break;
                case ArrowExpressionClauseSyntax arrow:
                    yield return arrow; // its operation holds the conversion to the return type
                    break;
                case ExpressionSyntax body when body.Parent is LambdaExpressionSyntax lambda && lambda.Body == body && StartLine(lambda, text) != StartLine(body, text):
                    yield return body;
                    break;
                case EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent.Parent: FieldDeclarationSyntax } } field:
                    yield return field;
                    break;
                case EqualsValueClauseSyntax { Parent: PropertyDeclarationSyntax } property:
                    yield return property;
                    break;
                case ConstructorInitializerSyntax initializer:
                    yield return initializer;
                    break;
            }
        }
    }

    private static void Walk(IOperation operation, SyntaxNode unit, TextSpan line, SourceText text, CauseContext context)
    {
        foreach (var rule in Rules)
            rule(operation, context);
        if (operation is IInvocationOperation call)
            context.AddCall(CauseContext.Display(call.TargetMethod));
        foreach (var child in operation.ChildOperations)
        {
            // Nested statements are their own units; so is a lambda body (walked here only when it is an
            // expression on this line, as `x => x.Name + "!"` inside a statement).
            if (child.Syntax != unit && child.Syntax is StatementSyntax && child is not IExpressionStatementOperation { IsImplicit: true })
                continue;
            if (child is IBlockOperation { IsImplicit: true, Parent: IAnonymousFunctionOperation } lambdaBody)
            {
                if (lambdaBody.Syntax is ExpressionSyntax && StartLine(lambdaBody.Syntax, text) == text.Lines.GetLineFromPosition(line.Start).LineNumber)
                    foreach (var expression in lambdaBody.ChildOperations)
                        WalkBodyExpression(expression, unit, line, text, context);
                continue;
            }
            if (child is ILocalFunctionOperation)
                continue;
            Walk(child, unit, line, text, context);
        }
    }

    // An expression-bodied lambda's body is an implicit block holding an implicit return.
    private static void WalkBodyExpression(IOperation operation, SyntaxNode unit, TextSpan line, SourceText text, CauseContext context)
    {
        if (operation is IReturnOperation { IsImplicit: true, ReturnedValue: { } value })
            Walk(value, unit, line, text, context);
        else if (operation is IExpressionStatementOperation { IsImplicit: true, Operation: var inner })
            Walk(inner, unit, line, text, context);
        else
            Walk(operation, unit, line, text, context);
    }

    private static int StartLine(SyntaxNode node, SourceText text) => text.Lines.GetLineFromPosition(node.SpanStart).LineNumber;
}
