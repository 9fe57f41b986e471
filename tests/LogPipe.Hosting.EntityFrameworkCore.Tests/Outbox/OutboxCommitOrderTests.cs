using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.EntityFrameworkCore.Tests.Outbox;

/// <summary>
/// Ids are commit order: PostgreSQL hands out identities at INSERT, so the outbox rows are inserted at commit, after the
/// transaction's business rows hold their locks.
/// </summary>
public sealed class OutboxCommitOrderTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_transaction_that_sent_first_but_committed_second_is_relayed_second_on_PostgreSQL()
    {
        await using var harness = await OutboxHarness.CreateAsync(TemporaryDatabase.PostgresProvider);
        var app = await harness.StartAppAsync();
        var joe = People.Joe();
        await OutboxHarness.SaveAsync(app, joe);
        await Eventually.TrueAsync(() => harness.LogCount() == 1, Patience, "the first version relayed");

        await using var scopeA = app.Services.CreateAsyncScope();
        await using var scopeB = app.Services.CreateAsyncScope();
        var dbA = scopeA.ServiceProvider.GetRequiredService<TestDb>();
        var dbB = scopeB.ServiceProvider.GetRequiredService<TestDb>();

        // A changes Joe and holds the row lock.
        await using var transactionA = await dbA.Database.BeginTransactionAsync();
        var joeA = await dbA.People.SingleAsync(p => p.Uuid == joe.Uuid);
        joeA.LastName = "A";
        await dbA.SaveChangesAsync();

        // B sends its version first, then waits for A's lock.
        var joeB = await dbB.People.SingleAsync(p => p.Uuid == joe.Uuid);
        joeB.LastName = "B";
        var transactionB = await dbB.Database.BeginTransactionAsync();
        await scopeB.ServiceProvider.GetRequiredService<IOutboxProducer<Person>>().SendAsync(joeB);
        var saveB = Task.Run(async () =>
        {
            await dbB.SaveChangesAsync();
            await transactionB.CommitAsync();
            await transactionB.DisposeAsync();
        });
        await Eventually.TrueAsync(
            () => app.QueryAsync(db => db.Database.SqlQueryRaw<int>("SELECT count(*)::int AS \"Value\" FROM pg_locks WHERE NOT granted").SingleAsync()).ContinueWith(t => t.Result > 0, TaskScheduler.Default),
            Patience,
            "B waits for A's row lock");

        // A sends after B did, and commits first.
        await scopeA.ServiceProvider.GetRequiredService<IOutboxProducer<Person>>().SendAsync(joeA);
        await dbA.SaveChangesAsync();
        await transactionA.CommitAsync();
        await saveB;

        await Eventually.TrueAsync(() => harness.LogCount() == 3, Patience, "both versions relayed");
        Assert.Equal(["Schmoe", "A", "B"], harness.Log().Select(r => r.LastName));
        Assert.Equal("B", (await app.PeopleAsync()).Single().LastName);
    }
    [Theory]
    [InlineData(TemporaryDatabase.SqliteProvider)]
    [InlineData(TemporaryDatabase.PostgresProvider)]
    public async Task An_entry_that_appears_below_ids_already_relayed_is_still_relayed(string provider)
    {
        await using var harness = await OutboxHarness.CreateAsync(provider);
        var app = await harness.StartAppAsync();
        await OutboxHarness.SaveAsync(app, People.Joe());
        await Eventually.TrueAsync(async () => harness.LogCount() == 1 && (await harness.OutboxAsync(app)).Count == 0, Patience, "the first entry relayed and deleted");
        await OutboxHarness.SaveAsync(app, new Person { Uuid = Guid.NewGuid(), FirstName = "Ann", LastName = "second" });
        await Eventually.TrueAsync(async () => harness.LogCount() == 2 && (await harness.OutboxAsync(app)).Count == 0, Patience, "the second entry relayed and deleted");

        // What a transaction that took its id before the ones relayed, and committed after they were, leaves behind: an
        // entry below every id the relay has read (-1, which no identity hands out).
        await app.QueryAsync(async db =>
        {
            var late = new LogPipeOutboxEntry
            {
                Id = -1,
                Topic = OutboxHarness.Topic,
                Key = "late",
                Value = System.Text.Encoding.UTF8.GetBytes("json:{\"message\":{\"last_name\":\"late\"}}"),
                MessageType = "person",
                Version = 2,
                CreatedAt = DateTimeOffset.UtcNow,
            };
            db.Add(late);
            return await db.SaveChangesAsync();
        });

        await Eventually.TrueAsync(() => harness.LogCount() == 3, Patience, "the late entry below the relayed ids was relayed");
        Assert.Equal("late", harness.Log()[^1].LastName);
    }
}
