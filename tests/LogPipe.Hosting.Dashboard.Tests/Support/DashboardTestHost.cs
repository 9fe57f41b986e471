using System.Net;
using System.Text;
using LogPipe.Hosting.Consumers;
using LogPipe.Hosting.Dashboard.Actions;
using LogPipe.Hosting.InMemory;
using LogPipe.Hosting.TestSupport;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Dashboard.Tests.Support;

/// <summary>
/// A web service with LogPipe on the in-memory transport (a <c>places</c> topic of two partitions, consumed with
/// <see cref="PlaceSerializer"/>) and the dashboard at <c>/logpipe</c>, on Kestrel on a free loopback port. Requests
/// carrying <c>X-Forwarded-For</c> are seen as coming from that address (<c>UseForwardedHeaders</c>, as behind a
/// reverse proxy), which is how the tests send a request from a remote address. With a policy, the
/// <c>X-Test-Role</c> header authenticates the request with that role.
/// </summary>
public sealed class DashboardTestHost : IAsyncDisposable
{
    public const string Topic = "places";

    private readonly WebApplication _app;

    private DashboardTestHost(WebApplication app, LogCapture logs, CountingAction action)
    {
        _app = app;
        Logs = logs;
        Action = action;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
    }

    public Uri BaseAddress { get; }

    public LogCapture Logs { get; }

    /// <summary>The dashboard action the host offers: it counts its runs.</summary>
    public CountingAction Action { get; }

    public InMemoryBroker Broker => _app.Services.GetRequiredService<InMemoryBroker>();

    public LogPipeConsumerRunner Runner => _app.Services.GetRequiredService<LogPipeConsumerRunner>();

    public string Url(string path) => new Uri(BaseAddress, path).ToString();

    /// <param name="readOnly">Sets <c>LogPipe:Dashboard:ReadOnly</c>.</param>
    /// <param name="policy">An authorization policy (<c>ops</c>: the role <c>ops</c>) to put on the dashboard, or none.</param>
    public static async Task<DashboardTestHost> StartAsync(bool readOnly = false, string? policy = null)
    {
        var logs = new LogCapture();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        // Not the sample's appsettings.json, which is copied beside the tests: only what the test sets.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["LogPipe:ConsumerGroup"] = "dashboard-tests" });
        var broker = new InMemoryBroker();
        broker.CreateTopic(Topic, 2);
        builder.Services.AddSingleton(broker);
        builder.Services.AddSingleton(new Probe());
        builder.Services.AddLogPipe(builder.Configuration.GetSection("LogPipe"), lp => lp
            .UseInMemoryTransport()
            .UseInMemoryOffsets()
            .AddConsumer(Topic, c => c.Register<PlaceSerializer>()));
        builder.Services.AddLogPipeDashboard(o =>
        {
            o.ReadOnly = readOnly;
            o.RefreshInterval = TimeSpan.Zero;
        });
        var action = new CountingAction();
        builder.Services.AddSingleton<IDashboardAction>(action);
        if (policy is not null)
        {
            builder.Services.AddAuthentication(TestRoleAuthentication.SchemeName).AddScheme<AuthenticationSchemeOptions, TestRoleAuthentication>(TestRoleAuthentication.SchemeName, null);
            builder.Services.AddAuthorization(o => o.AddPolicy("ops", p => p.RequireRole("ops")));
        }

        var app = builder.Build();
        app.UseForwardedHeaders(new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor });
        if (policy is not null)
        {
            app.UseAuthentication();
            app.UseAuthorization();
        }

        var dashboard = app.MapLogPipeDashboard("/logpipe");
        if (policy is not null) dashboard.RequireAuthorization(policy);
        await app.StartAsync();
        return new DashboardTestHost(app, logs, action);
    }

    /// <summary>Appends <paramref name="count"/> valid <c>place</c> records and one of an unknown version, and waits until all are committed.</summary>
    public async Task AddRecordsAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var uuid = Guid.NewGuid();
            Broker.Append(Topic, uuid.ToString(), Encoding.UTF8.GetBytes($$$"""json:{"type":"place","version":1,"message":{"uuid":"{{{uuid}}}","name":"Place {{{i}}}"}}"""));
        }

        Broker.Append(Topic, "bad", Encoding.UTF8.GetBytes("""json:{"type":"place","version":9,"message":{"uuid":"00000000-0000-0000-0000-000000000009","name":"From the future"}}"""));
        await Eventually.TrueAsync(() => Runner.Progress.Activity.Of(Topic).Handled == count + 1, TimeSpan.FromSeconds(30), "the consumer committed every record");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
