using LogPipe.Hosting.Tests.Consumers;
using LogPipe.Hosting.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;

namespace LogPipe.Hosting.Tests.Diagnostics;

public sealed class HealthCheckTests
{
    private static async Task<HealthReport> CheckAsync(TestApp app) =>
        await app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Tags.Contains("logpipe"));

    private static async Task SendAsync(TestApp app, int count)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IProducer<Person>>().SendBatchAsync(People.Many(count));
    }

    [Fact]
    public async Task Healthy_while_consuming_degraded_when_lag_exceeds_the_threshold()
    {
        var db = TestApp.NewDatabasePath();
        await using var app = TestApp.Create(
            lp => lp.AddProducer<Person, PersonSerializerV2>("people").AddConsumer("people", c => c.Register<PersonSerializerV2>()),
            new Dictionary<string, string?> { ["LogPipe:Health:MaxLag"] = "5", ["LogPipe:UnitOfWork:MaxRecords"] = "1" },
            db);
        Assert.Equal(HealthStatus.Degraded, (await CheckAsync(app)).Status); // not started yet

        await app.Host.StartAsync();
        await SendAsync(app, 1);
        await Eventually.TrueAsync(async () => (await app.PeopleAsync()).Count == 1, TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(async () => (await CheckAsync(app)).Status == HealthStatus.Healthy, TimeSpan.FromSeconds(30));

        // Hold the consumer inside a save while more records arrive: lag grows past the threshold.
        using var gate = new SemaphoreSlim(0);
        app.Probe.SaveGate = gate;
        await SendAsync(app, 10);
        await app.Probe.GateReached.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var degraded = await CheckAsync(app);
        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Assert.Contains("exceeds LogPipe:Health:MaxLag (5)", degraded.Entries["logpipe"].Description, StringComparison.Ordinal);

        app.Probe.SaveGate = null;
        gate.Release(100);
        await Eventually.TrueAsync(async () => (await app.PeopleAsync()).Count == 11, TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(async () => (await CheckAsync(app)).Status == HealthStatus.Healthy, TimeSpan.FromSeconds(30));
        await app.Host.StopAsync();
        TestApp.DeleteDatabase(db);
    }

    [Fact]
    public async Task Unhealthy_when_the_failure_policy_stopped_the_consumer()
    {
        var db = TestApp.NewDatabasePath();
        await using var app = TestApp.Create(
            lp => lp.AddProducer<Person, PersonSerializerV2>("people").AddConsumer("people", c => c.Register<PersonSerializerV2>()),
            new Dictionary<string, string?> { ["LogPipe:Failures:Policy"] = "Stop", ["LogPipe:Failures:MaxAttempts"] = "2" },
            db);
        app.Probe.FailSaves = int.MaxValue;
        await SendAsync(app, 1);
        await Assert.ThrowsAsync<LogPipe.Hosting.Consumers.ConsumerStoppedException>(() => app.Runner.RunAsync(CancellationToken.None));
        var report = await CheckAsync(app);
        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.Contains("stopped", report.Entries["logpipe"].Description, StringComparison.Ordinal);
        TestApp.DeleteDatabase(db);
    }

    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private static TestApp StartableApp(FakeTimeProvider time, Dictionary<string, string?> settings, SaveScript? script = null)
    {
        settings["LogPipe:UnitOfWork:IdlePollMs"] = "10";
        return TestApp.Create(
            lp =>
            {
                lp.AddProducer<Person, PersonSerializerV2>("people");
                if (script is null)
                {
                    lp.AddConsumer("people", c => c.Register<PersonSerializerV2>());
                }
                else
                {
                    lp.Services.AddSingleton(script);
                    lp.AddConsumer("people", c => c.Register<ScriptedPersonSerializer>());
                }
            },
            settings,
            TestApp.NewDatabasePath(),
            new InMemory.InMemoryBroker(time),
            time);
    }

    private static void AppendV1(TestApp app) =>
        app.Broker.Append("people", null, System.Text.Encoding.UTF8.GetBytes("""json:{"type":"person","version":1,"message":{"uuid":"de66ef2e-9a5c-4b21-8a5b-3d5c1c6e0e41","first_name":"Joe","last_name":"Schmoe"}}"""));

    [Fact]
    public async Task A_quiet_topic_stays_healthy_long_past_the_stall_timeout()
    {
        var time = new FakeTimeProvider(Start);
        await using var app = StartableApp(time, new() { ["LogPipe:Health:StallTimeoutSeconds"] = "120" });
        await app.Host.StartAsync();
        await SendAsync(app, 1);
        await Eventually.TrueAsync(async () => (await app.PeopleAsync()).Count == 1, TimeSpan.FromSeconds(30));

        // Ten minutes without a record: the loop only polls, and every finished poll shows it is alive.
        for (var minute = 0; minute < 10; minute++)
        {
            time.Advance(TimeSpan.FromSeconds(60));
            await Eventually.TrueAsync(async () => (await CheckAsync(app)).Status == HealthStatus.Healthy, TimeSpan.FromSeconds(10), $"healthy after {minute + 1} quiet minutes");
        }

        await app.Host.StopAsync();
        TestApp.DeleteDatabase(app.DatabasePath);
    }

    [Fact]
    public async Task A_loop_held_inside_a_save_that_never_returns_becomes_unhealthy()
    {
        var time = new FakeTimeProvider(Start);
        var script = new SaveScript();
        var release = new TaskCompletionSource();
        script.BeforeSave = (_, _, ct) => release.Task.WaitAsync(ct);
        await using var app = StartableApp(time, new() { ["LogPipe:Health:StallTimeoutSeconds"] = "120", ["LogPipe:Failures:SaveTimeoutMs"] = "3600000" }, script);
        await app.Host.StartAsync();
        AppendV1(app);
        await script.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(app)).Status);

        time.Advance(TimeSpan.FromSeconds(121));
        var report = await CheckAsync(app);
        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.Contains("no progress", report.Entries["logpipe"].Description, StringComparison.Ordinal);

        release.SetResult();
        await Eventually.TrueAsync(async () => (await app.PeopleAsync()).Count == 1, TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(async () => (await CheckAsync(app)).Status == HealthStatus.Healthy, TimeSpan.FromSeconds(30));
        await app.Host.StopAsync();
        TestApp.DeleteDatabase(app.DatabasePath);
    }

    [Fact]
    public async Task Units_abandoned_again_and_again_make_the_consumer_degraded_naming_the_partition()
    {
        var time = new FakeTimeProvider(Start);
        await using var app = StartableApp(time, new() { ["LogPipe:Health:PartitionStallTimeoutSeconds"] = "60" });
        app.Probe.FailCommits = int.MaxValue;
        await app.Host.StartAsync();
        await SendAsync(app, 1);
        await Eventually.TrueAsync(() => app.Logs.Entries.Any(e => e.EventId.Id == LogEvents.UnitAbandoned), TimeSpan.FromSeconds(30));
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(app)).Status);

        // A minute later the loop is alive (it backs off and polls) but the partition has not moved.
        time.Advance(TimeSpan.FromSeconds(61));
        await Eventually.TrueAsync(async () => (await CheckAsync(app)).Status == HealthStatus.Degraded, TimeSpan.FromSeconds(10));
        var report = await CheckAsync(app);
        Assert.Contains("memory/people/0", report.Entries["logpipe"].Description, StringComparison.Ordinal);
        Assert.Contains("LogPipe:Health:PartitionStallTimeout", report.Entries["logpipe"].Description, StringComparison.Ordinal);

        // Once commits work again, the retry after its backoff (on the test's clock) commits and the partition moves on.
        app.Probe.FailCommits = 0;
        await Eventually.TrueAsync(
            async () =>
            {
                time.Advance(TimeSpan.FromMilliseconds(100));
                return (await app.PeopleAsync()).Count == 1;
            },
            TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(async () => (await CheckAsync(app)).Status == HealthStatus.Healthy, TimeSpan.FromSeconds(30));
        await app.Host.StopAsync();
        TestApp.DeleteDatabase(app.DatabasePath);
    }

    [Fact]
    public async Task Health_checks_can_be_switched_off()
    {
        await using var app = TestApp.Create(
            lp => lp.AddConsumer("people", c => c.Register<PersonSerializerV2>()),
            new Dictionary<string, string?> { ["LogPipe:DisableHealthChecks"] = "true" },
            entityFrameworkOffsets: false);
        var options = app.Services.GetService<Microsoft.Extensions.Options.IOptions<HealthCheckServiceOptions>>();
        Assert.DoesNotContain(options!.Value.Registrations, r => r.Name == "logpipe");
    }
}
