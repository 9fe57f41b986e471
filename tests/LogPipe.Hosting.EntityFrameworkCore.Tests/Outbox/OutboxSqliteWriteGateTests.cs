using System.Data.Common;
using System.Runtime.CompilerServices;
using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.EntityFrameworkCore.Tests.Outbox;

/// <summary>
/// On SQLite a process's outbox writes take turns in memory (the write gate): a save that carries entries begins its
/// transaction only once the one before it committed, and the relay's writes wait for it, instead of meeting the other at
/// the file lock, where Microsoft.Data.Sqlite sleeps 150 ms per try.
/// </summary>
public sealed class OutboxSqliteWriteGateTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>How long a test gives a write that should wait for the gate to show it does not.</summary>
    private static readonly TimeSpan Chance = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task A_second_outbox_save_on_SQLite_begins_its_transaction_only_after_the_first_committed()
    {
        await using var harness = await OutboxHarness.CreateAsync(TemporaryDatabase.SqliteProvider);
        var order = new WriteOrder();
        var app = await harness.StartAppAsync(new Dictionary<string, string?> { ["LogPipe:Outbox:SqliteWriteGate"] = "true" }, order.Watch);

        var (first, second) = await SaveTwoAtOnceAsync(app, order, secondBegins: false);

        Assert.Equal(["begin A", "commit A", "begin B", "commit B"], order.Events());
        await Eventually.TrueAsync(() => harness.LogCount() == 2, Patience, "both entries relayed");
        Assert.Equal(new[] { first.Uuid, second.Uuid }.Order(), (await app.PeopleAsync()).Select(p => p.Uuid).Order());
    }

    [Fact]
    public async Task With_the_SQLite_write_gate_turned_off_a_second_outbox_save_begins_while_the_first_holds_the_database()
    {
        await using var harness = await OutboxHarness.CreateAsync(TemporaryDatabase.SqliteProvider);
        var order = new WriteOrder();
        var app = await harness.StartAppAsync(new Dictionary<string, string?> { ["LogPipe:Outbox:SqliteWriteGate"] = "false" }, order.Watch);

        await SaveTwoAtOnceAsync(app, order, secondBegins: true);

        // Both commit (SQLite's busy timeout lets B in once A committed), but B went to the file lock at once.
        Assert.Equal(["begin A", "begin B", "commit A", "commit B"], order.Events());
        await Eventually.TrueAsync(() => harness.LogCount() == 2, Patience, "both entries relayed");
    }

    [Fact]
    public async Task The_relays_writes_to_the_outbox_tables_on_SQLite_wait_for_an_outbox_save_in_progress()
    {
        await using var harness = await OutboxHarness.CreateAsync(TemporaryDatabase.SqliteProvider);
        var order = new WriteOrder();
        var app = await harness.StartAppAsync(new Dictionary<string, string?> { ["LogPipe:Outbox:DisableRelay"] = "true", ["LogPipe:Outbox:SqliteWriteGate"] = "true" }, order.Watch);

        // A holds the gate, but not yet the database: it is held before its BEGIN.
        await using var scopeA = app.Services.CreateAsyncScope();
        var saveA = order.HoldWhileSaving(scopeA, "A", People.Joe(), beforeBegin: true);
        await order.HeldInsert.WaitAsync(Patience);

        // The statement the relay runs to renew its lease, from another context of the process: the database is free,
        // but the gate is not.
        await using var scopeC = app.Services.CreateAsyncScope();
        var dbC = scopeC.ServiceProvider.GetRequiredService<TestDb>();
        order.Name(dbC, "C");
        var update = Task.Run(() => dbC.Set<LogPipeOutboxLease>().ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAtUnixMs, 0L)));
        await Task.WhenAny(order.Reached("update C"), Task.Delay(Chance));
        order.Release();
        await saveA;
        await update;

        Assert.Equal(["begin A", "commit A", "update C"], order.Events());
    }

    [Fact]
    public async Task The_relays_write_on_SQLite_goes_before_the_outbox_saves_waiting_for_the_gate()
    {
        await using var harness = await OutboxHarness.CreateAsync(TemporaryDatabase.SqliteProvider);
        var order = new WriteOrder();
        var app = await harness.StartAppAsync(new Dictionary<string, string?> { ["LogPipe:Outbox:DisableRelay"] = "true", ["LogPipe:Outbox:SqliteWriteGate"] = "true" }, order.Watch);

        await using var scopeA = app.Services.CreateAsyncScope();
        var saveA = order.HoldWhileSaving(scopeA, "A", People.Joe(), beforeBegin: true);
        await order.HeldInsert.WaitAsync(Patience);

        // B and then D queue for the gate A holds (neither can begin), then the relay's statement C.
        await using var scopeB = app.Services.CreateAsyncScope();
        var saveB = SaveBesideAsync(scopeB, order, "B");
        await Task.WhenAny(order.Reached("begin B"), Task.Delay(Chance));
        await using var scopeD = app.Services.CreateAsyncScope();
        var saveD = SaveBesideAsync(scopeD, order, "D");
        await Task.WhenAny(order.Reached("begin D"), Task.Delay(Chance));
        await using var scopeC = app.Services.CreateAsyncScope();
        var dbC = scopeC.ServiceProvider.GetRequiredService<TestDb>();
        order.Name(dbC, "C");
        var update = Task.Run(() => dbC.Set<LogPipeOutboxLease>().ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAtUnixMs, 0L)));
        await Task.WhenAny(order.Reached("update C"), Task.Delay(Chance));
        order.Release();
        await Task.WhenAll(saveA, saveB, saveD, update);

        // C waited for the save in progress only, not for the saves that queued before it.
        Assert.Equal(["begin A", "commit A", "update C", "begin B", "commit B", "begin D", "commit D"], order.Events());
    }

    private static async Task SaveBesideAsync(AsyncServiceScope scope, WriteOrder order, string name)
    {
        var db = scope.ServiceProvider.GetRequiredService<TestDb>();
        order.Name(db, name);
        var person = new Person { Uuid = Guid.NewGuid(), FirstName = name, LastName = "queued" };
        db.People.Add(person);
        await scope.ServiceProvider.GetRequiredService<IOutboxProducer<Person>>().SendAsync(person);
        await Task.Run(() => db.SaveChangesAsync());
    }

    /// <summary>Saves person A through the outbox and holds it inside its transaction while person B is saved beside it.</summary>
    private static async Task<(Person First, Person Second)> SaveTwoAtOnceAsync(TestApp app, WriteOrder order, bool secondBegins)
    {
        var first = People.Joe();
        var second = new Person { Uuid = Guid.NewGuid(), FirstName = "Ann", LastName = "second" };
        await using var scopeA = app.Services.CreateAsyncScope();
        var saveA = order.HoldWhileSaving(scopeA, "A", first);
        await order.HeldInsert.WaitAsync(Patience);

        await using var scopeB = app.Services.CreateAsyncScope();
        var dbB = scopeB.ServiceProvider.GetRequiredService<TestDb>();
        order.Name(dbB, "B");
        dbB.People.Add(second);
        await scopeB.ServiceProvider.GetRequiredService<IOutboxProducer<Person>>().SendAsync(second);

        // Without the gate B's BEGIN blocks its thread in Microsoft.Data.Sqlite's busy loop: run it beside the test.
        var saveB = Task.Run(() => dbB.SaveChangesAsync());
        // Where B is expected to begin at once, wait for it as long as a slow machine needs (a cold process took over a
        // second); where it must not, give it the chance to, then go on.
        if (secondBegins) await order.Reached("begin B").WaitAsync(Patience);
        else await Task.WhenAny(order.Reached("begin B"), Task.Delay(Chance));
        order.Release();
        await saveA;
        await saveB;
        return (first, second);
    }

    /// <summary>
    /// The order in which named contexts begin and commit transactions and have run bulk updates, and a hold on the first
    /// named save (at its INSERT of its person, inside its transaction, or before it begins its transaction) until
    /// <see cref="Release"/>.
    /// </summary>
    private sealed class WriteOrder : DbTransactionInterceptor
    {
        private readonly ConditionalWeakTable<DbContext, string> _names = new();
        private readonly List<string> _events = [];
        private readonly Dictionary<string, TaskCompletionSource> _reached = [];
        private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private DbContext? _holding;
        private bool _beforeBegin;

        public Task HeldInsert => _held.Task;

        public void Watch(IServiceCollection services) => services.ConfigureDbContext<TestDb>(o => o.AddInterceptors(this, new Commands(this)));

        public void Name(DbContext context, string name) => _names.AddOrUpdate(context, name);

        public void Release() => _release.TrySetResult();

        public async Task HoldWhileSaving(AsyncServiceScope scope, string name, Person person, bool beforeBegin = false)
        {
            var db = scope.ServiceProvider.GetRequiredService<TestDb>();
            Name(db, name);
            _holding = db;
            _beforeBegin = beforeBegin;
            db.People.Add(person);
            await scope.ServiceProvider.GetRequiredService<IOutboxProducer<Person>>().SendAsync(person);
            await Task.Run(() => db.SaveChangesAsync());
        }

        public List<string> Events()
        {
            lock (_events) return [.. _events];
        }

        public Task Reached(string step)
        {
            lock (_events) return Signal(step).Task;
        }

        public override async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
        {
            Add("begin", eventData.Context);
            if (_beforeBegin && eventData.Context is { } context && ReferenceEquals(context, _holding)) await HoldAsync(cancellationToken);
            return result;
        }

        public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Add("commit", eventData.Context);
            return Task.CompletedTask;
        }

        private async Task HoldAsync(CancellationToken cancellationToken)
        {
            _holding = null;
            _held.TrySetResult();
            await _release.Task.WaitAsync(Patience, cancellationToken);
        }

        private void Add(string what, DbContext? context)
        {
            if (context is null || !_names.TryGetValue(context, out var name)) return;
            lock (_events)
            {
                _events.Add($"{what} {name}");
                Signal($"{what} {name}").TrySetResult();
            }
        }

        private TaskCompletionSource Signal(string step)
        {
            if (!_reached.TryGetValue(step, out var signal)) _reached[step] = signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return signal;
        }

        private sealed class Commands(WriteOrder order) : DbCommandInterceptor
        {
            public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
            {
                if (eventData.Context is { } context && ReferenceEquals(context, order._holding) && command.CommandText.Contains("INSERT INTO \"People\"", StringComparison.Ordinal))
                {
                    await order.HoldAsync(cancellationToken);
                }

                return result;
            }

            public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
            {
                if (eventData.CommandSource == CommandSource.ExecuteUpdate) order.Add("update", eventData.Context);
                return ValueTask.FromResult(result);
            }
        }
    }
}
