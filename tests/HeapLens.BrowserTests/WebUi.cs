using Microsoft.Playwright;

namespace HeapLens.BrowserTests;

/// <summary>`heaplens web FILES` running as a child process: the URL it printed, stopped on dispose.</summary>
internal sealed class WebUi : IDisposable
{
    private readonly ChildProcess _process;

    private WebUi(ChildProcess process, string url)
    {
        _process = process;
        Url = url;
    }

    /// <summary>The URL with its token, as printed.</summary>
    public string Url { get; }

    public static async Task<WebUi> StartAsync(params string[] files)
    {
        var process = ChildProcess.Start("heaplens.dll", ["web", .. files]);
        string line = await process.ReadLineAsync(TimeSpan.FromMinutes(2));
        Assert.Matches(@"^Serving .+ at http://127\.0\.0\.1:\d+/\?token=[A-Za-z0-9_-]{40,}$", line);
        return new WebUi(process, line[(line.LastIndexOf(" at ", StringComparison.Ordinal) + 4)..]);
    }

    public void Dispose() => _process.Dispose();
}

/// <summary>
/// Debian's chromium driven by Playwright (its own browser download is not reachable here), one browser
/// for all tests. Chromium's first-run and network services are off: the page must work offline.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("HEAPLENS_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        });
    }

    /// <summary>A fresh page (own cookies) that fails the test on any script error.</summary>
    public async Task<IPage> NewPageAsync(List<string> errors)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        var page = await context.NewPageAsync();
        page.PageError += (_, message) => errors.Add(message);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
                errors.Add(message.Text);
        };
        return page;
    }

    public async Task DisposeAsync()
    {
        await Browser.CloseAsync();
        _playwright?.Dispose();
    }
}

/// <summary>
/// Screenshots for the README, written to docs/images of the repository the tests were built from when
/// HEAPLENS_UPDATE_SCREENSHOTS=1 (as goldens are updated): a plain test run leaves the tree clean, and
/// the page is still rendered to an image so a screenshot failure shows up.
/// </summary>
internal static class Screenshots
{
    public static async Task TakeAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("HEAPLENS_UPDATE_SCREENSHOTS") != "1")
        {
            Assert.NotEmpty(await page.ScreenshotAsync(new PageScreenshotOptions { FullPage = false }));
            return;
        }
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "HeapLens.slnx")))
            directory = directory.Parent;
        if (directory is null)
            return; // run outside the repository: nothing to update
        string images = Path.Combine(directory.FullName, "docs", "images");
        Directory.CreateDirectory(images);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(images, name), FullPage = false });
    }
}

/// <summary>A flame graph's boxes wide enough to be elements (narrower ones are painted on a canvas).</summary>
internal static class FlameBoxes
{
    /// <summary>The box of a frame by its whole name (data-name: its label is cut to its width).</summary>
    public static ILocator Named(IPage page, string name) => page.Locator($".frame[data-name=\"{name}\"]");
}
