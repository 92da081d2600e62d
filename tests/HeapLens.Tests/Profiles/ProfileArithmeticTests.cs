using HeapLens.Profiles;
using Xunit;
using ValueType = HeapLens.Profiles.ValueType;

namespace HeapLens.Tests.Profiles;

/// <summary>
/// pprof's -normalize and -base arithmetic on hand-made profiles: each expected value is the few
/// numbers the test adds, scaled or subtracted by hand.
/// </summary>
public sealed class ProfileArithmeticTests
{
    [Fact]
    public void Scaling_rounds_half_away_from_zero_drops_zeros_and_keeps_the_header()
    {
        var own = new HandProfile("alloc_space");
        ulong leaf = own.At("F", "/f.cs", 1);
        own.Add([leaf], 2);
        own.Add([leaf], 1);
        own.Add([leaf], 97);
        own.Profile.TimeNanos = 5;
        own.Profile.DurationNanos = 7;
        own.Profile.PeriodType = new ValueType("space", "bytes");
        own.Profile.Period = 3;
        own.Profile.DefaultSampleType = "alloc_space";
        own.Profile.Comments.Add("kept");
        var reference = new HandProfile("alloc_space");
        reference.Add([reference.At("F", "/f.cs", 1)], 25);

        var (scaled, ratios) = ProfileArithmetic.ScaleToTotals(own.Profile, reference.Profile);
        Assert.Equal([0.25], ratios);
        // 2 x 0.25 = 0.5 rounds away to 1; 1 x 0.25 = 0.25 rounds to 0 and the sample goes; 97 x 0.25 = 24.25.
        Assert.Equal([1L, 24L], scaled.Samples.Select(s => s.Values.Single()));
        Assert.Equal((5L, 7L, new ValueType("space", "bytes"), 3L, "alloc_space"),
            (scaled.TimeNanos, scaled.DurationNanos, scaled.PeriodType, scaled.Period, scaled.DefaultSampleType));
        Assert.Equal(["kept"], scaled.Comments);
        Assert.Same(own.Profile.Locations[0], Assert.Single(scaled.Locations));
        Assert.Same(own.Profile.Functions[0], Assert.Single(scaled.Functions));
    }

    [Fact]
    public void A_type_whose_total_is_zero_scales_by_zero_and_a_ratio_of_one_keeps_values_exactly()
    {
        var own = new HandProfile("objects", "space");
        own.Add([own.At("F")], 0, 10);
        var reference = new HandProfile("objects", "space");
        reference.Add([reference.At("F")], 5, 20);
        var (scaled, ratios) = ProfileArithmetic.ScaleToTotals(own.Profile, reference.Profile);
        Assert.Equal([0.0, 2.0], ratios);
        Assert.Equal([0L, 20L], Assert.Single(scaled.Samples).Values);

        // 2^53 + 1 has no double: a multiplication by 1.0 would round it.
        const long huge = (1L << 53) + 1;
        own = new HandProfile("space");
        own.Add([own.At("F")], huge);
        reference = new HandProfile("space");
        reference.Add([reference.At("F")], huge);
        Assert.Equal(huge, Assert.Single(ProfileArithmetic.ScaleToTotals(own.Profile, reference.Profile).Scaled.Samples).Values[0]);
    }

    [Theory]
    [InlineData(0, 7, 7)]    // the new profile's start unknown: the base's
    [InlineData(10, 0, 10)]  // the base's unknown: the new one's
    [InlineData(10, 7, 7)]   // both known: the earlier
    [InlineData(7, 10, 7)]
    public void A_difference_starts_at_the_earliest_known_start_and_lasts_both_durations(long newStart, long baseStart, long start)
    {
        var (newer, older) = (new HandProfile("space"), new HandProfile("space"));
        (newer.Profile.TimeNanos, older.Profile.TimeNanos) = (newStart, baseStart);
        (newer.Profile.DurationNanos, older.Profile.DurationNanos) = (30, 12);
        (newer.Profile.Period, older.Profile.Period) = (10, 20);
        newer.Profile.Comments.AddRange(["a", "b"]);
        older.Profile.Comments.AddRange(["b", "c"]);
        var difference = ProfileArithmetic.Subtract(newer.Profile, older.Profile);
        Assert.Equal((start, 42L, 20L), (difference.TimeNanos, difference.DurationNanos, difference.Period));
        Assert.Equal(["a", "b", "c"], difference.Comments);
    }

