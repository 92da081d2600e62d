using HeapLens.Cli.Infrastructure;
using Xunit;

namespace HeapLens.Tests.Monitoring;

public class ArgumentTextTests
{
    [Theory]
    [InlineData("90", 90)]
    [InlineData("90s", 90)]
    [InlineData("1.5m", 90)]
    [InlineData("2h", 7200)]
    [InlineData("500ms", 0.5)]
    [InlineData("00:01:30", 90)]
    public void Reads_durations(string text, double seconds) =>
        Assert.Equal(seconds, DurationText.Parse(text, "--duration").TotalSeconds, 6);

    [Theory]
    [InlineData("soon")]
    [InlineData("-5s")]
    [InlineData("")]
    public void Refuses_bad_durations(string text)
    {
        var e = Assert.Throws<HeapLensException>(() => DurationText.Parse(text, "--duration"));
        Assert.StartsWith("--duration:", e.Message);
    }

    [Theory]
    [InlineData("1048576", 1048576)]
    [InlineData("512KB", 512 * 1024)]
    [InlineData("500MB", 500L * 1024 * 1024)]
    [InlineData("1.5GB", 1536L * 1024 * 1024)]
    [InlineData("2g", 2L * 1024 * 1024 * 1024)]
    [InlineData("300 MiB", 300L * 1024 * 1024)]
    public void Reads_sizes(string text, long bytes) => Assert.Equal(bytes, SizeText.Parse(text, "--threshold"));

    [Theory]
    [InlineData("big")]
    [InlineData("-1MB")]
    public void Refuses_bad_sizes(string text) =>
        Assert.Throws<HeapLensException>(() => SizeText.Parse(text, "--threshold"));

    [Fact]
    public void Reads_percentages() => Assert.Equal(50, SizeText.ParsePercent("50%", "--growth"));

    [Fact]
    public void Capture_choices_resolve_or_say_why_not()
    {
        Assert.Single(CaptureActions.Resolve(["timeline"]));
        Assert.Empty(CaptureActions.Resolve(["none"]));
        Assert.Equal(2, CaptureActions.Resolve(["snapshot,allocs"]).Count);
        Assert.Equal(3, CaptureActions.Resolve(["timeline", "snapshot,allocs"]).Count);
        Assert.Contains("unknown capture 'dump'", Assert.Throws<HeapLensException>(() => CaptureActions.Resolve(["dump"])).Message);
        Assert.Throws<HeapLensException>(() => CaptureActions.Resolve(["none", "timeline"]));
    }
}
