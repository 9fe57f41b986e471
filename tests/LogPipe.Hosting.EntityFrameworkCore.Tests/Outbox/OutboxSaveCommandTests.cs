using System.Data.Common;
using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.EntityFrameworkCore.Tests.Outbox;

/// <summary>
/// On PostgreSQL a save of new rows carries its outbox rows in its own command, as its last statements: one round trip,
/// committed by PostgreSQL's implicit transaction with the business rows, or rolled back with them.
/// </summary>
public sealed class OutboxSaveCommandTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_save_of_new_rows_on_PostgreSQL_commits_its_entry_in_its_own_command_without_a_transaction()
    {
        await using var harness = await OutboxHarness.CreateAsync(TemporaryDatabase.PostgresProvider);
        var database = new DatabaseCalls();
        var app = await harness.StartAppAsync(services: database.Watch);
        var joe = People.Joe();

        database.Clear();
        await OutboxHarness.SaveAsync(app, joe);

        var calls = database.Calls();
        Assert.DoesNotContain(calls, c => c.StartsWith("transaction", StringComparison.Ordinal));
        var insert = Assert.Single(calls, c => c.Contains("INSERT INTO \"People\"", StringComparison.Ordinal));
        Assert.True(
            insert.IndexOf("INSERT INTO \"People\"", StringComparison.Ordinal) < insert.LastIndexOf("INSERT INTO \"LogPipeOutbox\"", StringComparison.Ordinal),
            $"The outbox row is not the command's last statement: {insert}");
        await Eventually.TrueAsync(async () => harness.LogCount() == 1 && (await harness.OutboxAsync(app)).Count == 0, Patience, "the entry relayed and deleted");
        Assert.Equal("Schmoe", Assert.Single(harness.Log()).LastName);
        Assert.Equal(joe.Uuid, Assert.Single(await app.PeopleAsync()).Uuid);
    }

    [Fact]
    public async Task A_save_of_new_rows_on_PostgreSQL_whose_outbox_insert_fails_commits_neither_and_saving_again_commits_both_once()
    {
        await using var harness = await OutboxHarness.CreateAsync(TemporaryDatabase.PostgresProvider);
        var app = await harness.StartAppAsync();
        var ann = new Person { Uuid = Guid.NewGuid(), FirstName = "Ann", LastName = "first" };
        await app.QueryAsync(db => db.Database.ExecuteSqlRawAsync("""
            CREATE FUNCTION refuse_outbox_rows() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'outbox rows refused'; END $$;
            CREATE TRIGGER refuse_outbox_rows BEFORE INSERT ON "LogPipeOutbox" FOR EACH ROW EXECUTE FUNCTION refuse_outbox_rows();
            """));

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TestDb>();
            db.People.Add(ann);
            await scope.ServiceProvider.GetRequiredService<IOutboxProducer<Person>>().SendAsync(ann);

            // The outbox's statement fails after the person's INSERT ran in the same command: the error reaches the
            // application and the person is not committed without its entry.
            var error = await Assert.ThrowsAnyAsync<Exception>(() => db.SaveChangesAsync());
            Assert.Contains("outbox rows refused", error.ToString(), StringComparison.Ordinal);
            Assert.Empty(await app.PeopleAsync());
            Assert.Empty(await harness.OutboxAsync(app));

            await app.QueryAsync(other => other.Database.ExecuteSqlRawAsync("DROP TRIGGER refuse_outbox_rows ON \"LogPipeOutbox\""));
            await db.SaveChangesAsync();
        }

        await Eventually.TrueAsync(async () => harness.LogCount() >= 1 && (await harness.OutboxAsync(app)).Count == 0, Patience, "the entry relayed and deleted");
        Assert.Equal("first", Assert.Single(harness.Log()).LastName);
        Assert.Equal("Ann", Assert.Single(await app.PeopleAsync()).FirstName);
    }

    [Fact]
    public async Task A_save_of_one_new_row_with_more_entries_than_one_statement_holds_on_PostgreSQL_commits_them_all_in_order()
    {
        await using var harness = await OutboxHarness.CreateAsync(TemporaryDatabase.PostgresProvider);
        var database = new DatabaseCalls();
        var app = await harness.StartAppAsync(services: database.Watch);
        var joe = People.Joe();

        database.Clear();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TestDb>();
            var outbox = scope.ServiceProvider.GetRequiredService<IOutboxProducer<Person>>();
            db.People.Add(joe);
            for (var version = 0; version < 250; version++)
            {
                joe.LastName = $"v{version}";
                await outbox.SendAsync(joe);
            }

            await db.SaveChangesAsync();
        }

        Assert.DoesNotContain(database.Calls(), c => c.StartsWith("transaction", StringComparison.Ordinal));
        await Eventually.TrueAsync(async () => harness.LogCount() == 250 && (await harness.OutboxAsync(app)).Count == 0, Patience, "every entry relayed and deleted");
        Assert.Equal(Enumerable.Range(0, 250).Select(v => $"v{v}"), harness.Log().Select(r => r.LastName));
    }

    [Fact]
    public async Task A_save_that_changes_a_row_on_PostgreSQL_writes_its_entry_in_a_transaction_at_commit()
    {
        await using var harness = await OutboxHarness.CreateAsync(TemporaryDatabase.PostgresProvider);
        var database = new DatabaseCalls();
        var app = await harness.StartAppAsync(services: database.Watch);
        var joe = People.Joe();
        await OutboxHarness.SaveAsync(app, joe);

        // An UPDATE that finds no row fails nothing on the server: carried in the same command, the entry would be
        // committed although EF Core reports the change as not saved. Such a save runs in a transaction.
        database.Clear();
        await OutboxHarness.SaveAsync(app, new Person { Uuid = joe.Uuid, LastName = "changed" });

        var calls = database.Calls();
        Assert.Contains(calls, c => c.StartsWith("transaction", StringComparison.Ordinal));
        Assert.DoesNotContain(calls, c => c.Contains("INSERT INTO \"LogPipeOutbox\"", StringComparison.Ordinal));
        await Eventually.TrueAsync(async () => harness.LogCount() == 2 && (await harness.OutboxAsync(app)).Count == 0, Patience, "both entries relayed and deleted");
        Assert.Equal(["Schmoe", "changed"], harness.Log().Select(r => r.LastName));
    }

    /// <summary>The transactions EF Core begins (as logged) and the text of the commands it runs (as sent) for a test's contexts.</summary>
    private sealed class DatabaseCalls : DbCommandInterceptor
    {
        private readonly List<string> _calls = [];

        public void Watch(IServiceCollection services) => services.ConfigureDbContext<TestDb>(o => o
            .AddInterceptors(this)
            .LogTo(Add, [RelationalEventId.TransactionStarted], LogLevel.Debug, DbContextLoggerOptions.None));

        public void Clear()
        {
            lock (_calls) _calls.Clear();
        }

        public List<string> Calls()
        {
            lock (_calls) return [.. _calls];
        }

        public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
        {
            Add(command.CommandText);
            return result;
        }

        public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
        {
            Add(command.CommandText);
            return ValueTask.FromResult(result);
        }

        private void Add(string line)
        {
            lock (_calls) _calls.Add(line.Contains("Began transaction", StringComparison.Ordinal) ? "transaction " + line : line);
        }
    }
}
