using Xunit;
using HeapLens.Collection;
using HeapLens.Reports;

namespace HeapLens.Tests.Profiles;

/// <summary>What `allocs` says about inuse when events were lost or the window had no heap walk.</summary>
public sealed class InuseReportTests
{
    private readonly HeapLens.Profiles.Profile _profile = PprofFormatTests.SmallProfile();

    [Fact]
    public void Lost_events_flag_inuse_in_the_report_and_in_the_profile_comment()
    {
        var inuse = new InuseSummary(WalkGc: 12, GcsFollowed: 11, Tracked: 100, Confirmed: 97, HeapObjects: 5000, Problem: null);
        var conversion = new AllocationConversion(_profile, AllocationEventKind.AllocationSampled, 3, EventsLost: 5, HasRundown: true) { Inuse = inuse };
        var report = AllocsReport.Create(conversion, "out.pb.gz", targetExited: false);

        var warning = Assert.Single(report.Notes, n => n.Level == NoteLevel.Warning);
        Assert.Contains("dropped 5 events", warning.Text);
        Assert.Contains("inuse may be wrong", warning.Text);
        Assert.Contains("WARNING: 5 events lost, inuse may be wrong", inuse.Comment(eventsLost: 5));
        Assert.DoesNotContain("WARNING", inuse.Comment(eventsLost: 0));
    }

    [Fact]
    public void A_window_without_its_heap_walk_says_inuse_is_unavailable()
    {
        var inuse = InuseSummary.Unavailable("the heap walk lost 3 events");
        var conversion = new AllocationConversion(_profile, AllocationEventKind.AllocationSampled, 3, EventsLost: 0, HasRundown: true) { Inuse = inuse };
        var report = AllocsReport.Create(conversion, "out.pb.gz", targetExited: false);

        Assert.Null(report.InuseBytes);
        Assert.Contains(report.Notes, n => n.Level == NoteLevel.Warning
                                           && n.Text == "inuse is unavailable: the heap walk lost 3 events; the profile has alloc_objects and alloc_space only");
        Assert.Equal("inuse unavailable: the heap walk lost 3 events", inuse.Comment(0));
    }
}
