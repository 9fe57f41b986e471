using System.Data.Common;
using System.Diagnostics;
using LogPipe.Hosting.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.EntityFrameworkCore.Tests.Outbox;

/// <summary>
/// A gated outbox save on SQLite that meets a writer outside the gate (an explicit transaction, another process) waits in
/// SQLite's own busy handler, which tries again within milliseconds, not in Microsoft.Data.Sqlite's loop, which sleeps
/// 150 ms per try with the gate held (and every other writer of the process behind it).
/// </summary>
public sealed class OutboxSqliteBusyTimeoutTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>How long the writer outside the gate keeps the database once the save is at its BEGIN.</summary>
    private static readonly TimeSpan Held = TimeSpan.FromMilliseconds(40);

    /// <summary>A hold this short leaves SQLite's own busy handler (1, 2, 5, 10, 15, 20, 25 ms between tries) well under <see cref="LibrarySleep"/>.</summary>
    private static readonly TimeSpan BriefHold = TimeSpan.FromMilliseconds(100);

    /// <summary>Microsoft.Data.Sqlite's sleep between two tries of a busy statement.</summary>
    private static readonly TimeSpan LibrarySleep = TimeSpan.FromMilliseconds(150);

    [Fact]
    public async Task A_gated_outbox_save_on_SQLite_that_meets_a_lock_held_outside_the_gate_goes_on_far_sooner_than_a_150_ms_retry()
    {
        await using var harness = await OutboxHarness.CreateAsync(TemporaryDatabase.SqliteProvider);
        var begins = new Begins();
        var app = await harness.StartAppAsync(
            new Dictionary<string, string?> { ["LogPipe:Outbox:DisableRelay"] = "true", ["LogPipe:Outbox:SqliteWriteGate"] = "true" },
            services => services.ConfigureDbContext<TestDb>(o => o.AddInterceptors(begins)));

        // Only a try whose lock was really released soon says something: without a busy timeout every try sleeps at least
        // once for 150 ms (the lock is held when the save begins), with it the save goes on within milliseconds of the
        // release. A loaded machine can stretch the hold itself past 150 ms (the test's own continuation runs late), and
        // such a try cannot tell the two apart: it is tried again, up to ten times, until three tries held the lock briefly.
        var fastest = TimeSpan.MaxValue;
        var telling = 0;
        var attempts = 0;
        while (telling < 3 && attempts < 10)
        {
            attempts++;
            var (took, held) = await SaveBesideALockAsync(app, begins);
            Assert.True(took >= Held, $"the save took {took.TotalMilliseconds:F0} ms: it did not wait for the lock held outside the gate");
            if (held >= BriefHold) continue;
            telling++;
            fastest = took < fastest ? took : fastest;
        }

        Assert.True(telling > 0, $"in {attempts} tries the lock was never released within {BriefHold.TotalMilliseconds:F0} ms: the machine is too loaded for this test to tell anything");
        Assert.True(fastest < LibrarySleep, $"the save took {fastest.TotalMilliseconds:F0} ms at best for a lock held under {BriefHold.TotalMilliseconds:F0} ms: it slept in Microsoft.Data.Sqlite's 150 ms busy loop");
        Assert.Equal(attempts, (await harness.OutboxAsync(app)).Count);
    }

    [Fact]
    public async Task The_outbox_gives_its_SQLite_connections_a_busy_timeout_as_long_as_the_command_timeout()
    {
        await using var harness = await OutboxHarness.CreateAsync(TemporaryDatabase.SqliteProvider);
        var app = await harness.StartAppAsync(new Dictionary<string, string?> { ["LogPipe:Outbox:DisableRelay"] = "true" });
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TestDb>();

        await db.Database.OpenConnectionAsync();
        Assert.Equal(30_000, await BusyTimeoutAsync(db.Database.GetDbConnection()));
        await db.Database.CloseConnectionAsync();

        db.Database.SetCommandTimeout(5);
        await db.Database.OpenConnectionAsync();
        Assert.Equal(5_000, await BusyTimeoutAsync(db.Database.GetDbConnection()));
    }

    /// <summary>Holds SQLite's write lock from a connection of its own, saves one person through the outbox, releases the lock
    /// <see cref="Held"/> after the save reached its BEGIN; returns how long the save took and how long the lock was held
    /// from the save's start.</summary>
    private static async Task<(TimeSpan Took, TimeSpan Held)> SaveBesideALockAsync(TestApp app, Begins begins)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TestDb>();
        var person = new Person { Uuid = Guid.NewGuid(), FirstName = "Ann", LastName = "busy" };
        db.People.Add(person);
        await scope.ServiceProvider.GetRequiredService<IOutboxProducer<Person>>().SendAsync(person);

        var outside = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()) { Pooling = false };
        await using var connection = new SqliteConnection(outside.ConnectionString);
        await connection.OpenAsync();
        var transaction = connection.BeginTransaction(deferred: false);
        await using (transaction)
        {
            var reached = begins.Next();
            var started = Stopwatch.GetTimestamp();

            // Microsoft.Data.Sqlite blocks the saving thread while the database is busy: run the save beside the test.
            var save = Task.Run(() => db.SaveChangesAsync());
            await reached.WaitAsync(Patience);
            await Task.Delay(Held); // the span the lock stays held while the save waits for it, not a condition
            await transaction.CommitAsync();
            var held = Stopwatch.GetElapsedTime(started);
            await save.WaitAsync(Patience);
            return (Stopwatch.GetElapsedTime(started), held);
        }
    }

    private static async Task<long> BusyTimeoutAsync(DbConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA busy_timeout";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Signals when a context is about to begin a transaction.</summary>
    private sealed class Begins : DbTransactionInterceptor
    {
        private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Next()
        {
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _next.Task;
        }

        public override ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
        {
            _next.TrySetResult();
            return ValueTask.FromResult(result);
        }
    }
}
