using LogPipe.Hosting.EntityFrameworkCore;
using LogPipe.Hosting.EntityFrameworkCore.Outbox;
using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.EntityFrameworkCore.Tests.Outbox;

/// <summary>
/// The writing side of the outbox on SQLite files and PostgreSQL: what a transaction commits is sent, exactly once and in
/// commit order per key; what it rolls back, or never saves, is not.
/// </summary>
public sealed class OutboxWriteTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(TemporaryDatabase.SqliteProvider)]
    [InlineData(TemporaryDatabase.PostgresProvider)]
    public async Task A_commit_sends_exactly_the_committed_entries_in_per_key_order(string provider)
    {
        await using var harness = await OutboxHarness.CreateAsync(provider);
        var app = await harness.StartAppAsync();
        var joe = People.Joe();
        var ann = new Person { Uuid = Guid.NewGuid(), FirstName = "Ann", LastName = "v0" };
        for (var version = 0; version < 10; version++)
        {
            await OutboxHarness.SaveAsync(app,
                new Person { Uuid = joe.Uuid, FirstName = "Joe", LastName = $"v{version}" },
                new Person { Uuid = ann.Uuid, FirstName = "Ann", LastName = $"v{version}" });
        }

        await Eventually.TrueAsync(() => harness.LogCount() >= 20, Patience, "all 20 committed entries relayed");
        await Eventually.TrueAsync(async () => (await harness.OutboxAsync(app)).Count == 0, Patience, "relayed entries deleted");
        var log = harness.Log();
        Assert.Equal(20, log.Count);
        foreach (var key in new[] { joe.Uuid.ToString("D"), ann.Uuid.ToString("D") })
        {
            Assert.Equal(Enumerable.Range(0, 10).Select(v => $"v{v}"), log.Where(r => r.Key == key).Select(r => r.LastName));
        }
    }

    [Theory]
    [InlineData(TemporaryDatabase.SqliteProvider)]
    [InlineData(TemporaryDatabase.PostgresProvider)]
    public async Task Relayed_records_carry_the_outbox_identity_headers_and_the_envelope_the_direct_producer_writes(string provider)
    {
        await using var harness = await OutboxHarness.CreateAsync(provider);
        var app = await harness.StartAppAsync();
        var joe = People.Joe();
        await OutboxHarness.SaveAsync(app, joe);
        await Eventually.TrueAsync(() => harness.LogCount() == 1, Patience, "the entry relayed");

        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<IProducer<Person>>().SendAsync(joe);
        }

        var log = harness.Log();
        var source = await app.QueryAsync(db => db.Set<LogPipeOutboxLease>().Select(l => l.SourceId).SingleAsync());
        Assert.True(Guid.TryParseExact(log[0].Headers["logpipe-outbox-source"], "D", out _));
        Assert.Equal(source, log[0].Headers["logpipe-outbox-source"]);
        Assert.Equal(source.ToLowerInvariant(), source);
        Assert.Matches("^[1-9][0-9]*$", log[0].Headers["logpipe-outbox-sequence"]);
        Assert.Equal(log[1].Value, log[0].Value);
        Assert.Equal(log[1].Key, log[0].Key);
        Assert.False(log[1].Headers.ContainsKey("logpipe-outbox-source"));
    }

    [Theory]
    [InlineData(TemporaryDatabase.SqliteProvider)]
    [InlineData(TemporaryDatabase.PostgresProvider)]
    public async Task An_explicit_transaction_sends_its_entries_when_it_commits_and_none_when_it_rolls_back(string provider)
    {
        await using var harness = await OutboxHarness.CreateAsync(provider);
        var app = await harness.StartAppAsync();
        var rolledBack = new Person { Uuid = Guid.NewGuid(), FirstName = "Rolled", LastName = "back" };
        var committed = new Person { Uuid = Guid.NewGuid(), FirstName = "Com", LastName = "mitted" };

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TestDb>();
            var outbox = scope.ServiceProvider.GetRequiredService<IOutboxProducer<Person>>();
            await using (var transaction = await db.Database.BeginTransactionAsync())
            {
                db.People.Add(rolledBack);
                await outbox.SendAsync(rolledBack);
                await db.SaveChangesAsync();
                await transaction.RollbackAsync();
            }

            db.ChangeTracker.Clear();
            await using (var transaction = await db.Database.BeginTransactionAsync())
            {
                db.People.Add(committed);
                await outbox.SendAsync(committed);
                await db.SaveChangesAsync();
                Assert.Empty(await harness.OutboxAsync(app));
                await transaction.CommitAsync();
            }
        }

        await Eventually.TrueAsync(() => harness.LogCount() == 1, Patience, "the committed entry relayed");
        await Eventually.TrueAsync(async () => (await harness.OutboxAsync(app)).Count == 0, Patience, "relayed entries deleted");
        Assert.Equal(["mitted"], harness.Log().Select(r => r.LastName));
        Assert.Equal(["Com"], (await app.PeopleAsync()).Select(p => p.FirstName));
    }

    [Theory]
    [InlineData(TemporaryDatabase.SqliteProvider)]
    [InlineData(TemporaryDatabase.PostgresProvider)]
    public async Task SendAsync_with_no_other_change_is_committed_by_SaveChangesAsync(string provider)
    {
        await using var harness = await OutboxHarness.CreateAsync(provider);
        var app = await harness.StartAppAsync();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TestDb>();
            var outbox = scope.ServiceProvider.GetRequiredService<IOutboxProducer<Person>>();
            var entry = await outbox.SendAsync(People.Joe());
            Assert.Equal(("people", People.Joe().Uuid.ToString("D"), "person", 2), (entry.Topic, entry.Key, entry.MessageType, entry.Version));
            Assert.Equal(0, await db.SaveChangesAsync());
        }

        await Eventually.TrueAsync(() => harness.LogCount() == 1, Patience, "the entry relayed");
        Assert.Equal("Schmoe", harness.Log()[0].LastName);
    }

    [Theory]
    [InlineData(TemporaryDatabase.SqliteProvider)]
    [InlineData(TemporaryDatabase.PostgresProvider)]
    public async Task Entries_never_saved_or_whose_SaveChanges_failed_are_never_sent(string provider)
    {
        await using var harness = await OutboxHarness.CreateAsync(provider);
        var app = await harness.StartAppAsync();
        var joe = People.Joe();
        await OutboxHarness.SaveAsync(app, joe);
        await Eventually.TrueAsync(() => harness.LogCount() == 1, Patience, "the first entry relayed");

        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<IOutboxProducer<Person>>().SendAsync(new Person { Uuid = Guid.NewGuid(), LastName = "never saved" });
        }

        await using (var scope = app.Services.CreateAsyncScope())
        {
            // The same Uuid again breaks the unique index: the save fails, and its outbox entry goes nowhere.
            var db = scope.ServiceProvider.GetRequiredService<TestDb>();
            var duplicate = new Person { Uuid = joe.Uuid, FirstName = "Again", LastName = "duplicate" };
            db.People.Add(duplicate);
            await scope.ServiceProvider.GetRequiredService<IOutboxProducer<Person>>().SendAsync(duplicate);
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        }

        // A later commit is relayed: once it is on the log, the relay has passed everything committed before it.
        await OutboxHarness.SaveAsync(app, new Person { Uuid = Guid.NewGuid(), FirstName = "Later", LastName = "later" });
        await Eventually.TrueAsync(async () => harness.LogCount() >= 2 && (await harness.OutboxAsync(app)).Count == 0, Patience, "the later entry relayed and deleted");
        Assert.Equal(["Schmoe", "later"], harness.Log().Select(r => r.LastName));
    }

    [Theory]
    [InlineData(TemporaryDatabase.SqliteProvider)]
    [InlineData(TemporaryDatabase.PostgresProvider)]
    public async Task A_concurrency_conflict_in_SaveChanges_leaves_no_transaction_open_and_the_retried_save_sends_its_entry_once(string provider)
    {
        await using var harness = await OutboxHarness.CreateAsync(provider);
        var app = await harness.StartAppAsync();
        var joe = People.Joe();
        await OutboxHarness.SaveAsync(app, joe);
        await Eventually.TrueAsync(() => harness.LogCount() == 1, Patience, "the first entry relayed");

        await using (var scope = app.Services.CreateAsyncScope())
        {
            // A row another writer deleted meanwhile: its UPDATE matches nothing, and EF Core throws a concurrency conflict.
            var db = scope.ServiceProvider.GetRequiredService<TestDb>();
            var gone = new Person { Id = int.MaxValue, Uuid = Guid.NewGuid(), FirstName = "Gone", LastName = "gone" };
            db.People.Update(gone);
            await scope.ServiceProvider.GetRequiredService<IOutboxProducer<Person>>().SendAsync(new Person { Uuid = joe.Uuid, FirstName = "Joe", LastName = "retried" });
            await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => db.SaveChangesAsync());

            // The transaction the outbox opened for that save is gone with it: no locks held while the application decides
            // what to do (on SQLite, other writers would wait for the one write lock), and other writers commit meanwhile.
            Assert.Null(db.Database.CurrentTransaction);
            await OutboxHarness.SaveAsync(app, new Person { Uuid = Guid.NewGuid(), FirstName = "Meanwhile", LastName = "meanwhile" });

            // The application resolves the conflict and saves the same context again: its entry is committed now, once.
            db.Entry(gone).State = EntityState.Detached;
            await db.SaveChangesAsync();
            Assert.Null(db.Database.CurrentTransaction);
        }

        await Eventually.TrueAsync(async () => harness.LogCount() >= 3 && (await harness.OutboxAsync(app)).Count == 0, Patience, "the later entries relayed and deleted");
        Assert.Equal(["Schmoe", "meanwhile", "retried"], harness.Log().Select(r => r.LastName));
    }

    [Theory]
    [InlineData(TemporaryDatabase.SqliteProvider)]
    [InlineData(TemporaryDatabase.PostgresProvider)]
    public async Task An_entry_the_broker_refuses_for_good_is_set_aside_with_its_reason_while_other_keys_flow(string provider)
    {
        await using var harness = await OutboxHarness.CreateAsync(provider);
        harness.Broker.RefuseLargerThan = 2000;
        var app = await harness.StartAppAsync();
        var huge = new Person { Uuid = Guid.NewGuid(), FirstName = new string('x', 5000), LastName = "huge" };
        await OutboxHarness.SaveAsync(app,
            new Person { Uuid = Guid.NewGuid(), FirstName = "Before", LastName = "before" },
            huge,
            new Person { Uuid = Guid.NewGuid(), FirstName = "After", LastName = "after" });
        await OutboxHarness.SaveAsync(app, new Person { Uuid = Guid.NewGuid(), FirstName = "Next", LastName = "next" });

        await Eventually.TrueAsync(() => harness.LogCount() == 3, Patience, "the three other entries relayed");
        await Eventually.TrueAsync(
            async () => await harness.OutboxAsync(app) is [{ SetAsideAt: not null }] && app.Logs.Entries.Any(e => e.EventId.Id == 5004),
            Patience,
            "only the refused entry left, set aside and logged");
        Assert.Equal(["before", "after", "next"], harness.Log().Select(r => r.LastName));
        var aside = Assert.Single(await harness.OutboxAsync(app));
        Assert.Equal(huge.Uuid.ToString("D"), aside.Key);
        Assert.NotNull(aside.SetAsideAt);
        Assert.Contains("Broker_MsgSizeTooLarge", aside.LastError, StringComparison.Ordinal);
        var logged = Assert.Single(app.Logs.Entries, e => e.EventId.Id == 5004);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Error, logged.Level);
        var stats = await app.Services.GetRequiredService<OutboxInspector<TestDb>>().StatsAsync();
        Assert.Equal((0L, 1L), (stats.Backlog, stats.SetAside));
    }

    [Theory]
    [InlineData(TemporaryDatabase.SqliteProvider)]
    [InlineData(TemporaryDatabase.PostgresProvider)]
    public async Task While_the_broker_is_down_writers_commit_unhindered_and_the_backlog_drains_after(string provider)
    {
        await using var harness = await OutboxHarness.CreateAsync(provider);
        var app = await harness.StartAppAsync();
        harness.Broker.Down = true;
        var people = People.Many(50);
        foreach (var person in people) await OutboxHarness.SaveAsync(app, person);

        Assert.Equal(50, (await app.PeopleAsync()).Count);
        await Eventually.TrueAsync(() => harness.Broker.Sends > 2, Patience, "the relay tried while the broker was down");
        Assert.Equal(0, harness.LogCount());
        var waiting = await harness.OutboxAsync(app);
        Assert.Equal(50, waiting.Count);
        Assert.Contains(waiting, e => e.Attempts > 0 && e.LastError!.Contains("down", StringComparison.Ordinal));

        harness.Broker.Down = false;
        await Eventually.TrueAsync(() => harness.LogCount() == 50, Patience, "the backlog drained");
        await Eventually.TrueAsync(async () => (await harness.OutboxAsync(app)).Count == 0, Patience, "relayed entries deleted");
        Assert.Equal(people.Select(p => p.LastName), harness.Log().Select(r => r.LastName));
        Assert.Contains(app.Logs.Entries, e => e.EventId.Id == 5003);
    }

    [Theory]
    [InlineData(TemporaryDatabase.SqliteProvider)]
    [InlineData(TemporaryDatabase.PostgresProvider)]
    public async Task Two_relays_on_one_database_relay_one_at_a_time_and_per_key_order_holds(string provider)
    {
        await using var harness = await OutboxHarness.CreateAsync(provider);
        var first = await harness.StartAppAsync();
        var second = await harness.StartAppAsync();
        var keys = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid()).ToArray();
        var writers = new[] { first, second }.Select(async (app, writer) =>
        {
            for (var version = 0; version < 20; version++)
            {
                // Each writer changes its own keys, in versions that must reach the log in order.
                var people = keys.Where((_, i) => i % 2 == writer).Select(k => new Person { Uuid = k, FirstName = "P", LastName = $"v{version}" }).ToArray();
                await OutboxHarness.SaveAsync(app, people);
            }
        });
        await Task.WhenAll(writers);

        var expected = keys.Length * 20;
        await Eventually.TrueAsync(() => harness.LogCount() >= expected, Patience, "every committed change relayed");
        var log = harness.Log();
        Assert.Equal(expected, log.Count);
        Assert.Equal(expected, log.Select(r => r.Headers["logpipe-outbox-sequence"]).Distinct().Count());
        foreach (var key in keys)
        {
            Assert.Equal(Enumerable.Range(0, 20).Select(v => $"v{v}"), log.Where(r => r.Key == key.ToString("D")).Select(r => r.LastName));
        }

        var relays = new[] { first, second }.Select(a => a.Services.GetRequiredService<OutboxRelay<TestDb>>()).ToList();
        Assert.Single(relays, r => r.HoldsLease);
        Assert.Single(new[] { first, second }, a => a.Logs.Entries.Any(e => e.EventId.Id == 5000));
    }
}
