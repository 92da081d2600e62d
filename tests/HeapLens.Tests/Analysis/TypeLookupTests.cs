using HeapLens.Analysis;
using Xunit;
using static HeapLens.Tests.Analysis.TestGraph;

namespace HeapLens.Tests.Analysis;

/// <summary>Which type a query names, and the exact one-line errors when none or several do.</summary>
public sealed class TypeLookupTests
{
    // Only types with instances count: type 1 (System.Int32) and type 3 (App.Ghost) have none.
    private static readonly string[] Names =
        ["App.Node", "System.Int32", "App.BigNode", "App.Ghost", "App.Outer+Inner", "App.BigInner", "App.Cache"];

    private static HeapLens.Snapshots.HeapSnapshot Snapshot(string[] names, int[] types) =>
        Build(types.Length, [], [], typeOf: i => types[i], typeNames: names);

    private static readonly HeapLens.Snapshots.HeapSnapshot Heap = Snapshot(Names, [0, 2, 4, 5, 6, 0]);

    [Theory]
    [InlineData("App.BigNode", 2)]      // the exact name
    [InlineData("Node", 0)]             // ends with ".Node": App.BigNode does not
    [InlineData("Inner", 4)]            // ends with "+Inner": App.BigInner does not
    [InlineData("cach", 6)]             // a fragment, in any case
    public void A_query_names_one_type(string query, int type) =>
        Assert.Equal(type, TypeLookup.Find(Heap, query));

    [Theory]
    [InlineData("System.Int32", "no type in the snapshot matches 'System.Int32'")]
    [InlineData("Ghost", "no type in the snapshot matches 'Ghost'")]
    [InlineData("big", "2 types match 'big': App.BigNode, App.BigInner; give the full name")]
    [InlineData("e", "5 types match 'e': App.Node, App.BigNode, App.Outer+Inner, App.BigInner, App.Cache; give the full name")]
    [InlineData("", "5 types match '': App.Node, App.BigNode, App.Outer+Inner, App.BigInner, App.Cache; give the full name")]
    public void A_type_without_instances_is_never_a_match(string query, string message) =>
        Assert.Equal(message, Assert.Throws<HeapLensException>(() => TypeLookup.Find(Heap, query)).Message);

    [Fact]
    public void The_exact_name_of_the_first_type_wins_over_the_names_that_contain_it() =>
        Assert.Equal(0, TypeLookup.Find(Snapshot(["App.Node", "App.NodeList"], [0, 1]), "App.Node"));

    [Fact]
    public void Only_the_first_five_matches_are_named()
    {
        string[] names = Enumerable.Range(1, 6).Select(i => $"App.Item{i}").ToArray();

        Assert.Equal("6 types match 'Item': App.Item1, App.Item2, App.Item3, App.Item4, App.Item5, ...; give the full name",
            Assert.Throws<HeapLensException>(() => TypeLookup.Find(Snapshot(names, [0, 1, 2, 3, 4, 5]), "Item")).Message);
        Assert.Equal("5 types match 'Item': App.Item1, App.Item2, App.Item3, App.Item4, App.Item5; give the full name",
            Assert.Throws<HeapLensException>(() => TypeLookup.Find(Snapshot(names[..5], [0, 1, 2, 3, 4]), "Item")).Message);
    }
}
