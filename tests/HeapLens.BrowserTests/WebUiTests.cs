using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace HeapLens.BrowserTests;

[CollectionDefinition(nameof(BrowserCollection))]
public sealed class BrowserCollection : ICollectionFixture<Chromium>, ICollectionFixture<LeakyServiceFiles>;

/// <summary>`heaplens web` clicked through in chromium as a user would, on files from the real demo target.</summary>
[Collection(nameof(BrowserCollection))]
public sealed class WebUiTests(Chromium chromium, LeakyServiceFiles files)
{
    private static readonly PageWaitForSelectorOptions Visible = new() { Timeout = 30_000 };

    [Fact]
    public async Task Snapshot_ExpandDominatorTreeThreeLevels_ThenPathsNameTheStaticField()
    {
        using var web = await WebUi.StartAsync(files.After);
        var errors = new List<string>();
        var page = await chromium.NewPageAsync(errors);
        await page.GotoAsync(web.Url);

        // Overview: the leak is the suspect, named by its static field.
        await page.WaitForSelectorAsync(".verdict", Visible);
        Assert.Contains("static LeakyService.SessionStore.s_sessions", await page.InnerTextAsync("main"));
        await Screenshots.TakeAsync(page, "web-overview.png");

        // Types: filtered by a regular expression.
        await page.ClickAsync("#tabs button[data-view=types]");
        await page.FillAsync("#type-filter", "^LeakyService\\.");
        await page.WaitForSelectorAsync("table.types td.type", Visible);
        var shownTypes = await page.Locator("table.types tbody td.type").AllInnerTextsAsync();
        Assert.Contains("LeakyService.SessionState", shownTypes);
        Assert.All(shownTypes, t => Assert.StartsWith("LeakyService.", t));
        await Screenshots.TakeAsync(page, "web-types.png");

        // Dominator tree: the sessions dictionary (named as the CLI prints it), its entries array, the
        // sessions as one row of their type, one session: three levels opened, then the group's members.
        await page.ClickAsync("#tabs button[data-view=dominators]");
        var level1 = page.Locator(".tree > .node").Filter(new() { Has = page.Locator(":scope > .row", new() { HasText = "SessionStore.s_sessions" }) });
        Assert.Contains("System.Collections.Generic.Dictionary<System.Int64, LeakyService.SessionState>", await level1.Locator(":scope > .row .type").InnerTextAsync());
        await level1.Locator(":scope > .row .toggle").ClickAsync();
        var level2 = level1.Locator(":scope > .kids > .node").First;
        await level2.Locator(":scope > .row .toggle").ClickAsync();
        var level3 = level2.Locator(":scope > .kids > .node").Filter(new() { Has = page.Locator(":scope > .row.group", new() { HasText = "LeakyService.SessionState" }) });
        int sessions = int.Parse((await level3.Locator(":scope > .row .count").InnerTextAsync()).TrimEnd('×', ' '), NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        Assert.True(sessions > 100, $"{sessions} sessions");
        await level3.Locator(":scope > .row .toggle").ClickAsync();
        // The group pages its members: the first 100 sessions, then a button for the rest.
        var members = level3.Locator(":scope > .kids > .node");
        await members.First.WaitForAsync();
        Assert.Equal(100, await members.CountAsync());
        Assert.Equal($"show 100 more ({(sessions - 100).ToString("N0", CultureInfo.InvariantCulture)} left)", await level3.Locator(":scope > .kids > button.more").InnerTextAsync());
        var session = members.First;
        Assert.Contains("LeakyService.SessionState", await session.Locator(":scope > .row").InnerTextAsync());
        await session.Locator(":scope > .row .toggle").ClickAsync();
        var level5 = session.Locator(":scope > .kids > .node > .row").First;
        await level5.WaitForAsync();
        Assert.Contains("System.Byte[]", await level5.InnerTextAsync());
        await Screenshots.TakeAsync(page, "web-dominators.png");

        // Paths of the session object: from the static field down to it.
        await session.Locator(":scope > .row button.link").ClickAsync();
        await page.WaitForSelectorAsync(".path .rootlabel", Visible);
        Assert.Equal("static LeakyService.SessionStore.s_sessions", await page.InnerTextAsync(".path .rootlabel"));
        Assert.Contains("LeakyService.SessionState", await page.InnerTextAsync(".path"));
        await Screenshots.TakeAsync(page, "web-paths.png");

        // The retention flame graph: the sessions' static is one of its roots.
        await page.ClickAsync("#tabs button[data-view=retention]");
        await page.Locator(".frame[data-name=\"static LeakyService.SessionStore.s_sessions\"]").WaitForAsync();
        await Screenshots.TakeAsync(page, "web-retention.png");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Diff_ShowsTheGrownTypeWithItsExactGrowth()
    {
        using var web = await WebUi.StartAsync(files.Before, files.After);
        var errors = new List<string>();
        var page = await chromium.NewPageAsync(errors);
        await page.GotoAsync(web.Url);
        var row = page.Locator("table tbody tr").Filter(new() { Has = page.Locator("td.type", new() { HasTextRegex = new Regex("^LeakyService\\.SessionState$") }) });
        await row.WaitForAsync();
        // The fixture served 3000 requests between the snapshots; each left one session behind.
        Assert.Contains("+3,000", await row.InnerTextAsync());
        await Screenshots.TakeAsync(page, "web-diff.png");

        // By retainer: the sessions' static grew; its retained bytes are a positive change.
        await page.ClickAsync("#tabs button[data-view=retainers]");
        var retainer = page.Locator("table tbody tr").Filter(new() { Has = page.Locator(".rootlabel", new() { HasText = "static LeakyService.SessionStore.s_sessions" }) });
        await retainer.WaitForAsync();
        Assert.StartsWith("+", await retainer.Locator("td.grow").InnerTextAsync());
        await Screenshots.TakeAsync(page, "web-diff-retainers.png");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Profile_ClickAFrame_ShowsTheAllocatingSourceLineWithItsValue()
    {
        using var web = await WebUi.StartAsync(files.Profile);
        var errors = new List<string>();
        var page = await chromium.NewPageAsync(errors);
        await page.GotoAsync(web.Url);
        var frame = page.Locator(".frame[data-name*=\"RequestHandler.Handle\"]").First;
        await frame.WaitForAsync();
        await Screenshots.TakeAsync(page, "web-flame.png");
        await frame.ClickAsync();

        // The line that leaks a session's buffer, found in the source independently of the profile.
        string source = Path.Combine(RepositoryRoot(), "samples", "LeakyService", "RequestHandler.cs");
        int leakLine = Array.FindIndex(File.ReadAllLines(source), l => l.Contains("new byte[leakBytesPerRequest]", StringComparison.Ordinal)) + 1;
        var hot = page.Locator($"#flame-source tr.hot[data-line='{leakLine.ToString(CultureInfo.InvariantCulture)}']");
        await hot.WaitForAsync();
        string text = await hot.InnerTextAsync();
        Assert.Contains("new byte[leakBytesPerRequest]", text);
        Assert.Matches(@"\d+(\.\d+)? (KB|MB|GB)", text); // alloc_space of the line, in bytes
        await hot.ScrollIntoViewIfNeededAsync();
        await Screenshots.TakeAsync(page, "web-source.png");

        // Its callers: the request loop.
        Assert.Contains("LeakyService.RequestHandler.Serve", await page.InnerTextAsync("#flame-source .sandwich"));

        // The sample-type switch offers every sample type of the file.
        var options = await page.Locator("#sample-type option").AllInnerTextsAsync();
        Assert.Contains("alloc_space", options);
        Assert.Contains("alloc_objects", options);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Timeline_ShowsTheVerdictAndTheGcChart()
    {
        using var web = await WebUi.StartAsync(Path.Combine(AppContext.BaseDirectory, "testdata", "leak.timeline.jsonl"));
        var errors = new List<string>();
        var page = await chromium.NewPageAsync(errors);
        await page.GotoAsync(web.Url);
        await page.WaitForSelectorAsync(".verdict", Visible);
        Assert.Contains("rising floor (leak)", await page.InnerTextAsync(".verdict"));
        await page.WaitForFunctionAsync("() => document.getElementById('timeline-chart')?.naturalWidth > 0");
        await Screenshots.TakeAsync(page, "web-timeline.png");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task CraftedNames_ShowAsText_AndNoScriptRuns()
    {
        string path = Path.Combine(Path.GetTempPath(), $"heaplens-crafted-{Guid.NewGuid():N}.heapsnap");
        CraftedSnapshot.Write(path);
        try
        {
            using var web = await WebUi.StartAsync(path);
            var errors = new List<string>();
            var page = await chromium.NewPageAsync(errors);
            await page.GotoAsync(web.Url);
            await page.WaitForSelectorAsync(".verdict", Visible);
            foreach (var (view, name) in new[] { ("overview", CraftedSnapshot.ScriptType), ("types", CraftedSnapshot.ImageType), ("dominators", CraftedSnapshot.ScriptType) })
            {
                await page.ClickAsync($"#tabs button[data-view={view}]");
                await page.WaitForFunctionAsync("() => document.querySelector('main').innerText.includes('window.__pwned')");
                string text = await page.InnerTextAsync("main");
                Assert.Contains(name, text);
                await page.HoverAsync("main");
                Assert.Equal(0, await page.Locator("main img, main script, main b").CountAsync());
            }
            Assert.Contains(CraftedSnapshot.RootName, await page.InnerTextAsync("main"));
            Assert.Null(await page.EvaluateAsync<int?>("() => window.__pwned ?? null"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(directory!.FullName, "HeapLens.slnx")))
            directory = directory.Parent;
        return directory.FullName;
    }
}
