using System.CommandLine;
using System.Net;
using HeapLens.AspNetCore;
using HeapLens.Cli.Infrastructure;
using HeapLens.Collection;
using HeapLens.Security;
using HeapLens.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HeapLens.Cli.Commands;

/// <summary>
/// heaplens serve: an agent that serves Go's /debug/pprof endpoints (and /metrics for Prometheus) for
/// the .NET processes of this machine, through the handlers of HeapLens.AspNetCore.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var process = new ProcessOptions();
        var urls = new Option<string>("--urls")
        {
            Description = "Where to listen (semicolon-separated). Loopback by default; a port of 0 picks a free one.",
            DefaultValueFactory = _ => "http://127.0.0.1:6060",
        };
        var tokenFile = new Option<string?>("--token-file")
        {
            Description = "Read the access token from this file (first line). Without it a random token is generated and printed.",
            HelpName = "file",
        };
        var noAuth = new Option<bool>("--no-auth")
        {
            Description = "Serve without a token (loopback addresses only): anyone who reaches the port can read heaps.",
        };
        var command = new Command("serve",
            "Serve /debug/pprof/ (allocs, heap), /debug/heaplens/ (snapshot, gc) and /metrics for the .NET processes of this machine.");
        process.Name.Description = "Serve every .NET process of this name, as instances come and go.";
        process.AddTo(command);
        foreach (Option option in new Option[] { urls, tokenFile, noAuth })
            command.Options.Add(option);
        command.SetAction(result => CommandRunner.Run(() =>
        {
            string[] addresses = result.GetValue(urls)!.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            bool open = result.GetValue(noAuth);
            string? tokenPath = result.GetValue(tokenFile);
            if (open && tokenPath is not null)
                throw new HeapLensException("give either --token-file or --no-auth, not both");
            CheckAddresses(addresses, open);
            // -p: that process; -n: every process of that name, as instances come and go (not just one).
            string? name = result.GetValue(process.Name);
            int? pid = result.GetValue(process.ProcessId);
            if (pid is not null && name is not null)
                throw new HeapLensException("give either --process-id (-p) or --name (-n), not both");
            DotNetProcess? only = pid is null ? null : ProcessLocator.Resolve(pid, null);
            AccessToken? token = open ? null : tokenPath is not null ? AccessToken.ReadFile(tokenPath) : null;
            return RunAsync(addresses, only, name, token, generateToken: !open && tokenPath is null).GetAwaiter().GetResult();
        }));
        return command;
    }

    private static void CheckAddresses(string[] addresses, bool open)
    {
        if (addresses.Length == 0)
            throw new HeapLensException("--urls: give at least one address, e.g. http://127.0.0.1:6060");
        foreach (string address in addresses)
        {
            if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                throw new HeapLensException($"--urls: '{address}' is not an http:// or https:// address");
            if (open && !IsLoopback(uri))
                throw new HeapLensException($"--no-auth serves heaps to anyone who reaches {uri.Host}; it is allowed on loopback addresses only");
        }
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    private static async Task<int> RunAsync(string[] addresses, DotNetProcess? only, string? name, AccessToken? token, bool generateToken)
    {
        string? tokenDirectory = null;
        if (generateToken)
        {
            token = AccessToken.Generate();
            // A directory only this user can enter (0700), so nobody can plant a link where the token goes.
            tokenDirectory = Directory.CreateTempSubdirectory("heaplens-serve-").FullName;
        }
        try
        {
            string? tokenPath = tokenDirectory is null ? null : Path.Combine(tokenDirectory, "token");
            if (tokenPath is not null)
                token!.WriteUserOnlyFile(tokenPath);

            var builder = WebApplication.CreateSlimBuilder(UnwatchedHost.Options());
            builder.WebHost.UseUrls(addresses);
            builder.Logging.ClearProviders();
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
            builder.Logging.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o =>
                o.LogToStandardErrorThreshold = LogLevel.Trace); // stdout is for the addresses
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(15));
            builder.Services.AddHeapLensAgent(only, name);
            await using var app = builder.Build();
            var endpoints = new[] { app.MapHeapLens(), app.MapHeapLensMetrics() };
            if (token is not null)
            {
                foreach (var endpoint in endpoints)
                    endpoint.RequireHeapLensToken(token);
            }
            await app.StartAsync().ConfigureAwait(false);
            PrintAddresses(app, token, tokenPath, only, name);
            await app.WaitForShutdownAsync().ConfigureAwait(false);
            return 0;
        }
        finally
        {
            if (tokenDirectory is not null)
                Directory.Delete(tokenDirectory, recursive: true);
        }
    }

    private static void PrintAddresses(WebApplication app, AccessToken? token, string? tokenPath, DotNetProcess? only, string? name)
    {
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        string what = only is not null ? $"process {only.Id} ({only.Name})"
            : name is not null ? $"the .NET processes named {SafeText.Of(name)}"
            : "the .NET processes of this machine";
        Console.WriteLine($"Serving {what}; Ctrl+C to stop.");
        foreach (string address in bound)
        {
            string query = token is null ? "" : "?token=" + Uri.EscapeDataString(token.Value);
            Console.WriteLine($"  {address}/debug/pprof/{query}");
        }
        if (tokenPath is not null)
            Console.WriteLine($"Token in {tokenPath} (send it as Authorization: Bearer or ?token=)");
        else if (token is null)
            Console.WriteLine("No token required (--no-auth).");
        Console.Out.Flush();
    }
}
