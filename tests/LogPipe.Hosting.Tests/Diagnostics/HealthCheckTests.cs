using LogPipe.Hosting.Producers;
using LogPipe.Hosting.Tests.Support;
using LogPipe.Hosting.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

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
