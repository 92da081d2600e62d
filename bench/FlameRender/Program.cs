using System.Globalization;
using Microsoft.Playwright;

// `FlameRender URL [RUNS]`: opens a `heaplens web PROFILE` URL (token included) in chromium and prints one JSON
// line per measurement, in milliseconds of the page's own clock (performance.now), from:
// - cold: a fresh browser context (no cookie, nothing cached) navigating to the URL, until the flame graph's
//   boxes are painted (the page marks 'heaplens-flame-drawn' in the frame after the one that draws them);
// - warm: a reload of the same page, until painted again;
// - zoom: a click on the widest box below the roots, until its sub-tree (asked from the server) is painted;
// - zoomed redraw: a search typed in the zoomed graph, until painted (the page's drawing alone, no request);
// - reset: the "Reset zoom" button, until the whole graph is painted again.
// With each, the CPU time the browser's processes used for it (the figure to read on a loaded machine).
// Timings are not assertions: this is a benchmark, run by hand on a machine whose load is printed with them.
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: FlameRender URL [RUNS]");
    return 2;
}
string url = args[0];
int runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
{
    ExecutablePath = Environment.GetEnvironmentVariable("HEAPLENS_CHROMIUM") ?? "/usr/bin/chromium",
    Headless = true,
    Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
var viewport = new ViewportSize { Width = 1400, Height = 900 };

const string Drawn = "heaplens-flame-drawn";
// A promise of the time of the first 'drawn' mark after the first `before` of them (a JS expression).
string WaitDrawn(string before) => $$"""
    new Promise(resolve => {
      const poll = () => {
        const marks = performance.getEntriesByName('{{Drawn}}');
        if (marks.length > {{before}}) resolve(marks[marks.length - 1].startTime); else requestAnimationFrame(poll);
      };
      poll();
    })
    """;

for (int run = 0; run < runs; run++)
{
    await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = viewport });
    var page = await context.NewPageAsync();
    page.PageError += (_, message) => Console.Error.WriteLine("page error: " + message);

    double cpu = BrowserCpuMs();
    await page.GotoAsync(url);
    double cold = await page.EvaluateAsync<double>(WaitDrawn("0"));
    await Print(page, "cold", run, cold, cpu);

    cpu = BrowserCpuMs();
    await page.ReloadAsync();
    double warm = await page.EvaluateAsync<double>(WaitDrawn("0"));
    await Print(page, "warm", run, warm, cpu);

    // The widest box at depth 1 (the boxes of a depth share one `top`); its click asks the server for its sub-tree.
    cpu = BrowserCpuMs();
    double zoom = await page.EvaluateAsync<double>($$"""
        () => {
          const frames = [...document.querySelectorAll('.frame')].filter(f => f.style.top === '18px');
          frames.sort((a, b) => b.getBoundingClientRect().width - a.getBoundingClientRect().width);
          const before = performance.getEntriesByName('{{Drawn}}').length;
          const start = performance.now();
          frames[Math.min(1, frames.length - 1)].click();
          return {{WaitDrawn("before")}}.then(t => t - start);
        }
        """);
    await Print(page, "zoom", run, zoom, cpu);

    // The zoomed graph drawn again without asking the server (a search typed): the page's own drawing.
    cpu = BrowserCpuMs();
    double redraw = await page.EvaluateAsync<double>($$"""
        () => {
          const before = performance.getEntriesByName('{{Drawn}}').length;
          const start = performance.now();
          const search = document.getElementById('flame-search');
          search.value = 'Method1';
          search.dispatchEvent(new Event('input'));
          return {{WaitDrawn("before")}}.then(t => t - start);
        }
        """);
    await Print(page, "zoomed redraw (search)", run, redraw, cpu);
    // The search cleared, and that redraw done, before the reset is timed.
    await page.EvaluateAsync($$"""
        () => {
          const before = performance.getEntriesByName('{{Drawn}}').length;
          const search = document.getElementById('flame-search');
          search.value = '';
          search.dispatchEvent(new Event('input'));
          return {{WaitDrawn("before")}};
        }
        """);

    cpu = BrowserCpuMs();
    double reset = await page.EvaluateAsync<double>($$"""
        () => {
          const before = performance.getEntriesByName('{{Drawn}}').length;
          const start = performance.now();
          document.getElementById('flame-reset').click();
          return {{WaitDrawn("before")}}.then(t => t - start);
        }
        """);
    await Print(page, "reset", run, reset, cpu);
}
return 0;

static string Load() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

// The CPU time (user + sys) the browser's processes (every descendant of this one) used between cpuBefore and
// now, read before the page is asked anything more: on a loaded machine the figure to read, not the wall time.
static async Task Print(IPage page, string what, int run, double ms, double cpuBefore)
{
    double cpu = BrowserCpuMs() - cpuBefore;
    string boxes = await page.GetAttributeAsync(".flame", "data-boxes") ?? "0";
    int labelled = await page.Locator(".frame").CountAsync();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{{\"measure\": \"{what}\", \"run\": {run}, \"wallMs\": {ms:F0}, \"browserCpuMs\": {cpu:F0}, \"boxesDrawn\": {boxes}, \"asElements\": {labelled}, \"loadAverage1m\": {Load()}}}"));
}

static double BrowserCpuMs()
{
    var parents = new Dictionary<int, int>();
    var ticks = new Dictionary<int, long>();
    foreach (string dir in Directory.EnumerateDirectories("/proc"))
    {
        if (!int.TryParse(Path.GetFileName(dir), out int pid))
            continue;
        string stat;
        try { stat = File.ReadAllText(Path.Combine(dir, "stat")); }
        catch (IOException) { continue; } // gone meanwhile
        // Fields after the command's closing parenthesis: state ppid ... utime (14th) stime (15th).
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
        ticks[pid] = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }
    long sum = 0;
    int self = Environment.ProcessId;
    foreach (var (pid, t) in ticks)
    {
        for (int at = parents[pid]; at > 1 && parents.ContainsKey(at); at = parents[at])
        {
            if (at == self)
            {
                sum += t;
                break;
            }
        }
    }
    return sum * 1000.0 / 100; // USER_HZ: 100 on Linux
}
