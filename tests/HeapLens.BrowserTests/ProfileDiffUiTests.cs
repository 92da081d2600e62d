using System.Text.RegularExpressions;
using HeapLens.Formats.Pprof;
using HeapLens.Tests.Web;
using Microsoft.Playwright;

namespace HeapLens.BrowserTests;

/// <summary>`heaplens web A.pb.gz B.pb.gz` in chromium: the differential flame graph's colours and a clicked frame's change.</summary>
[Collection(nameof(BrowserCollection))]
public sealed class ProfileDiffUiTests(Chromium chromium) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("heaplens-flamediff-").FullName;

    [Fact]
    public async Task ProfileDiff_GrownFramesRed_ShrunkBlue_ClickShowsTheChange()
    {
        string basePath = Path.Combine(_directory, "base.pb.gz"), newPath = Path.Combine(_directory, "new.pb.gz");
        PprofFile.Save(CraftedFlameDiff.Base(), basePath);
        PprofFile.Save(CraftedFlameDiff.New(), newPath);
        using var web = await WebUi.StartAsync(basePath, newPath);
        var errors = new List<string>();
        var page = await chromium.NewPageAsync(errors);
        await page.GotoAsync(web.Url);

        var grow = FlameBoxes.Named(page, "App.Grow");
        await grow.WaitForAsync();
        // The exact changes in alloc_space (the default), as built: see CraftedFlameDiff.
        Assert.Equal("30000", await grow.GetAttributeAsync("data-change"));
        Assert.Equal("-20000", await FlameBoxes.Named(page, "App.Shrink").GetAttributeAsync("data-change"));
        Assert.Equal("2000", await FlameBoxes.Named(page, "App.Fresh").GetAttributeAsync("data-change"));
        Assert.Equal("-5000", await FlameBoxes.Named(page, "App.Gone").GetAttributeAsync("data-change"));
        foreach (string grown in new[] { "App.Grow", "App.Fresh" })
            Assert.True(IsRed(await FillOf(FlameBoxes.Named(page, grown))), grown);
        foreach (string shrunk in new[] { "App.Shrink", "App.Gone" })
            Assert.True(IsBlue(await FillOf(FlameBoxes.Named(page, shrunk))), shrunk);

        await Screenshots.TakeAsync(page, "web-profile-diff.png");

        // Clicking a frame shows its change: 10,000 → 40,000 B is +29.3 KB, +300 %.
        await grow.ClickAsync();
        var change = page.Locator("#flame-change");
        await change.WaitForAsync();
        Assert.Equal("App.Grow: 9.77 KB → 39.1 KB, change +29.3 KB (+300.0%) of alloc_space", await change.InnerTextAsync());

        // The sample-type switch redraws the diff in objects.
        await page.SelectOptionAsync("#sample-type", "alloc_objects");
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('.frame')].some(f => f.dataset.name === 'App.Shrink' && f.dataset.change === '-200')");
        Assert.True(IsBlue(await FillOf(FlameBoxes.Named(page, "App.Shrink"))));
        Assert.Empty(errors);
    }

    private static async Task<(int R, int G, int B)> FillOf(ILocator frame)
    {
        string rgb = await frame.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor");
        var m = Regex.Match(rgb, @"rgba?\((\d+), (\d+), (\d+)");
        Assert.True(m.Success, rgb);
        return (int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value), int.Parse(m.Groups[3].Value));
    }

    private static bool IsRed((int R, int G, int B) c) => c.R > c.B + 40 && c.R > c.G + 40;

    private static bool IsBlue((int R, int G, int B) c) => c.B > c.R + 40;

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
