using LogPipe.Hosting.EntityFrameworkCore;
using LogPipe.Hosting.EntityFrameworkCore.Outbox;
using LogPipe.Hosting.InMemory;
using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.EntityFrameworkCore.Tests.Outbox;

/// <summary>The relay's end: its lease is released, and nothing fails, however the host goes away.</summary>
public sealed class OutboxRelayShutdownTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_relay_waiting_on_the_signal_with_a_timeout_is_woken_when_the_signal_is_disposed()
    {
        // What a host disposed without being stopped does: the signal (a singleton) is disposed while the relay waits on
        // it between polls. A disposed SemaphoreSlim never completed that wait, and the relay never ended.
        var signal = new OutboxSignal();
        var waiting = signal.WaitAsync(TimeSpan.FromMilliseconds(200), CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        signal.Dispose();

        await waiting.WaitAsync(Patience);
        await signal.WaitAsync(TimeSpan.FromMinutes(1), CancellationToken.None).WaitAsync(Patience);
    }

    [Theory]
    [InlineData(TemporaryDatabase.SqliteProvider)]
    [InlineData(TemporaryDatabase.PostgresProvider)]
    public async Task A_host_disposed_without_being_stopped_releases_the_relay_lease_and_logs_no_failure(string provider)
    {
        using var database = await TemporaryDatabase.CreateAsync(provider);
        var broker = new ControllableBroker(new InMemoryBroker());
        var app = TestApp.Create(
            lp => lp.AddTransport(broker.Registration).UseEntityFrameworkOutbox<TestDb>().AddProducer<Person, PersonSerializerV2>(OutboxHarness.Topic),
            new Dictionary<string, string?>
            {
                ["LogPipe:Transport"] = ControllableBroker.TransportName,
                ["LogPipe:Outbox:PollIntervalMs"] = "50",
                ["LogPipe:Outbox:LeaseDurationMs"] = "60000",
            },
            databasePath: database.SqlitePath ?? TestApp.NewDatabasePath(),
            broker: broker.Broker,
            postgres: database.SqlitePath is null ? database.ConnectionString : null);
        await app.Host.StartAsync();
        var relay = app.Services.GetRequiredService<OutboxRelay<TestDb>>();
        await OutboxHarness.SaveAsync(app, People.Joe());
        await Eventually.TrueAsync(() => relay.HoldsLease && broker.Broker.EndOffsets(OutboxHarness.Topic).Sum() == 1, Patience, "the relay holds the lease and relayed");

        // Disposing the host without StopAsync disposes its service provider while the relay is still ending.
        await app.DisposeAsync();
        await Eventually.TrueAsync(() => Task.FromResult(relay.ExecuteTask!.IsCompleted), Patience, () => "the relay did not end: " + app.Logs.AllText);

        var failures = app.Logs.Entries.Where(e => e.Level >= LogLevel.Warning).Select(e => $"{e.EventId}: {e.Message} {e.Exception}").ToList();
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.Contains(app.Logs.Entries, e => e.EventId.Id == LogEvents.OutboxRelayStopped);
        await using var db = database.OpenTestDb();
        var lease = await db.Set<LogPipeOutboxLease>().AsNoTracking().SingleAsync();
        Assert.Equal(0, lease.ExpiresAtUnixMs);
    }
}