    [Fact]
    public void The_base_tables_are_copied_past_every_id_of_the_new_profile()
    {
        // The new profile's largest id is its mapping's (10): the base's ids start after it.
        var newer = new Profile();
        newer.SampleTypes.Add(new ValueType("space", "bytes"));
        newer.Mappings.Add(new Mapping { Id = 10, FileName = "/new.dll" });
        newer.Functions.Add(new Function { Id = 1, Name = "N" });
        var newLocation = new Location { Id = 1, MappingId = 10 };
        newLocation.Lines.Add(new Line(1, 4));
        newer.Locations.Add(newLocation);
        newer.Samples.Add(new Sample { LocationIds = [1], Values = [5] });
        var older = new Profile();
        older.SampleTypes.Add(new ValueType("space", "bytes"));
        older.Mappings.Add(new Mapping
        {
            Id = 8, MemoryStart = 1, MemoryLimit = 2, FileOffset = 3, FileName = "/base.dll", BuildId = "b1",
            HasFunctions = true, HasFileNames = true, HasLineNumbers = true, HasInlineFrames = true,
        });
        older.Functions.Add(new Function { Id = 1, Name = "B", SystemName = "B()", FileName = "/b.cs", StartLine = 9 });
        var mapped = new Location { Id = 1, MappingId = 8, Address = 0x40 };
        mapped.Lines.Add(new Line(1, 6));
        older.Locations.Add(mapped);
        older.Locations.Add(new Location { Id = 2, MappingId = 0, Address = 0x50 });
        older.Samples.Add(new Sample { LocationIds = [1, 2], Values = [3] });

        var difference = ProfileArithmetic.Subtract(newer, older);
        Assert.Equal([10UL, 18UL], difference.Mappings.Select(m => m.Id));
        var copied = difference.Mappings[1];
        Assert.Equal((1UL, 2UL, 3UL, "/base.dll", "b1", true, true, true, true),
            (copied.MemoryStart, copied.MemoryLimit, copied.FileOffset, copied.FileName, copied.BuildId,
             copied.HasFunctions, copied.HasFileNames, copied.HasLineNumbers, copied.HasInlineFrames));
        var function = difference.Functions[1];
        Assert.Equal((11UL, "B", "B()", "/b.cs", 9L), (function.Id, function.Name, function.SystemName, function.FileName, function.StartLine));
        Assert.Equal([(1UL, 10UL, 0UL), (11UL, 18UL, 0x40UL), (12UL, 0UL, 0x50UL)], difference.Locations.Select(l => (l.Id, l.MappingId, l.Address)));
        Assert.Equal(new Line(11, 6), Assert.Single(difference.Locations[1].Lines));
        Assert.Equal([[1UL], [11UL, 12UL]], difference.Samples.Select(s => s.LocationIds));
    }

    [Fact]
    public void Samples_that_read_the_same_with_the_same_labels_merge_and_those_that_cancel_go()
    {
        var newer = new HandProfile("objects", "space");
        var older = new HandProfile("objects", "space");
        ulong f = newer.At("F", "/f.cs", 1, address: 0x10), g = newer.At("G", "/g.cs", 2), u = newer.Unsymbolized(0x500);
        // The base's F:1 is at another code address (tiered JIT): it still reads the same.
        ulong fOld = older.At("F", "/f.cs", 1, address: 0x99), gOld = older.At("G", "/g.cs", 2);
        ulong uOld = older.Unsymbolized(0x500), vOld = older.Unsymbolized(0x600);
        Labelled(newer.Add([f], 10, 320), new Label("bytes", null, 32, "bytes"));
        Labelled(older.Add([fOld], 10, 300), new Label("bytes", null, 32, "bytes"));
        Labelled(newer.Add([f], 1, 64), new Label("bytes", null, 64, "bytes"));
        Labelled(newer.Add([g], 5, 50), new Label("thread", "main"));
        Labelled(older.Add([gOld], 5, 50), new Label("thread", "worker"));
        Labelled(newer.Add([g], 2, 20), new Label("thread", "x"), new Label("kind", "y"));
        Labelled(older.Add([gOld], 2, 20), new Label("kind", "y"), new Label("thread", "x"));
        newer.Add([u], 1, 1);
        older.Add([uOld], 1, 1);
        older.Add([vOld], 3, 3);

        var difference = ProfileArithmetic.Subtract(newer.Profile, older.Profile);
        var index = new ProfileIndex(difference);
        var frames = new List<Frame>();
        var read = difference.Samples.Select(s =>
        {
            index.Frames(s, frames);
            string labels = string.Join(",", s.Labels.Select(l => $"{l.Key}={l.Text ?? l.Number.ToString()}"));
            return $"{string.Join(" ", frames.Select(fr => $"{fr.Name}:{fr.Line}"))} [{labels}] {string.Join("/", s.Values)}";
        }).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
        [
            "0x600:0 [] -3/-3",
            "F:1 [bytes=32] 0/20",
            "F:1 [bytes=64] 1/64",
            "G:2 [thread=main] 5/50",
            "G:2 [thread=worker] -5/-50",
        ], read);
    }

    [Fact]
    public void Samples_at_another_function_file_or_line_stay_apart()
    {
        var newer = new HandProfile("objects", "space");
        var older = new HandProfile("objects", "space");
        ulong f1 = newer.At("F", "/f.cs", 1), f2 = newer.At("F", "/f.cs", 2);
        ulong g1 = newer.At("G", "/f.cs", 1), otherFile = newer.At("F", "/other.cs", 1);
        newer.Add([f1], 1, 10);
        newer.Add([f2], 2, 20);
        newer.Add([g1], 3, 30);
        newer.Add([otherFile], 4, 40);
        older.Add([older.At("F", "/f.cs", 1)], 1, 10); // cancels F:1 of /f.cs only

        var difference = ProfileArithmetic.Subtract(newer.Profile, older.Profile);
        var index = new ProfileIndex(difference);
        var frames = new List<Frame>();
        var read = difference.Samples.Select(s =>
        {
            index.Frames(s, frames);
            var leaf = Assert.Single(frames);
            return $"{leaf.Name} {leaf.Function!.FileName}:{leaf.Line} {string.Join("/", s.Values)}";
        }).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["F /f.cs:2 2/20", "F /other.cs:1 4/40", "G /f.cs:1 3/30"], read);
    }

    [Fact]
    public void Profiles_of_different_sample_types_do_not_subtract()
    {
        var e = Assert.Throws<HeapLensException>(() =>
            ProfileArithmetic.Subtract(new HandProfile("objects", "space").Profile, new HandProfile("objects", "cpu").Profile));
        Assert.Equal("the profiles have different sample types (space is in one only)", e.Message);
    }

    private static void Labelled(Sample sample, params Label[] labels) => sample.Labels.AddRange(labels);
}
