using HeapLens.Collection;
using Xunit;

namespace HeapLens.Tests.Profiles;

public sealed class AllocationRecorderTests
{
    private const long AllocationSampling = 0x80000000000, Gc = 0x1;

    [Theory]
    [InlineData(10, true, false)]
    [InlineData(11, true, false)]
    [InlineData(8, false, true)]
    [InlineData(9, false, true)]
    [InlineData(null, true, true)]
    public void Asks_for_AllocationSampled_from_NET_10_and_AllocationTick_before(int? major, bool sampled, bool tick)
    {
        var provider = Assert.Single(AllocationRecorder.Providers(major));
        Assert.Equal("Microsoft-Windows-DotNETRuntime", provider.Name);
        Assert.Equal(sampled, (provider.Keywords & AllocationSampling) != 0);
        Assert.Equal(tick, (provider.Keywords & Gc) != 0);
        // Method and module events, so that stacks resolve and lines can be found.
        Assert.Equal(0x20018, provider.Keywords & 0x20018);
    }
}
