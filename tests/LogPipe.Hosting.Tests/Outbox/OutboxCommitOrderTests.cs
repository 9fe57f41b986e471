using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.Tests.Outbox;

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
}
