using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;

namespace LogPipe.Hosting.EntityFrameworkCore.Tests.Outbox;

/// <summary>
/// The outbox under a retrying execution strategy (<c>EnableRetryOnFailure</c>) on PostgreSQL: saves and the application's
/// own transactions commit their entries, and an operation the strategy runs again writes them once, never twice or not
/// at all. The transient failure is real: a trigger on the outbox table fails the first inserts with a serialization
/// failure (40001), as a busy database would.
/// </summary>
public sealed class OutboxRetryingStrategyTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_save_without_a_transaction_commits_its_entries_under_a_retrying_strategy_and_a_retried_save_writes_them_once()
    {
        await using var harness = await OutboxHarness.CreateAsync(TemporaryDatabase.PostgresProvider);
        var app = await harness.StartAppAsync(services: RetryOnFailure);
        var joe = People.Joe();

        // The first attempt's outbox insert fails at commit; the strategy saves again in a new transaction.
        await FailOutboxInsertsAsync(app, 1);
        await OutboxHarness.SaveAsync(app, joe);
        Assert.Equal(2, await OutboxInsertAttemptsAsync(app));

        // Only an entry, nothing else to save: its own transaction is retried the same way.
        await FailOutboxInsertsAsync(app, 1);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<IOutboxProducer<Person>>().SendAsync(new Person { Uuid = joe.Uuid, FirstName = "Joe", LastName = "alone" });
            Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<TestDb>().SaveChangesAsync());
        }

        Assert.Equal(2, await OutboxInsertAttemptsAsync(app));
        await Eventually.TrueAsync(async () => harness.LogCount() >= 2 && (await harness.OutboxAsync(app)).Count == 0, Patience, "both entries relayed and deleted");
        Assert.Equal(["Schmoe", "alone"], harness.Log().Select(r => r.LastName));
        Assert.Single(await app.PeopleAsync());
    }

    [Fact]
    public async Task A_transaction_run_by_the_retrying_strategy_sends_its_entries_once_when_the_strategy_runs_it_again()
    {
        await using var harness = await OutboxHarness.CreateAsync(TemporaryDatabase.PostgresProvider);
        var app = await harness.StartAppAsync(services: RetryOnFailure);
        var ann = new Person { Uuid = Guid.NewGuid(), FirstName = "Ann", LastName = "first" };
        var bob = new Person { Uuid = Guid.NewGuid(), FirstName = "Bob", LastName = "second" };
        await FailOutboxInsertsAsync(app, 2);
        var attempts = 0;

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TestDb>();
            var outbox = scope.ServiceProvider.GetRequiredService<IOutboxProducer<Person>>();

            // As EF Core asks: the whole unit inside the strategy, changes accepted only once it committed.
            await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
            {
                attempts++;
                await using var transaction = await db.Database.BeginTransactionAsync();
                db.People.Add(ann);
                db.People.Add(bob);
                await outbox.SendAsync(ann);
                await outbox.SendAsync(bob);
                await db.SaveChangesAsync(acceptAllChangesOnSuccess: false);
                await transaction.CommitAsync();
            });
            db.ChangeTracker.AcceptAllChanges();
        }

        Assert.Equal(3, attempts);
        Assert.Equal(3, await OutboxInsertAttemptsAsync(app));
        await Eventually.TrueAsync(async () => harness.LogCount() >= 2 && (await harness.OutboxAsync(app)).Count == 0, Patience, "the entries relayed and deleted");
        Assert.Equal(["first", "second"], harness.Log().Select(r => r.LastName));
        Assert.Equal(["Ann", "Bob"], (await app.PeopleAsync()).Select(p => p.FirstName));
    }

    [Fact]
    public async Task A_save_with_entries_is_one_transaction_even_when_the_context_turned_automatic_transactions_off_and_the_setting_is_put_back()
    {
        await using var harness = await OutboxHarness.CreateAsync(TemporaryDatabase.PostgresProvider);
        var app = await harness.StartAppAsync(services: RetryOnFailure);
        var ann = new Person { Uuid = Guid.NewGuid(), FirstName = "Ann", LastName = "first" };
        var bob = new Person { Uuid = Guid.NewGuid(), FirstName = "Bob", LastName = "second" };

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TestDb>();
            var outbox = scope.ServiceProvider.GetRequiredService<IOutboxProducer<Person>>();
            db.Database.AutoTransactionBehavior = AutoTransactionBehavior.Never;
            db.People.AddRange(ann, bob);
            await outbox.SendAsync(ann);
            await outbox.SendAsync(bob);

            // The outbox's insert fails on every attempt: the people must not be committed without their entries.
            await FailOutboxInsertsAsync(app, 100);
            await Assert.ThrowsAnyAsync<Exception>(() => db.SaveChangesAsync());
            Assert.Equal(AutoTransactionBehavior.Never, db.Database.AutoTransactionBehavior);
            Assert.Empty(await app.PeopleAsync());

            // Once only the first attempt fails, saving the same context again commits people and entries once.
            await FailOutboxInsertsAsync(app, 1);
            await db.SaveChangesAsync();
            Assert.Equal(AutoTransactionBehavior.Never, db.Database.AutoTransactionBehavior);
        }

        Assert.Equal(2, await OutboxInsertAttemptsAsync(app));
        await Eventually.TrueAsync(async () => harness.LogCount() >= 2 && (await harness.OutboxAsync(app)).Count == 0, Patience, "the entries relayed and deleted");
        Assert.Equal(["first", "second"], harness.Log().Select(r => r.LastName));
        Assert.Equal(["Ann", "Bob"], (await app.PeopleAsync()).Select(p => p.FirstName));
    }

    private static void RetryOnFailure(IServiceCollection services) =>
        services.ConfigureDbContext<TestDb>(o => new NpgsqlDbContextOptionsBuilder(o).EnableRetryOnFailure(5, TimeSpan.FromMilliseconds(20), ["40001"]));

    /// <summary>Makes the next <paramref name="count"/> inserts into the outbox table fail as a serialization failure would.</summary>
    private static Task FailOutboxInsertsAsync(TestApp app, int count)
    {
        var sql = $"""
        DROP SEQUENCE IF EXISTS outbox_insert_attempts;
        CREATE SEQUENCE outbox_insert_attempts;
        CREATE OR REPLACE FUNCTION fail_outbox_inserts() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF nextval('outbox_insert_attempts') <= {count} THEN
                RAISE EXCEPTION 'simulated transient failure' USING ERRCODE = '40001';
            END IF;
            RETURN NULL;
        END $$;
        CREATE OR REPLACE TRIGGER fail_outbox_inserts AFTER INSERT ON "LogPipeOutbox" FOR EACH STATEMENT EXECUTE FUNCTION fail_outbox_inserts();
        """;
        return app.QueryAsync(db => db.Database.ExecuteSqlRawAsync(sql));
    }

    /// <summary>How many INSERT statements into the outbox table ran since <see cref="FailOutboxInsertsAsync"/> (sequences ignore rollbacks).</summary>
    private static Task<long> OutboxInsertAttemptsAsync(TestApp app) =>
        app.QueryAsync(db => db.Database.SqlQueryRaw<long>("SELECT last_value AS \"Value\" FROM outbox_insert_attempts").SingleAsync());
}
