using System.Globalization;
using LogPipe.Hosting.Consumers;
using LogPipe.Hosting.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace LogPipe.Hosting.Tests.Consumers;

/// <summary>The gathering of a unit alone, on in-memory sources and a fake clock: fair round-robin, the minimum lag, retry backoffs.</summary>
public sealed class UnitGathererTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-01-01T00:00:00Z", CultureInfo.InvariantCulture);
    private readonly FakeTimeProvider _time = new(Start);
    private readonly InMemoryConsumers _consumers;

    public UnitGathererTests() => _consumers = new InMemoryConsumers(_time);

    [Fact]
    public async Task A_unit_takes_one_record_per_consumer_per_pass_so_a_busy_consumer_does_not_starve_a_quiet_one()
    {
        Append("busy", 10);
        Append("quiet", 2);
        var gatherer = await GathererAsync(new UnitOfWorkOptions { MaxRecords = 6 }, 0, "busy", "quiet");

        var unit = await gatherer.GatherAsync(wait: false, CancellationToken.None);

        // Both of the quiet consumer's records are in the first unit, alternating with the busy one's while it has any.
        Assert.Equal(6, unit.Count);
        Assert.Equal(2, unit.Count(u => u.Consumer.Stream == "quiet"));
        Assert.NotEqual(unit[0].Consumer.Stream, unit[1].Consumer.Stream);
        Assert.NotEqual(unit[2].Consumer.Stream, unit[3].Consumer.Stream);
        Assert.Equal([0L, 1L, 2L, 3L], unit.Where(u => u.Consumer.Stream == "busy").Select(u => u.Record.Offset));
    }

    [Fact]
    public async Task The_next_unit_starts_its_round_robin_at_the_next_consumer()
    {
        Append("a", 5);
        Append("b", 5);
        var gatherer = await GathererAsync(new UnitOfWorkOptions { MaxRecords = 1 }, 0, "a", "b");

        var first = await gatherer.GatherAsync(wait: false, CancellationToken.None);
        var second = await gatherer.GatherAsync(wait: false, CancellationToken.None);

        Assert.NotEqual(Assert.Single(first).Consumer.Stream, Assert.Single(second).Consumer.Stream);
    }

    [Fact]
    public async Task A_record_younger_than_the_minimum_lag_holds_back_only_its_own_consumer_until_the_lag_has_passed()
    {
        Append("old", 1);
        _time.Advance(TimeSpan.FromSeconds(4));
        Append("young", 1);
        var gatherer = await GathererAsync(new UnitOfWorkOptions(), minMessageLagMs: 5000, "old", "young");
        _time.Advance(TimeSpan.FromSeconds(1));

        var unit = await gatherer.GatherAsync(wait: false, CancellationToken.None);
        Assert.Equal("old", Assert.Single(unit).Consumer.Stream);
        Assert.False(gatherer.HasReadyWork(_time.GetUtcNow()));
        Assert.True(gatherer.HasDeferredWork(_time.GetUtcNow()));

        _time.Advance(TimeSpan.FromMilliseconds(3999));
        Assert.Empty(await gatherer.GatherAsync(wait: false, CancellationToken.None));

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(gatherer.HasReadyWork(_time.GetUtcNow()));
        Assert.Equal("young", Assert.Single(await gatherer.GatherAsync(wait: false, CancellationToken.None)).Consumer.Stream);
        Assert.False(gatherer.HasDeferredWork(_time.GetUtcNow()));
    }

    [Fact]
    public async Task A_consumer_in_a_retry_backoff_is_skipped_until_the_backoff_runs_out()
    {
        Append("waiting", 1);
        Append("other", 1);
        var consumers = await _consumers.StartAsync("waiting", "other");
        consumers[0].NotBefore = _time.GetUtcNow().AddSeconds(2);
        var gatherer = Gatherer(consumers, new UnitOfWorkOptions(), 0);

        Assert.Equal("other", Assert.Single(await gatherer.GatherAsync(wait: false, CancellationToken.None)).Consumer.Stream);
        Assert.True(gatherer.HasDeferredWork(_time.GetUtcNow()));

        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("waiting", Assert.Single(await gatherer.GatherAsync(wait: false, CancellationToken.None)).Consumer.Stream);
    }

    [Fact]
    public async Task A_waiting_gather_returns_the_record_that_arrives_while_it_waits()
    {
        var gatherer = await GathererAsync(new UnitOfWorkOptions { IdlePoll = TimeSpan.FromMinutes(10) }, 0, "late");

        var gathering = gatherer.GatherAsync(wait: true, CancellationToken.None);
        Assert.False(gathering.IsCompleted);
        Append("late", 1);

        var unit = await gathering.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, Assert.Single(unit).Record.Offset);
    }

    private void Append(string stream, int count) => _consumers.Append(stream, count);

    private async Task<UnitGatherer> GathererAsync(UnitOfWorkOptions options, int minMessageLagMs, params string[] streams) =>
        Gatherer(await _consumers.StartAsync(streams), options, minMessageLagMs);

    private UnitGatherer Gatherer(List<ConsumerState> consumers, UnitOfWorkOptions options, int minMessageLagMs) =>
        new(consumers, options, new MessageLag(TimeSpan.FromMilliseconds(minMessageLagMs)), new ConsumerProgress(_time), _time);
}
