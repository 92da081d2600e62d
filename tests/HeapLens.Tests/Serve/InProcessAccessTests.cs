using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using HeapLens.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace HeapLens.Tests.Serve;

/// <summary>
/// Who may call the in-process endpoints: loopback only by default; anyone the app's own authorization
/// lets through once it adds some (RequireAuthorization on what MapHeapLens returns); anyone when allowed
/// explicitly. A real Kestrel in the test process, called over a real non-loopback address with curl.
/// </summary>
public sealed class InProcessAccessTests
{
    [Theory]
    [InlineData("default", 403)]
    [InlineData("app-authorization-allows", 200)]
    [InlineData("app-authorization-denies", 403)]
    [InlineData("allow-remote-callers", 200)]
    public async Task A_remote_caller_is_refused_unless_the_app_decides_otherwise(string setup, int expected)
    {
        var remote = NonLoopbackAddress();
        if (remote is null)
            return; // this machine has no address but loopback: nothing remote to test with
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://{remote}:0", "http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddHeapLens(o => o.AllowRemoteCallers = setup == "allow-remote-callers");
        builder.Services.AddAuthorization(o =>
        {
            o.AddPolicy("allows", p => p.RequireAssertion(_ => true));
            o.AddPolicy("denies", p => p.RequireAssertion(_ => false));
        });
        // A denied policy forbids through the authentication service: the smallest scheme that can.
        builder.Services.AddAuthentication("none").AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, NoAuthentication>("none", null);
        await using var app = builder.Build();
        app.UseAuthorization();
        var endpoints = app.MapHeapLens();
        if (setup == "app-authorization-allows")
            endpoints.RequireAuthorization("allows");
        if (setup == "app-authorization-denies")
            endpoints.RequireAuthorization("denies");
        await app.StartAsync();
        try
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
            string remoteUrl = addresses.Single(a => !a.Contains("127.0.0.1", StringComparison.Ordinal));
            string localUrl = addresses.Single(a => a.Contains("127.0.0.1", StringComparison.Ordinal));
            var response = await Task.Run(() => Curl.Get(remoteUrl + "/debug/pprof/"));
            Assert.Equal(expected, response.Status);
            if (setup == "default")
            {
                Assert.Contains("loopback callers only", response.Body);
                Assert.Equal(200, (await Task.Run(() => Curl.Get(localUrl + "/debug/pprof/"))).Status);
            }
        }
        finally
        {
            await app.StopAsync();
        }
    }

    private static IPAddress? NonLoopbackAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));

    /// <summary>Authenticates nobody; forbids with 403 when a policy says no.</summary>
    private sealed class NoAuthentication(
        Microsoft.Extensions.Options.IOptionsMonitor<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions> options,
        ILoggerFactory logger, System.Text.Encodings.Web.UrlEncoder encoder)
        : Microsoft.AspNetCore.Authentication.AuthenticationHandler<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<Microsoft.AspNetCore.Authentication.AuthenticateResult> HandleAuthenticateAsync() =>
            Task.FromResult(Microsoft.AspNetCore.Authentication.AuthenticateResult.NoResult());

        protected override Task HandleChallengeAsync(Microsoft.AspNetCore.Authentication.AuthenticationProperties properties)
        {
            Response.StatusCode = 403;
            return Task.CompletedTask;
        }
    }
}
