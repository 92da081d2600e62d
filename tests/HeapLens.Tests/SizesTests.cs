using HeapLens.Cli.Views;
using Xunit;

namespace HeapLens.Tests;

public class SizesTests
{
    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1536, "1.50 KB")]
    [InlineData(195L * 1024 * 1024, "195 MB")]
    [InlineData(-78L * 1024 * 1024 - 512 * 1024, "-78.5 MB")]
    public void Formats_sizes_for_people(long bytes, string expected) =>
        Assert.Equal(expected, Sizes.Format(bytes));
}
