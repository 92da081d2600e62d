using HeapLens.Cli.Views;
using Xunit;

namespace HeapLens.Tests;

public class TypeNamesTests
{
    [Theory]
    [InlineData("System.Byte[]", "System.Byte[]")]
    [InlineData("System.String[,]", "System.String[,]")]
    [InlineData("System.Collections.Generic.List`1[Fixture.Item]", "System.Collections.Generic.List<Fixture.Item>")]
    [InlineData("System.Collections.Generic.List`1[System.Byte[]]", "System.Collections.Generic.List<System.Byte[]>")]
    [InlineData("System.Collections.Generic.Dictionary`2[System.String,System.Collections.Generic.List`1[System.Int32]][]",
        "System.Collections.Generic.Dictionary<System.String, System.Collections.Generic.List<System.Int32>>[]")]
    [InlineData("Entry[System.Int32,LeakyService.Product][]", "Entry[System.Int32,LeakyService.Product][]")]
    public void Generic_names_read_like_csharp(string runtimeName, string expected) =>
        Assert.Equal(expected, TypeNames.Pretty(runtimeName));
}
