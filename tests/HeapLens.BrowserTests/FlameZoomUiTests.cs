using HeapLens.Formats.Pprof;
using HeapLens.Tests.Web;
using Microsoft.Playwright;

namespace HeapLens.BrowserTests;

/// <summary>The flame graph in chromium: a click zooms to a box and brings back the boxes too narrow for the whole graph.</summary>
[Collection(nameof(BrowserCollection))]
public sealed class FlameZoomUiTests(Chromium chromium) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("heaplens-flamezoom-").FullName;

    [Fact]
    public async Task ClickingABox_ShowsItsCalleesThatWereTooNarrow_ResetGoesBack()
    {
        string path = Path.Combine(_directory, "zoom.pb.gz");
        PprofFile.Save(CraftedFlameZoom.Build(), path);
        using var web = await WebUi.StartAsync(path);
        var errors = new List<string>();
        var page = await chromium.NewPageAsync(errors);
        await page.GotoAsync(web.Url);

        // The whole graph: App.Mid is 1 % of it, App.Tiny (0.04 %) is not drawn.
        var mid = FlameBoxes.Named(page, "App.Mid");
        await mid.WaitForAsync();
        Assert.Equal(0, await FlameBoxes.Named(page, "App.Tiny").CountAsync());
        Assert.Equal("1 boxes under 0.05% of the total left out", await page.InnerTextAsync("#flame-pruned"));

        // Zoomed to App.Mid, App.Tiny is 400 of its 10,000 B: 4 % of the width.
        await mid.ClickAsync();
        var tiny = FlameBoxes.Named(page, "App.Tiny");
        await tiny.WaitForAsync();
        double graph = await page.Locator(".flame").EvaluateAsync<double>("e => e.clientWidth");
        double width = await tiny.EvaluateAsync<double>("e => e.getBoundingClientRect().width");
        Assert.InRange(width, graph * 0.04 - 1, graph * 0.04 + 1);
        Assert.Equal("", await page.InnerTextAsync("#flame-pruned"));

        await page.ClickAsync("#flame-reset");
        await page.WaitForFunctionAsync("() => ![...document.querySelectorAll('.frame')].some(f => f.dataset.name === 'App.Tiny')");
        Assert.Equal(1, await FlameBoxes.Named(page, "App.Big").CountAsync());
        Assert.Empty(errors);
    }

    [Fact]
    public async Task ABoxTooNarrowForALabel_IsPaintedAndAClickOnItZooms()
    {
        string path = Path.Combine(_directory, "narrow.pb.gz");
        PprofFile.Save(CraftedFlameZoom.Build(), path);
        using var web = await WebUi.StartAsync(path);
        var errors = new List<string>();
        var page = await chromium.NewPageAsync(errors);
        await page.GotoAsync(web.Url);
        await FlameBoxes.Named(page, "App.Mid").WaitForAsync();

        // App.Narrow (0.5 %) is a few pixels wide: painted on the canvas, not an element.
        Assert.Equal(0, await FlameBoxes.Named(page, "App.Narrow").CountAsync());
        var graph = page.Locator(".flame");
        double width = await graph.EvaluateAsync<double>("e => e.clientWidth");
        // Callees biggest first: at depth 1 Big, Mid, then Narrow, from 99.5 % to 100 % of the width.
        var origin = (await graph.BoundingBoxAsync())!;
        await page.Mouse.ClickAsync((float)(origin.X + 1 + width * 0.9975), origin.Y + 1 + 18 + 8);

        var narrow = FlameBoxes.Named(page, "App.Narrow");
        await narrow.WaitForAsync();
        Assert.Equal("App.Narrow", await narrow.InnerTextAsync());
        double zoomed = await narrow.EvaluateAsync<double>("e => e.getBoundingClientRect().width");
        Assert.InRange(zoomed, width - 1, width + 1);
        Assert.Equal(0, await FlameBoxes.Named(page, "App.Big").CountAsync());
        Assert.Empty(errors);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
