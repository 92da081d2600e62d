using System.Text.RegularExpressions;
using HeapLens.Profiles;
using Xunit;

namespace HeapLens.Tests.Profiles;

/// <summary>
/// How reports read a profile, on hand-made ones: the model's defaults, the default sample type,
/// frames without symbols, samples worth nothing, stacks that read the same, and ties.
/// </summary>
public sealed class ProfileReadingTests
{
    [Fact]
    public void The_model_starts_empty_and_a_numeric_label_is_never_a_text_one()
    {
        Assert.Equal("", new Profile().DefaultSampleType);
        Assert.Equal(("", ""), (new Mapping().FileName, new Mapping().BuildId));
        Assert.Equal(("", "", ""), (new Function().Name, new Function().SystemName, new Function().FileName));
        var sample = new Sample { LocationIds = [], Values = [] };
        sample.Labels.Add(new Label("thread", "main", 7));
        sample.Labels.Add(new Label("bytes", null, 32, "bytes"));
        Assert.Equal(32, sample.NumericLabel("bytes"));
        Assert.Null(sample.NumericLabel("thread"));
        Assert.Null(sample.NumericLabel("size"));
    }

    [Fact]
    public void Without_a_name_the_sample_type_is_the_default_or_else_the_last()
    {
        var made = new HandProfile("objects", "space");
        made.Profile.DefaultSampleType = "objects";
        Assert.Equal(0, new ProfileIndex(made.Profile).ValueIndex(null));
        made.Profile.DefaultSampleType = "";
        Assert.Equal(1, new ProfileIndex(made.Profile).ValueIndex(null));
    }

    [Fact]
    public void A_location_without_a_symbol_is_one_frame_named_by_its_address()
    {
        var made = new HandProfile("space");
        var sample = made.Add([made.Unsymbolized(0x1f40), made.At("Main", "/m.cs", 3)], 1);
        var frames = new List<Frame>();
        new ProfileIndex(made.Profile).Frames(sample, frames);
        Assert.Equal([("0x1f40", 0L, false), ("Main", 3L, true)], frames.Select(f => (f.Name, f.Line, f.Function is not null)));
    }

    [Fact]
    public void Function_totals_skip_samples_worth_nothing_and_break_ties_by_name()
    {
        var made = new HandProfile("space");
        made.Add([made.At("Zeta", "/z.cs", 1)], 5);
        made.Add([made.At("Alpha", "/a.cs", 1)], 5);
        made.Add([made.At("Idle", "/i.cs", 1)], 0);
        made.Add([made.Unsymbolized(0x10)], 2);
        var totals = FunctionTotals.Compute(new ProfileIndex(made.Profile), null, byCum: false);
        Assert.Equal(12, totals.Total);
        Assert.Equal([("Alpha", "/a.cs", 5L), ("Zeta", "/z.cs", 5L), ("0x10", "", 2L)], totals.Functions.Select(f => (f.Name, f.FileName, f.Flat)));
    }

    [Fact]
    public void Stacks_that_read_the_same_merge_whatever_their_code_addresses()
    {
        var made = new HandProfile("objects", "space");
        made.Add([made.At("Leaf", "/l.cs", 2, address: 0x10), made.At("Main", "/m.cs", 1, address: 0x20)], 1, 10);
        made.Add([made.At("Leaf", "/l.cs", 2, address: 0x11), made.At("Main", "/m.cs", 1, address: 0x21)], 2, 20);
        made.Add([made.At("Main", "/m.cs", 1)], 4, 5);
        var heaviest = StackTotals.Heaviest(new ProfileIndex(made.Profile), "space", 10);
        Assert.Equal([("Leaf Main", 3L, 30L), ("Main", 4L, 5L)],
            heaviest.Select(s => (string.Join(" ", s.Frames.Select(f => f.Name)), s.Values[0], s.Values[1])));
    }

    [Fact]
    public void By_stack_sums_equal_stacks_skips_zeros_and_names_an_empty_or_unsymbolized_leaf()
    {
        var made = new HandProfile("space");
        ulong leaf = made.At("Leaf", "/l.cs", 2);
        made.Add([leaf], 3);
        made.Add([leaf], 4);
        made.Add([made.At("Idle", "/i.cs", 9)], 0);
        made.Add([], 6);
        made.Add([made.Unsymbolized(0xab)], 1);
        var entries = ProfileAggregates.Compute(new ProfileIndex(made.Profile), "space", ProfileGrouping.Stack);
        Assert.Equal(
            [("", "", 0L, 0, 6L), ("0xab", "", 0L, 1, 1L), ("Leaf", "/l.cs", 2L, 1, 7L)],
            entries.Values.Select(e => (e.Name, e.File, e.Line, e.Frames!.Count, e.Flat)).OrderBy(e => e.Name, StringComparer.Ordinal));
        Assert.All(entries.Values, e => Assert.Equal(e.Flat, e.Cum));
    }

    [Fact]
    public void Changes_that_tie_are_ordered_by_name_then_by_key()
    {
        // Two lines of one function and two functions, every change 5 bytes.
        var older = new HandProfile("space");
        older.Add([older.At("B", "/b.cs", 1)], 5);
        var newer = new HandProfile("space");
        newer.Add([newer.At("A", "/a.cs", 20)], 5);
        newer.Add([newer.At("A", "/a.cs", 10)], 5);
        var pair = ProfilePair.Create("base", older.Profile, "new", newer.Profile, normalize: false);
        var changes = ProfileChanges.Compute(pair, "space", ProfileGrouping.Line, byCum: false);
        Assert.Equal(["/a.cs:10", "/a.cs:20", "/b.cs:1"], changes.Select(c => c.Key));
        Assert.Equal([ProfileChangeStatus.New, ProfileChangeStatus.New, ProfileChangeStatus.Vanished], changes.Select(c => c.Status));
    }

    [Fact]
    public void A_list_pattern_that_backtracks_too_long_is_reported_as_the_users()
    {
        var made = new HandProfile("space");
        made.Add([made.At(new string('a', 40) + "!", "/a.cs", 1)], 1);
        var pattern = new Regex("^(a+)+$", RegexOptions.None, TimeSpan.FromMilliseconds(100));
        var e = Assert.Throws<HeapLensException>(() => FunctionLines.Compute(new ProfileIndex(made.Profile), pattern));
        Assert.Equal("the regular expression '^(a+)+$' took longer than 0.1s on a function name; simplify it", e.Message);
    }
}
