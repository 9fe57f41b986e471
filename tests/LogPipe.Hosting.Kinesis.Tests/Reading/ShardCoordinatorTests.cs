using LogPipe.Hosting.Kinesis.Client.Transport;
using LogPipe.Hosting.Kinesis.Reading;
using LogPipe.Hosting.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace LogPipe.Hosting.Kinesis.Tests.Reading;

/// <summary>When the source's shards are listed and started, on a fake clock: each interval, at once when woken, after a backoff when starting failed.</summary>
public sealed class ShardCoordinatorTests : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));
    private readonly LogCapture _logs = new();
    private readonly Queue<bool> _listings = new();
    private readonly Queue<Exception> _startFailures = new();
    private readonly ShardCoordinator _coordinator;
    private int _lists;
    private int _starts;

    public ShardCoordinatorTests()
    {
        _coordinator = new ShardCoordinator(
            "people",
            Interval,
            new RetryBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4)),
            _time,
            _logs.CreateLogger<ShardCoordinatorTests>(),
            _ =>
            {
                Interlocked.Increment(ref _lists);
                return Task.FromResult(!_listings.TryDequeue(out var answered) || answered);
            },
            _ =>
            {
                Interlocked.Increment(ref _starts);
                return _startFailures.TryDequeue(out var failure) ? Task.FromException(failure) : Task.CompletedTask;
            });
    }

    private int Lists => Volatile.Read(ref _lists);

    private int Starts => Volatile.Read(ref _starts);

    [Fact]
    public async Task Shards_are_listed_again_once_the_discovery_interval_has_passed_on_the_clock_and_not_before()
    {
        _coordinator.Start(listed: true);

        _time.Advance(Interval - TimeSpan.FromMilliseconds(1));
        _coordinator.Wake(list: false);
        await Eventually.TrueAsync(() => Starts == 1, Patience, "woken, waiting shards are started");
        Assert.Equal(0, Lists);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        await Eventually.TrueAsync(() => Lists == 1 && Starts == 2, Patience, "listed, then started, once the interval is over");

        _time.Advance(Interval);
        await Eventually.TrueAsync(() => Lists == 2 && Starts == 3, Patience, "listed again an interval later");
    }

    [Fact]
    public async Task A_shard_that_ended_has_the_shards_listed_at_once_without_waiting_for_the_interval()
    {
        _coordinator.Start(listed: true);

        _coordinator.Wake(list: true);

        // Listing comes before starting, and no second listing is due with the clock standing still.
        await Eventually.TrueAsync(() => Starts >= 1, Patience, "listed and started with the clock standing still");
        Assert.Equal(1, Lists);
    }

    [Fact]
    public async Task A_failed_start_is_tried_again_after_its_backoff_on_the_clock_without_listing_again()
    {
        _startFailures.Enqueue(new InvalidOperationException("checkpoint store down"));
        _coordinator.Start(listed: true);

        _coordinator.Wake(list: false);
        CapturedLog? failed = null;
        await Eventually.TrueAsync(() => (failed = _logs.Entries.FirstOrDefault(e => e.EventId.Id == LogEvents.StartShardsFailed)) is not null, Patience, "the failed start is logged");
        var delay = TimeSpan.FromMilliseconds((long)failed!.State["DelayMs"]!);
        Assert.InRange(delay, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        Assert.Equal("checkpoint store down", failed.Exception!.Message);

        if (delay > TimeSpan.Zero)
        {
            _time.Advance(delay - TimeSpan.FromTicks(1));
            Assert.Equal(1, Starts);
        }

        _time.Advance(TimeSpan.FromMilliseconds(1));
        await Eventually.TrueAsync(() => Starts == 2, Patience, "started again after the backoff");
        Assert.Equal(0, Lists);
        Assert.Single(_logs.Entries, e => e.EventId.Id == LogEvents.StartShardsFailed);
    }

    [Fact]
    public async Task Until_a_listing_succeeds_every_wake_lists_first_and_no_shard_is_started_without_one()
    {
        _listings.Enqueue(false);
        _coordinator.Start(listed: false);

        _coordinator.Wake(list: false);
        await Eventually.TrueAsync(() => Lists == 1, Patience, "not listed yet, so a wake lists");
        Assert.Equal(0, Starts);

        _coordinator.Wake(list: false);
        await Eventually.TrueAsync(() => Lists == 2 && Starts == 1, Patience, "listed, then started");
    }

    [Fact]
    public async Task Once_stopped_it_lists_and_starts_nothing_more_and_a_late_wake_is_ignored()
    {
        _coordinator.Start(listed: true);
        await _coordinator.DisposeAsync();

        _coordinator.Wake(list: true);
        _time.Advance(Interval * 3);

        Assert.Equal(0, Lists);
        Assert.Equal(0, Starts);
        await _coordinator.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _coordinator.DisposeAsync();
        _logs.Dispose();
    }
}
