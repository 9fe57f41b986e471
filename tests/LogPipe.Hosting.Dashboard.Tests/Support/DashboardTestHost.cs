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
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Dashboard.Tests.Support;

/// <summary>
/// A web service with LogPipe on the in-memory transport (a <c>places</c> topic of two partitions, consumed with
/// <see cref="PlaceSerializer"/>) and the dashboard at <c>/logpipe</c>, on Kestrel on a free loopback port. Requests
/// carrying <c>X-Forwarded-For</c> are seen as coming from that address (<c>UseForwardedHeaders</c>, as behind a
/// reverse proxy), which is how the tests send a request from a remote address. With a policy, the
/// <c>X-Test-Role</c> header authenticates the request with that role. With a database, checkpoints and dead letters are
/// kept in <see cref="TestDb"/> on that SQLite file, a <c>people</c> topic is consumed with <see cref="PersonSerializerV1"/>
/// (a save fails as <see cref="Probe.FailTimes"/> says; one failure dead-letters the record), replay requests are polled
/// every 100 ms, and <c>AddLogPipeOperations&lt;TestDb&gt;()</c> gives the dashboard its dead-letter pages.
/// </summary>
public sealed class DashboardTestHost : IAsyncDisposable
{
    public const string Topic = "places";

    public const string PeopleTopic = "people";

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

    public Probe Probe => _app.Services.GetRequiredService<Probe>();

    public InMemoryBroker Broker => _app.Services.GetRequiredService<InMemoryBroker>();

    public LogPipeConsumerRunner Runner => _app.Services.GetRequiredService<LogPipeConsumerRunner>();

    public string Url(string path) => new Uri(BaseAddress, path).ToString();

    /// <param name="readOnly">Sets <c>LogPipe:Dashboard:ReadOnly</c>.</param>
    /// <param name="policy">An authorization policy (<c>ops</c>: the role <c>ops</c>) to put on the dashboard, or none.</param>
    /// <param name="database">A SQLite file for checkpoints and dead letters (<see cref="TestApp.NewDatabasePath"/>), or none.</param>
    /// <param name="refreshInterval">How often the pages reload themselves; by default never, so that no test page moves under it.</param>
    public static async Task<DashboardTestHost> StartAsync(bool readOnly = false, string? policy = null, string? database = null, TimeSpan? refreshInterval = null)
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
        if (database is not null)
        {
            broker.CreateTopic(PeopleTopic, 1);
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["LogPipe:Failures:MaxAttempts"] = "1",
                ["LogPipe:DeadLetters:ReplayPoll"] = "00:00:00.100",
            });
            builder.Services.AddDbContext<TestDb>(o => o.UseSqlite($"Data Source={database};Pooling=False"));
            builder.Services.AddLogPipeOperations<TestDb>();
        }

        builder.Services.AddLogPipe(builder.Configuration.GetSection("LogPipe"), lp =>
        {
            lp.UseInMemoryTransport().AddConsumer(Topic, c => c.Register<PlaceSerializer>());
            if (database is null) lp.UseInMemoryOffsets();
            else lp.UseEntityFrameworkOffsets<TestDb>().AddConsumer(PeopleTopic, c => c.Register<PersonSerializerV1>());
        });
        builder.Services.AddLogPipeDashboard(o =>
        {
            o.ReadOnly = readOnly;
            o.RefreshInterval = refreshInterval ?? TimeSpan.Zero;
        });
        var action = new CountingAction();
        builder.Services.AddSingleton<IDashboardAction>(action);
        if (policy is not null)
        {
            builder.Services.AddAuthentication(TestRoleAuthentication.SchemeName).AddScheme<AuthenticationSchemeOptions, TestRoleAuthentication>(TestRoleAuthentication.SchemeName, null);
            builder.Services.AddAuthorization(o => o.AddPolicy("ops", p => p.RequireRole("ops")));
        }

        var app = builder.Build();
        if (database is not null)
        {
            await using var scope = app.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<TestDb>().Database.EnsureCreatedAsync();
        }

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

    /// <summary>Runs a query on the host's database (only with one).</summary>
    public async Task<T> QueryAsync<T>(Func<TestDb, Task<T>> query)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<TestDb>());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
