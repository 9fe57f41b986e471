using System.Globalization;
using LogPipe.Hosting.Consumers;
using LogPipe.Hosting.Transport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace LogPipe.Hosting.Tests.Consumers;

/// <summary>Giving a unit of work up, alone on a fake clock: its records go back in order, its consumers wait a backoff that grows until a commit.</summary>
public sealed class UnitAbandonerTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-01-01T00:00:00Z", CultureInfo.InvariantCulture);
    private readonly FakeTimeProvider _time = new(Start);
    private readonly InMemoryConsumers _consumers;
    private readonly UnitAbandoner _abandoner;

    public UnitAbandonerTests()
    {
        _consumers = new InMemoryConsumers(_time);
        _abandoner = new UnitAbandoner(new FailureOptions { InitialBackoff = TimeSpan.FromSeconds(1), MaxBackoff = TimeSpan.FromSeconds(4) }, _time, NullLogger.Instance);
    }

    [Fact]
    public async Task An_abandoned_unit_goes_back_in_its_order_in_front_of_the_records_not_taken_yet()
    {
        _consumers.Append("a", 3);
        _consumers.Append("b", 2);
        var consumers = await _consumers.StartAsync("a", "b");
        var unit = Take(consumers[0], 2).Concat(Take(consumers[1], 1)).ToList();

        _abandoner.Abandon(unit, 0, new TimeoutException("database down"));

        Assert.Equal([0L, 1L, 2L], Drain(consumers[0]));
        Assert.Equal([0L, 1L], Drain(consumers[1]));
    }

    [Fact]
    public async Task Abandoned_units_hold_their_consumers_for_a_backoff_that_grows_and_starts_again_after_a_commit()
    {
        _consumers.Append("a", 1);
        _consumers.Append("idle", 1);
        var consumers = await _consumers.StartAsync("a", "idle");

        var waits = new List<double>();
        for (var i = 0; i < 4; i++)
        {
            _abandoner.Abandon(Take(consumers[0], 1), 0, new TimeoutException("database down"));
            waits.Add((consumers[0].NotBefore - _time.GetUtcNow()).TotalMilliseconds);
        }

        _abandoner.Committed();
        _abandoner.Abandon(Take(consumers[0], 1), 0, new TimeoutException("database down"));
        waits.Add((consumers[0].NotBefore - _time.GetUtcNow()).TotalMilliseconds);

        Assert.InRange(waits[0], 800, 1200);
        Assert.InRange(waits[1], 1600, 2400);
        Assert.InRange(waits[2], 3200, 4800);
        Assert.InRange(waits[3], 3200, 4800);
        Assert.InRange(waits[4], 800, 1200);
        Assert.Equal(DateTimeOffset.MinValue, consumers[1].NotBefore);
    }

    [Fact]
    public async Task A_batch_that_failed_sends_the_next_unit_down_the_per_record_path_once()
    {
        _consumers.Append("a", 2);
        var consumers = await _consumers.StartAsync("a");

        _abandoner.FallBackToPerRecord(Take(consumers[0], 2), new InvalidOperationException("key clash"));

        Assert.Equal(DateTimeOffset.MinValue, consumers[0].NotBefore);
        Assert.Equal([0L, 1L], Drain(consumers[0]));
        Assert.True(_abandoner.TakePerRecordNext());
        Assert.False(_abandoner.TakePerRecordNext());
    }

    private static List<(ConsumerState Consumer, IncomingRecord Record)> Take(ConsumerState consumer, int count)
    {
        var taken = new List<(ConsumerState Consumer, IncomingRecord Record)>();
        for (var i = 0; i < count && consumer.TryPeek(out var record); i++)
        {
            consumer.DropHead();
            taken.Add((consumer, record));
        }

        return taken;
    }

    private static List<long> Drain(ConsumerState consumer)
    {
        var offsets = new List<long>();
        while (consumer.TryPeek(out var record))
        {
            consumer.DropHead();
            offsets.Add(record.Offset);
        }

        return offsets;
    }
}
