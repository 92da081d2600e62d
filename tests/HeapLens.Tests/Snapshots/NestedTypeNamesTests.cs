using HeapLens.Collection;
using HeapLens.Snapshots;
using Xunit;

namespace HeapLens.Tests.Snapshots;

public class NestedTypeNamesTests
{
    [Theory]
    [InlineData("Entry[System.Int32,LeakyService.Product][]", "System.Collections.Generic.Dictionary<System.Int32, LeakyService.Product>+Entry[]")]
    [InlineData("<>c", "Fixture.Program+<>c")]
    [InlineData("Inner", "Fixture.Left+Inner")]
    [InlineData("<>f__AnonymousType0`2[System.Int32,System.String]", "Fixture.Program+<>f__AnonymousType0<System.Int32, System.String>")]
    [InlineData("System.Collections.Generic.List`1[Entry[System.Int32,X]]", "System.Collections.Generic.List<System.Collections.Generic.Dictionary<System.Int32, X>+Entry>")]
    public void A_full_name_of_the_same_type_is_taken(string eventName, string fullName) =>
        Assert.True(NestedTypeNames.SameType(eventName, fullName));

    [Theory]
    [InlineData("Entry[System.Int32,X][]", "Fixture.Outer+EntryPoint")]
    [InlineData("Inner", "Fixture.Left+Outer")]
    [InlineData("<>c", "Fixture.Program+<>c__DisplayClass0_0")]
    public void A_method_table_now_naming_another_type_is_ignored(string eventName, string fullName) =>
        Assert.False(NestedTypeNames.SameType(eventName, fullName));

    [Fact]
    public void Without_full_names_nested_types_of_the_same_short_name_are_one_type()
    {
        // ClrMD could not attach: the walk's names are all there is, and reports go by name.
        using var builder = new HeapGraphBuilder();
        builder.SetTypeName(1, "Inner");
        builder.SetTypeName(2, "Inner");
        builder.AddNode(0x100, 24, 1, 0);
        builder.AddNode(0x200, 32, 2, 0);
        var snapshot = builder.Build(new SnapshotMetadata { ProcessName = "synthetic" });
        Assert.Equal(["Inner"], snapshot.TypeNames);
        Assert.Equal(snapshot.TypeIndex[0], snapshot.TypeIndex[1]);
    }

    [Fact]
    public void With_full_names_they_stay_apart()
    {
        using var builder = new HeapGraphBuilder();
        builder.SetTypeName(1, "Inner");
        builder.SetTypeName(2, "Inner");
        builder.AddNode(0x100, 24, 1, 0);
        builder.AddNode(0x200, 32, 2, 0);
        foreach (var (id, name) in new Dictionary<ulong, string> { [1] = "Fixture.Left+Inner", [2] = "Fixture.Right+Inner" })
            builder.SetTypeName(id, name);
        var snapshot = builder.Build(new SnapshotMetadata { ProcessName = "synthetic" });
        Assert.Equal(["Fixture.Left+Inner", "Fixture.Right+Inner"], snapshot.TypeNames);
    }
}
