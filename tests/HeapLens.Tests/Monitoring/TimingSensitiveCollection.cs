using Xunit;

namespace HeapLens.Tests.Monitoring;

/// <summary>
/// Live tests whose outcome depends on the target keeping its pace (a verdict within a minute,
/// no event lost from the runtime's buffer). xunit runs this collection alone, after the parallel
/// ones, so a heap walk or a heavy capture in another class cannot starve them of CPU.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingSensitiveCollection
{
    public const string Name = "Timing-sensitive live tests (run alone)";
}
