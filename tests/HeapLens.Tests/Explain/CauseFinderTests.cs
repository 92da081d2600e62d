using HeapLens.Explain.Causes;
using HeapLens.Explain.Sources;
using HeapLens.Reports;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace HeapLens.Tests.Explain;

/// <summary>
/// The cause finder on snippets: each kind on the line marked `// <-`, and what modern C# and .NET no
/// longer allocate (static lambdas, interpolation handlers into a span, string concat of an int).
/// </summary>
public sealed class CauseFinderTests
{
    private static IReadOnlyList<FoundCause> Causes(string body, string members = "")
    {
        string code = $$"""
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading.Tasks;
            public struct Point { public int X; }
            public static class Snippet
            {
                static IEnumerable<int> Numbers() { yield return 1; }
                static async Task<int> LoadAsync() { await Task.Yield(); return 1; }
                static string Join(params string[] parts) => string.Join(",", parts);
                static int Twice(int x) => 2 * x;
                {{members}}
                public static object Run(int number, string text, List<int> list, IEnumerable<int> sequence, Point point, Span<char> buffer)
                {
            {{body}}
                    return 0;
                }
            }
            """;
        var tree = CSharpSyntaxTree.ParseText(code, new CSharpParseOptions(LanguageVersion.Latest), path: "Snippet.cs");
        var compilation = CSharpCompilation.Create("snippet", [tree], ReferenceAssemblies.Runtime,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        int line = code.Split('\n').ToList().FindIndex(l => l.Contains("// <-")) + 1;
        return LineCauseFinder.Find(compilation.GetSemanticModel(tree), line) ?? throw new InvalidOperationException("no code on the line");
    }

    private static CauseKind[] Kinds(string body, string members = "") => Causes(body, members).Select(c => c.Kind).ToArray();

    [Fact]
    public void Boxing_to_object_is_found_with_the_types()
    {
        var cause = Assert.Single(Causes("object boxed = number; // <-"));
        Assert.Equal(CauseKind.Boxing, cause.Kind);
        Assert.Equal("boxing: int -> object", cause.Message);
        Assert.Equal(2, cause.Claims.Matches("System.Int32", null));
    }

    [Fact]
    public void A_struct_calling_an_inherited_GetHashCode_boxes() =>
        Assert.Equal([CauseKind.Boxing], Kinds("int hash = point.GetHashCode(); // <-"));

    [Fact]
    public void A_params_array_is_found_and_an_empty_one_is_not()
    {
        Assert.Equal([CauseKind.ParamsArray], Kinds("""string joined = Join("a", text, "c"); // <-"""));
        Assert.Empty(Kinds("string joined = Join(); // <-"));
    }

    [Fact]
    public void A_capturing_lambda_is_a_closure_and_a_delegate()
    {
        var causes = Causes("Func<int, bool> big = x => x > number; // <-");
        Assert.Equal([CauseKind.Closure, CauseKind.Delegate], causes.Select(c => c.Kind).ToArray());
        Assert.Contains("captures number", causes[0].Message);
    }

    [Fact]
    public void A_static_or_non_capturing_lambda_and_a_static_method_group_allocate_nothing()
    {
        Assert.Empty(Kinds("Func<int, bool> odd = static x => x % 2 == 1; // <-"));
        Assert.Empty(Kinds("Func<int, bool> odd = x => x % 2 == 1; // <-"));
        Assert.Empty(Kinds("Func<int, int> twice = Twice; // <-"));
    }

    [Fact]
    public void A_method_group_bound_to_an_instance_is_a_delegate() =>
        Assert.Equal([CauseKind.Delegate], Kinds("Func<string> upper = text.ToUpperInvariant; // <-"));

    [Fact]
    public void Concatenation_is_a_string_concat_without_boxing_the_int()
    {
        var cause = Assert.Single(Causes("""string line = text + " #" + number; // <-"""));
        Assert.Equal(CauseKind.StringConcat, cause.Kind);
        Assert.Contains("no boxing", cause.Message);
    }

    [Fact]
    public void String_Format_formats_and_boxes_its_value_types() =>
        Assert.Equal([CauseKind.StringFormat, CauseKind.Boxing], Kinds("""string line = string.Format("{0}", number); // <-"""));

    [Fact]
    public void An_interpolated_string_is_one_string_without_boxing()
    {
        var causes = Causes("""string line = $"{text} #{number}"; // <-""");
        var cause = causes.Count == 1 ? causes[0] : throw new Xunit.Sdk.XunitException(string.Join("\n", causes));
        Assert.Equal(CauseKind.StringFormat, cause.Kind);
        Assert.Contains("no boxing", cause.Message);
    }

    [Fact]
    public void An_interpolated_string_written_into_a_span_allocates_nothing() =>
        Assert.Empty(Kinds("""bool written = buffer.TryWrite($"{text} #{number}", out int length); // <-"""));

    [Fact]
    public void A_FormattableString_boxes_its_holes() =>
        Assert.Equal([CauseKind.StringFormat, CauseKind.Boxing], Kinds("""FormattableString line = $"#{number}"; // <-"""));

    [Fact]
    public void Foreach_over_an_interface_gets_a_heap_enumerator_and_over_a_list_does_not()
    {
        var cause = Assert.Single(Causes("foreach (var item in sequence) // <-\n    number += item;"));
        Assert.Equal(CauseKind.Enumerator, cause.Kind);
        Assert.True(cause.MayBeRemovedByJit);
        Assert.Empty(Kinds("foreach (var item in list) // <-\n    number += item;"));
    }

    [Fact]
    public void Iterators_and_async_methods_allocate_state_machines()
    {
        Assert.Equal([CauseKind.Iterator], Kinds("var numbers = Numbers(); // <-"));
        Assert.Equal([CauseKind.AsyncStateMachine], Kinds("var task = LoadAsync(); // <-"));
    }

    [Fact]
    public void Linq_operators_each_allocate()
    {
        var kinds = Kinds("var small = list.Where(x => x < 10).ToList(); // <-");
        Assert.Equal([CauseKind.Linq, CauseKind.Linq], kinds);
    }

    [Fact]
    public void New_objects_arrays_collections_and_anonymous_types()
    {
        Assert.Equal([CauseKind.NewObject], Kinds("var o = new object(); // <-"));
        Assert.Equal([CauseKind.NewArray], Kinds("var a = new int[number]; // <-"));
        Assert.Equal([CauseKind.Collection], Kinds("var l = new List<int>(); // <-"));
        Assert.Equal([CauseKind.NewObject], Kinds("var a = new { number, text }; // <-"));
        Assert.Equal([CauseKind.NewArray], Kinds("int[] a = [1, number]; // <-"));
        Assert.Empty(Kinds("var p = new Point(); // <-"));
    }

    [Fact]
    public void A_collection_expression_for_a_span_is_on_the_stack() =>
        Assert.Empty(Kinds("ReadOnlySpan<int> s = [1, number, 3]; // <-"));

    [Fact]
    public void A_statement_spanning_lines_is_found_on_its_first_line() =>
        Assert.Equal([CauseKind.Boxing], Kinds("object boxed = // <-\n    number;"));

    [Fact]
    public void A_blank_line_has_no_code()
    {
        string code = "public static class C\n{\n\n    static object M(int i) => i;\n}\n";
        var tree = CSharpSyntaxTree.ParseText(code);
        var model = CSharpCompilation.Create("c", [tree], ReferenceAssemblies.Runtime).GetSemanticModel(tree);
        Assert.Null(LineCauseFinder.Find(model, 3));
        Assert.Null(LineCauseFinder.Find(model, 40));
        Assert.Equal(CauseKind.Boxing, Assert.Single(LineCauseFinder.Find(model, 4)!).Kind);
    }

    [Theory]
    [InlineData("System.Func`2[LogFormatter.Field,System.Boolean]", "Func")]
    [InlineData("ListWhereIterator`1[LogFormatter.Field]", "ListWhereIterator")]
    [InlineData("<>c__DisplayClass0_0", "<>c__DisplayClass0_0")]
    [InlineData("Program+<Run>d__3", "<Run>d__3")]
    [InlineData("System.String[]", "String[]")]
    [InlineData("System.Collections.Generic.Dictionary<System.Int64, LeakyService.SessionState>+Entry[]", "Entry[]")]
    public void Runtime_type_names_reduce_to_simple_names(string runtime, string simple) =>
        Assert.Equal(simple, RuntimeTypeNames.SimpleName(runtime));
}
