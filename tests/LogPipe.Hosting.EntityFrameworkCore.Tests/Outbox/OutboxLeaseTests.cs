using LogPipe.Hosting.EntityFrameworkCore;
using LogPipe.Hosting.EntityFrameworkCore.Outbox;
using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LogPipe.Hosting.EntityFrameworkCore.Tests.Outbox;

/// <summary>One relay per database, handed over when its holder stops; ids never reused.</summary>
public sealed class OutboxLeaseTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(TemporaryDatabase.SqliteProvider)]
    [InlineData(TemporaryDatabase.PostgresProvider)]
    public async Task When_the_relaying_instance_stops_another_takes_the_lease_and_relays(string provider)
    {
        await using var harness = await OutboxHarness.CreateAsync(provider);
        var first = await harness.StartAppAsync();
        await Eventually.TrueAsync(() => first.Services.GetRequiredService<OutboxRelay<TestDb>>().HoldsLease, Patience, "the first instance holds the lease");
        var second = await harness.StartAppAsync();
        var secondRelay = second.Services.GetRequiredService<OutboxRelay<TestDb>>();
        await OutboxHarness.SaveAsync(second, People.Joe());
        await Eventually.TrueAsync(async () => harness.LogCount() == 1 && (await harness.OutboxAsync(second)).Count == 0, Patience, "the first instance relays what the second committed");
        Assert.False(secondRelay.HoldsLease);

        await first.Host.StopAsync();
        await OutboxHarness.SaveAsync(second, new Person { Uuid = Guid.NewGuid(), FirstName = "Ann", LastName = "after the stop" });
        await Eventually.TrueAsync(() => harness.LogCount() == 2, Patience, "the second instance took over");
        Assert.True(secondRelay.HoldsLease);
        Assert.Equal(["Schmoe", "after the stop"], harness.Log().Select(r => r.LastName));
    }

    [Theory]
    [InlineData(TemporaryDatabase.SqliteProvider)]
    [InlineData(TemporaryDatabase.PostgresProvider)]
    public async Task An_id_is_never_handed_out_again_after_the_outbox_drained(string provider)
    {
        await using var harness = await OutboxHarness.CreateAsync(provider);
        var app = await harness.StartAppAsync();
        await OutboxHarness.SaveAsync(app, People.Joe());
        await Eventually.TrueAsync(async () => harness.LogCount() == 1 && (await harness.OutboxAsync(app)).Count == 0, Patience, "relayed and deleted");
        await OutboxHarness.SaveAsync(app, new Person { Uuid = Guid.NewGuid(), FirstName = "Ann", LastName = "second" });
        await Eventually.TrueAsync(() => harness.LogCount() == 2, Patience, "the second relayed");

        var sequences = harness.Log().Select(r => long.Parse(r.Headers["logpipe-outbox-sequence"], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(sequences[1] > sequences[0], $"sequence {sequences[1]} follows {sequences[0]}");
    }

    [Fact]
    public async Task The_lease_is_taken_by_one_owner_until_it_expires()
    {
        using var database = TemporaryDatabase.Sqlite();
        await using var db = database.OpenTestDb();
        await db.Database.EnsureCreatedAsync();
        var now = DateTimeOffset.UtcNow;
        var duration = TimeSpan.FromSeconds(10);

        var source = await OutboxLease.TryTakeAsync(db, "a", now, duration, CancellationToken.None);
        Assert.NotNull(source);
        Assert.Null(await OutboxLease.TryTakeAsync(db, "b", now.AddSeconds(5), duration, CancellationToken.None));
        Assert.Equal(source, await OutboxLease.TryTakeAsync(db, "a", now.AddSeconds(5), duration, CancellationToken.None));
        Assert.Null(await OutboxLease.TryTakeAsync(db, "b", now.AddSeconds(14), duration, CancellationToken.None));
        Assert.Equal(source, await OutboxLease.TryTakeAsync(db, "b", now.AddSeconds(16), duration, CancellationToken.None));
        Assert.Equal("b", (await db.Set<LogPipeOutboxLease>().AsNoTracking().SingleAsync()).Owner);
    }

    [Fact]
    public async Task The_relay_renews_its_lease_once_a_third_of_it_has_run_not_before_every_batch()
    {
        using var database = TemporaryDatabase.Sqlite();
        await using var db = database.OpenTestDb();
        await db.Database.EnsureCreatedAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var holder = new OutboxLeaseHolder("a", TimeSpan.FromSeconds(9), time);
        Task<long> ExpiresAtAsync() => db.Set<LogPipeOutboxLease>().AsNoTracking().Select(l => l.ExpiresAtUnixMs).SingleAsync();

        var source = await holder.TakeAsync(db, CancellationToken.None);
        Assert.NotNull(source);
        var firstExpiry = await ExpiresAtAsync();

        // Two seconds on, before each of several batches: the lease still runs for seven, and nothing is written.
        time.Advance(TimeSpan.FromSeconds(2));
        for (var batch = 0; batch < 3; batch++) Assert.Equal(source, await holder.TakeAsync(db, CancellationToken.None));
        Assert.Equal(firstExpiry, await ExpiresAtAsync());
        Assert.Null(await OutboxLease.TryTakeAsync(db, "b", time.GetUtcNow(), TimeSpan.FromSeconds(9), CancellationToken.None));

        // Past a third of the lease: renewed for the whole duration from now.
        time.Advance(TimeSpan.FromSeconds(1.5));
        Assert.Equal(source, await holder.TakeAsync(db, CancellationToken.None));
        Assert.Equal(time.GetUtcNow().AddSeconds(9).ToUnixTimeMilliseconds(), await ExpiresAtAsync());
    }
}
