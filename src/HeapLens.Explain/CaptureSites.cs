using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace HeapLens.Explain;

/// <summary>
/// Where a display class belongs. The compiler allocates a closure's display class where the scope of the
/// captured variables begins (often the method's opening brace), a place without a sequence point of its
/// own, so the profile puts it on whatever line comes first. The fix is at the lambda that captures:
/// that is where the allocation is reported.
/// </summary>
internal static class CaptureSites
{
    /// <summary>The 1-based line of the first capturing lambda of the member holding the line; null when none.</summary>
    public static int? Find(SemanticModel model, int line)
    {
        var text = model.SyntaxTree.GetText();
        if (line < 1 || line > text.Lines.Count)
            return null;
        var span = text.Lines[line - 1].Span;
        var member = model.SyntaxTree.GetRoot().DescendantNodes(n => n.FullSpan.IntersectsWith(span))
            .Where(n => n is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or LocalFunctionStatementSyntax or PropertyDeclarationSyntax
                && n.Span.IntersectsWith(span))
            .LastOrDefault();
        return member is null ? null : FirstCapture(model, member, span.Start);
    }

    /// <summary>The first capturing lambda of a method the profile names ("Namespace.Type.Method"), for line 0; null when none.</summary>
    public static int? FindInFunction(SemanticModel model, string function)
    {
        string[] parts = function.Split('(')[0].Split('.');
        string name = parts[^1];
        string? type = parts.Length > 1 ? parts[^2] : null;
        var member = model.SyntaxTree.GetRoot().DescendantNodes()
            .OfType<MethodDeclarationSyntax>()
            .Where(m => m.Identifier.ValueText == name)
            .OrderBy(m => m.Parent is BaseTypeDeclarationSyntax t && t.Identifier.ValueText == type ? 0 : 1)
            .FirstOrDefault();
        return member is null ? null : FirstCapture(model, member, member.SpanStart);
    }

    private static int? FirstCapture(SemanticModel model, SyntaxNode member, int scopeStart)
    {
        var text = model.SyntaxTree.GetText();
        var span = new Microsoft.CodeAnalysis.Text.TextSpan(scopeStart, 0);
        var lambdas = member.DescendantNodes().Where(n => n is AnonymousFunctionExpressionSyntax).ToList();
        var capturing = lambdas
            .Where(l => model.AnalyzeDataFlow(l) is { Succeeded: true } flow && flow.Captured.Any(v => v is not IParameterSymbol { IsThis: true }))
            .OrderBy(l => l.SpanStart < span.Start ? 1 : 0) // the scope begins at or before its first capture
            .ThenBy(l => l.SpanStart)
            .FirstOrDefault();
        return capturing is null ? null : text.Lines.GetLineFromPosition(capturing.SpanStart).LineNumber + 1;
    }
}
