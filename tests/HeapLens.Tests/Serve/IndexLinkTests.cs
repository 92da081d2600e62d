using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using HeapLens.AspNetCore;
using HeapLens.Reports;
using HeapLens.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace HeapLens.Tests.Serve;

/// <summary>
/// The index page's links lead to the endpoints wherever the app maps them: under a route group, under a
/// PathBase, with or without the page's trailing slash. A real Kestrel serving a real target; every link
/// is resolved the way a browser does (against the page's URL) and the cheap ones are followed.
/// </summary>
public sealed partial class IndexLinkTests
{
    [Theory]
    [InlineData("group", "/ops", "/ops/debug/pprof/")]
    [InlineData("group", "/ops", "/ops/debug/pprof")]
    [InlineData("path-base", "/base", "/base/debug/pprof/")]
    [InlineData("root", "", "/debug/pprof")]
    public async Task The_index_links_lead_to_the_endpoints_where_the_app_mapped_them(string mapping, string prefix, string page)
    {
        using var target = TargetProcess.StartTestTarget();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddHeapLensAgent(target.Descriptor);
        await using var app = builder.Build();
        if (mapping == "path-base")
            app.UsePathBase(prefix);
        if (mapping == "group")
            app.MapGroup(prefix).MapHeapLens();
        else
            app.MapHeapLens();
        await app.StartAsync();
        try
        {
            string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(3) };
            var pageUrl = new Uri(address + page);
            string html = await http.GetStringAsync(pageUrl);

            string pid = target.Id.ToString(CultureInfo.InvariantCulture);
            var links = Href().Matches(html).Select(m => new Uri(pageUrl, WebUtility.HtmlDecode(m.Groups[1].Value)).PathAndQuery).ToList();
            Assert.Equal(
            [
                $"{prefix}/debug/pprof/allocs?pid={pid}&seconds=30",
                $"{prefix}/debug/pprof/allocs?pid={pid}&seconds=30&debug=1",
                $"{prefix}/debug/pprof/heap?pid={pid}&seconds=30",
                $"{prefix}/debug/heaplens/snapshot?pid={pid}",
                $"{prefix}/debug/heaplens/gc?pid={pid}",
            ], links);

            var gc = JsonSerializer.Deserialize<GcReport>(await http.GetStringAsync(new Uri(pageUrl, links[4])), ReportJson.Options)!;
            Assert.Equal(target.Id, gc.ProcessId);
            using var snapshot = await http.GetAsync(new Uri(pageUrl, links[3]));
            Assert.Equal(HttpStatusCode.OK, snapshot.StatusCode);
            Assert.Equal($"{target.Id}.heapsnap", snapshot.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
            string text = await http.GetStringAsync(new Uri(pageUrl, links[1].Replace("seconds=30", "seconds=1", StringComparison.Ordinal)));
            Assert.StartsWith("allocs profile:", text);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    [GeneratedRegex("<a href=\"([^\"]*)\"")]
    private static partial Regex Href();
}
