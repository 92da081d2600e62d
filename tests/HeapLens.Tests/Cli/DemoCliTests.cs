using HeapLens.Tests.Infrastructure;
using Xunit;

namespace HeapLens.Tests.Cli;

public class DemoCliTests
{
    [Fact]
    public void The_demo_names_the_leaking_static_field_and_tells_the_stable_cache_apart()
    {
        using var directory = new TempDirectory();

        var result = HeapLensCli.Run("demo", "-o", directory.Path);

        Assert.True(result.ExitCode == 0, result.StandardError);
        // LeakyService leaks one session per request and the demo serves 20,000 between the snapshots.
        Assert.Contains("Verdict: static LeakyService.SessionStore.s_sessions grew by", result.StandardOutput);
        Assert.Contains("(+20,000 LeakyService.SessionState)", result.StandardOutput);
        Assert.Contains("The biggest retainer, static LeakyService.ProductCatalog.s_products", result.StandardOutput);
        Assert.Contains("did not grow", result.StandardOutput);
        Assert.True(File.Exists(directory.File("before.heapsnap")));
        Assert.True(File.Exists(directory.File("after.heapsnap")));
    }
}
