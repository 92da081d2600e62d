using HeapLens.Collection;
using HeapLens.Collection.Nettrace;
using HeapLens.Tests.Infrastructure;
using HeapLens.Tests.Nettrace;
using Xunit;

namespace HeapLens.Tests.Snapshots;

/// <summary>
/// A type the walk left unnamed is named from the target (ClrMD) in the walk's own spelling, so that its
/// objects are counted under the same name as in every other snapshot.
/// </summary>
public class RuntimeSpellingTests
{
    [Theory]
    [InlineData("System.String", "System.String")]
    [InlineData("System.Byte[]", "System.Byte[]")]
    [InlineData("System.Int32[,]", "System.Int32[,]")]
    [InlineData("System.Collections.Generic.List<Fixture.Item>", "System.Collections.Generic.List`1[Fixture.Item]")]
    [InlineData("System.Collections.Generic.Dictionary<System.Int32, Fixture.Item>", "System.Collections.Generic.Dictionary`2[System.Int32,Fixture.Item]")]
    [InlineData("System.Func<System.Object, System.Diagnostics.Tracing.PropertyValue>[]", "System.Func`2[System.Object,System.Diagnostics.Tracing.PropertyValue][]")]
    [InlineData("System.Collections.Generic.List<System.Func<System.Diagnostics.Tracing.EventSource>>",
        "System.Collections.Generic.List`1[System.Func`1[System.Diagnostics.Tracing.EventSource]]")]
    [InlineData("A.B<C.D<E, F>, G<H>[], I>", "A.B`3[C.D`2[E,F],G`1[H][],I]")]
    [InlineData("<Module>", "<Module>")]
    [InlineData("<PrivateImplementationDetails>", "<PrivateImplementationDetails>")]
    [InlineData("Fixture.<Run>d__1", "Fixture.<Run>d__1")]
    [InlineData("<>f__AnonymousType0<System.Int32, System.String>", "<>f__AnonymousType0`2[System.Int32,System.String]")]
    [InlineData("System.Collections.Generic.List<<>f__AnonymousType0<System.Int32>>", "System.Collections.Generic.List`1[<>f__AnonymousType0`1[System.Int32]]")]
    public void A_clrmd_name_is_spelled_as_the_walk_spells_it(string clrMdName, string walkName) =>
        Assert.Equal(walkName, RuntimeSpelling.Of(clrMdName));

    [Fact]
    public void Every_type_of_a_real_walk_is_named_from_the_target_as_the_walk_named_it()
    {
        // The oracle is the runtime: the same method tables, named once by the walk's type events and once
        // from the target as if the events had been lost.
        using var target = TargetProcess.StartTestTarget();
        target.Send("items 1000");
        using var directory = new TempDirectory();
        var walk = RecordedWalk.Capture(target, directory, "walk");
        var read = HeapWalkReading.Read(() => File.OpenRead(walk.StreamPath), HeapWalkReader.Fast);
        using var builder = read.Parser.Builder;
        var eventNames = builder.RuntimeTypes.ToDictionary(type => type.Key, type => type.Value);
        Assert.DoesNotContain(null, eventNames.Values);

        var fromTarget = TargetInspection.Read(target.Id, new HashSet<ulong>(),
            eventNames.Keys.Select(id => KeyValuePair.Create(id, (string?)null)).ToList()).TypeNames;

        var compared = eventNames.Where(type => fromTarget.TryGetValue(type.Key, out string? name) && !name.Contains('+')).ToList();
        Assert.True(compared.Count > 50, $"only {compared.Count} of {eventNames.Count} types named from the target");
        Assert.True(compared.Count(type => type.Value!.Contains('`')) > 10, "too few generic types to compare");
        var differing = compared.Where(type => fromTarget[type.Key] != type.Value).Select(type => $"{type.Value} / {fromTarget[type.Key]}").ToList();
        Assert.True(differing.Count == 0, "named differently: " + string.Join("; ", differing));
    }
}
