using HeapLens.Profiles;
using Xunit;
using ValueType = HeapLens.Profiles.ValueType;

namespace HeapLens.Tests.Profiles;

/// <summary>
/// The allocation profile builder on hand-made samples: interning, merging, inuse totals, the header
/// and which mapping goes first. Each expected value is the sum of the weights the test adds.
/// </summary>
public sealed class AllocationProfileBuilderTests
{
    [Fact]
    public void Mappings_functions_stacks_and_types_are_interned_by_content()
    {
        var builder = new AllocationProfileBuilder();
        ulong app = builder.Mapping("/app/App.dll", hasLineNumbers: true);
        Assert.Equal(app, builder.Mapping("/app/App.dll", hasLineNumbers: true));
        Assert.Equal(0UL, builder.Mapping(null, hasLineNumbers: false));
        Assert.Equal(0UL, builder.Mapping("", hasLineNumbers: false));
        ulong run = builder.Function("App.Run", "App.Run(int)", "/src/App.cs");
        Assert.Equal(run, builder.Function("App.Run", "App.Run(int)", "/src/App.cs"));
        Assert.NotEqual(run, builder.Function("App.Run", "App.Run(int)", "/src/Other.cs"));
        ulong location = builder.Location(run, 7, app, 0x10);
        Assert.Equal(builder.Stack([location]), builder.Stack([location]));
        // The same type at two sizes: two samples, one type frame.
        int small = builder.Add(builder.Stack([location]), "System.String", 24, 1, 24);
        int large = builder.Add(builder.Stack([location]), "System.String", 48, 1, 48);
        Assert.NotEqual(small, large);
        Assert.Equal(small, builder.Add(builder.Stack([location]), "System.String", 24, 2, 48));
        var profile = builder.Build(0, 0, 102400, []);

        var mapping = Assert.Single(profile.Mappings);
        Assert.Equal((app, "/app/App.dll", true, true, true), (mapping.Id, mapping.FileName, mapping.HasFunctions, mapping.HasFileNames, mapping.HasLineNumbers));
        Assert.Equal(2, profile.Samples.Count);
        Assert.Equal(profile.Samples[0].LocationIds[0], profile.Samples[1].LocationIds[0]);
        Assert.Single(profile.Functions, f => f.Name == "System.String");
        Assert.Equal([3L, 72L], profile.Samples[0].Values);
        Assert.Equal([1L, 48L], profile.Samples[1].Values);
        Assert.Equal(3, builder.SampleCount);
    }

    [Fact]
    public void Unknown_names_become_empty_and_the_system_name_defaults_to_the_name()
    {
        var builder = new AllocationProfileBuilder();
        builder.Function(null, null, null);
        builder.Function("Shown", null, "/src/A.cs");
        builder.Function("Shown", "Shown(System.Int32)", "/src/B.cs");
        var functions = builder.Build(0, 0, 1, []).Functions;
        Assert.Equal(
            [("", "", ""), ("Shown", "Shown", "/src/A.cs"), ("Shown", "Shown(System.Int32)", "/src/B.cs")],
            functions.Select(f => (f.Name, f.SystemName, f.FileName)));
    }

    [Fact]
    public void The_header_says_what_was_measured_and_the_size_label_is_in_bytes()
    {
        var builder = new AllocationProfileBuilder();
        builder.Add(builder.Stack([]), "System.Object", 24, 1.4, 33.6);
        var profile = builder.Build(1_000, 2_000, 102400, ["one", "two"]);
        Assert.Equal([new ValueType("alloc_objects", "count"), new ValueType("alloc_space", "bytes")], profile.SampleTypes);
        Assert.Equal("alloc_space", profile.DefaultSampleType);
        Assert.Equal((1_000L, 2_000L, new ValueType("space", "bytes"), 102400L), (profile.TimeNanos, profile.DurationNanos, profile.PeriodType, profile.Period));
        Assert.Equal(["one", "two"], profile.Comments);
        var label = Assert.Single(Assert.Single(profile.Samples).Labels);
        Assert.Equal(new Label("bytes", null, 24, "bytes"), label);
        Assert.Equal([1L, 34L], profile.Samples[0].Values);
    }

