using HeapLens.Cli.Infrastructure;
using Xunit;

namespace HeapLens.Tests.Profiles;

public sealed class DurationParserTests
{
    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("2m", 120_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("500ms", 500)]
    [InlineData("1h", 3_600_000)]
    [InlineData("2.5", 2_500)]
    [InlineData(" 10s ", 10_000)]
    public void Parses_what_people_type(string text, long milliseconds)
    {
        Assert.True(DurationParser.TryParse(text, out var duration));
        Assert.Equal(milliseconds, (long)duration.TotalMilliseconds);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("10x")]
    [InlineData("m")]
    public void Rejects_the_rest(string text) => Assert.False(DurationParser.TryParse(text, out _));
}
