using System.Globalization;
using System.Text;
using LogPipe.Hosting.Consumers;
using LogPipe.Hosting.InMemory;
using LogPipe.Hosting.TestSupport;
using LogPipe.Hosting.Transport;
using Microsoft.Extensions.Time.Testing;

namespace LogPipe.Hosting.Tests.Consumers;

/// <summary>
/// <c>MinMessageLagMs</c> against producers whose clocks run ahead: a timestamp in the future never holds a record (nor
/// the partitions behind it) longer than the lag, counted from when this consumer first saw the record.
/// </summary>
public sealed class MessageLagTests : IAsyncLifetime
{
    private const string JoeV1 = """json:{"type":"person","version":1,"message":{"uuid":"de66ef2e-9a5c-4b21-8a5b-3d5c1c6e0e41","first_name":"Joe","last_name":"Schmoe"}}""";
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-01-01T00:00:00Z", CultureInfo.InvariantCulture);
    private readonly string _db = TestApp.NewDatabasePath();
    private readonly FakeTimeProvider _consumerClock = new(Start);

    // The producer's clock runs an hour ahead of the consumer's.
    private readonly InMemoryBroker _broker = new(new FakeTimeProvider(Start.AddHours(1)));
    private TestApp _app = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        TestApp.DeleteDatabase(_db);
    }

    private void Create(int minMessageLagMs)
    {
        _app = TestApp.Create(
            lp => lp.AddConsumer("people", c => c.Register<PersonSerializerV1>()),
            new Dictionary<string, string?> { ["LogPipe:MinMessageLagMs"] = minMessageLagMs.ToString(CultureInfo.InvariantCulture) },
            _db,
            _broker,
            _consumerClock);
        _broker.Append("people", null, Encoding.UTF8.GetBytes(JoeV1));
    }

    [Fact]
    public async Task Without_a_minimum_lag_a_record_stamped_in_the_future_is_applied_at_once()
    {
        Create(0);
        Assert.Equal(1, await _app.Runner.RunOnceAsync());
        Assert.Single(await _app.PeopleAsync());
    }

    [Fact]
    public async Task A_record_stamped_in_the_future_waits_the_lag_from_when_it_was_first_seen_and_no_longer()
    {
        Create(5000);
        Assert.Equal(0, await _app.Runner.RunOnceAsync());
        _consumerClock.Advance(TimeSpan.FromMilliseconds(4999));
        Assert.Equal(0, await _app.Runner.RunOnceAsync());
        _consumerClock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, await _app.Runner.RunOnceAsync());
    }

    [Fact]
    public async Task Draining_does_not_wait_for_a_clock_that_runs_ahead()
    {
        Create(0);
        Assert.Equal(1, await _app.Runner.DrainAsync().WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Asking_when_a_record_is_due_allocates_nothing_unless_its_timestamp_is_in_the_future()
    {
        var record = new IncomingRecord(new PartitionKey("inmemory", "people", "0"), 0, null, Encoding.UTF8.GetBytes(JoeV1), Start);
        var noLag = new MessageLag(TimeSpan.Zero);
        var lag = new MessageLag(TimeSpan.FromSeconds(5));
        Assert.Equal(DateTimeOffset.MinValue, noLag.DueAt(record, Start)); // warm up
        Assert.Equal(Start.AddSeconds(5), lag.DueAt(record, Start.AddSeconds(1)));

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            noLag.DueAt(record, Start);
            lag.DueAt(record, Start.AddSeconds(1));
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        // Stamped in the future: due the lag after it was first seen, however often it is asked.
        Assert.Equal(Start.AddSeconds(-10).AddSeconds(5), lag.DueAt(record, Start.AddSeconds(-10)));
        Assert.Equal(Start.AddSeconds(-5), lag.DueAt(record, Start.AddSeconds(-1)));
    }
}