    [Fact]
    public void Inuse_adds_two_sample_types_summed_per_merged_sample_and_rounded_once()
    {
        var builder = new AllocationProfileBuilder { WithInuse = true };
        int stack = builder.Stack([]);
        int strings = builder.Add(stack, "System.String", 32, 1.3, 40);
        builder.Add(stack, "System.String", 32, 1.3, 40);
        int arrays = builder.Add(stack, "System.Byte[]", 1000, 1, 1000);
        Assert.Equal(32, builder.ObjectSizeOf(strings));
        Assert.Equal(1000, builder.ObjectSizeOf(arrays));
        // 1.3 + 1.3 objects round to 3 only when summed first, as three quarter-objects alive round to 1.
        for (int i = 0; i < 3; i++)
            builder.AddInuse(strings, 0.25, 8);
        var profile = builder.Build(0, 0, 102400, []);
        Assert.Equal(["alloc_objects", "alloc_space", "inuse_objects", "inuse_space"], profile.SampleTypes.Select(t => t.Type));
        Assert.Equal(["count", "bytes", "count", "bytes"], profile.SampleTypes.Select(t => t.Unit));
        Assert.Equal([3L, 80L, 1L, 24L], profile.Samples[0].Values);
        Assert.Equal([1L, 1000L, 0L, 0L], profile.Samples[1].Values);
    }

    [Fact]
    public void The_module_where_most_bytes_stacks_start_goes_first()
    {
        // Two mappings: the runtime (first registered) and the app. Stacks start (outermost frame) in the
        // app for 100 bytes and in the runtime for 60 + 30 = 90; a frame without module is skipped.
        var builder = new AllocationProfileBuilder();
        ulong runtime = builder.Mapping("/dotnet/System.Private.CoreLib.dll", false);
        ulong app = builder.Mapping("/app/App.dll", true);
        ulong inRuntime = builder.Location(builder.Function("Runtime.Thread", null, null), 0, runtime, 0x1);
        ulong inApp = builder.Location(builder.Function("App.Main", null, "/src/App.cs"), 3, app, 0x2);
        ulong unmapped = builder.Location(builder.Function("[native]", null, null), 0, 0, 0x3);
        builder.Add(builder.Stack([inRuntime, inApp, unmapped]), "A", 100, 1, 100);
        builder.Add(builder.Stack([inRuntime]), "B", 60, 1, 60);
        builder.Add(builder.Stack([inApp, inRuntime]), "C", 30, 1, 30);
        var profile = builder.Build(0, 0, 1, []);
        Assert.Equal([app, runtime], profile.Mappings.Select(m => m.Id));

        // Summed, not last-wins: two 60-byte stacks in the runtime outweigh 100 in the app, registered first.
        builder = new AllocationProfileBuilder();
        app = builder.Mapping("/app/App.dll", true);
        runtime = builder.Mapping("/dotnet/System.Private.CoreLib.dll", false);
        inRuntime = builder.Location(builder.Function("Runtime.Thread", null, null), 0, runtime, 0x1);
        inApp = builder.Location(builder.Function("App.Main", null, "/src/App.cs"), 3, app, 0x2);
        builder.Add(builder.Stack([inApp]), "A", 100, 1, 100);
        builder.Add(builder.Stack([inRuntime]), "B", 60, 1, 60);
        builder.Add(builder.Stack([inRuntime]), "C", 60, 1, 60);
        Assert.Equal([runtime, app], builder.Build(0, 0, 1, []).Mappings.Select(m => m.Id));
    }

    [Fact]
    public void Mappings_keep_their_order_when_no_stack_has_a_module()
    {
        var builder = new AllocationProfileBuilder();
        builder.Mapping("/a.dll", false);
        builder.Mapping("/b.dll", false);
        builder.Add(builder.Stack([builder.Location(builder.Function("F", null, null), 0, 0, 0x1)]), "T", 8, 1, 8);
        Assert.Equal(["/a.dll", "/b.dll"], builder.Build(0, 0, 1, []).Mappings.Select(m => m.FileName));
    }
}
