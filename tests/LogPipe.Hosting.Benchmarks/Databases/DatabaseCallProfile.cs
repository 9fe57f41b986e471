using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace LogPipe.Hosting.Benchmarks.Databases;

/// <summary>
/// Stopwatch instrumentation of a consumer phase's database traffic (<c>--db-profile</c>): every command and every
/// transaction operation EF Core runs (savepoints go to the ADO.NET transaction directly, so they are caught as
/// transaction events), counted by kind and timed from EF's "executing" to its "executed" event.
/// </summary>
public sealed class DatabaseCallProfile
{
    private readonly ConcurrentDictionary<string, Tally> _calls = new(StringComparer.Ordinal);

    /// <summary>The interceptors to add to the DbContext.</summary>
    public IInterceptor[] Interceptors => [new Commands(this), new Transactions(this)];

    /// <summary>Total time spent inside database calls.</summary>
    public TimeSpan Total => TimeSpan.FromTicks(_calls.Values.Sum(t => t.Ticks));

    /// <summary>Calls per record and the share of <paramref name="wall"/> spent in each kind, e.g. "SAVEPOINT 1.00/rec 21%".</summary>
    public string Describe(long records, TimeSpan wall)
    {
        var c = CultureInfo.InvariantCulture;
        var parts = _calls.OrderByDescending(p => p.Value.Ticks).Select(p =>
            string.Create(c, $"{p.Key} {(double)p.Value.Count / records:0.00}/rec {100.0 * p.Value.Ticks / wall.Ticks:0}%"));
        var total = _calls.Values.Sum(t => t.Count);
        return string.Create(c, $"db calls {(double)total / records:0.00}/rec, {100.0 * Total.Ticks / wall.Ticks:0}% of wall time: ") + string.Join(", ", parts);
    }

    private void Add(string kind, TimeSpan duration)
    {
        var tally = _calls.GetOrAdd(kind, _ => new Tally());
        Interlocked.Increment(ref tally.Count);
        Interlocked.Add(ref tally.Ticks, duration.Ticks);
    }

    private static string Verb(DbCommand command)
    {
        var text = command.CommandText.AsSpan().TrimStart();
        var end = text.IndexOfAny(' ', '\n', '\r');
        return (end < 0 ? text : text[..end]).ToString().ToUpperInvariant();
    }

    private sealed class Tally
    {
        public long Count;
        public long Ticks;
    }

    private sealed class Commands(DatabaseCallProfile profile) : DbCommandInterceptor
    {
        public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
        {
            profile.Add(Verb(command), eventData.Duration);
            return ValueTask.FromResult(result);
        }

        public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
        {
            profile.Add(Verb(command), eventData.Duration);
            return ValueTask.FromResult(result);
        }

        public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
        {
            profile.Add(Verb(command), eventData.Duration);
            return ValueTask.FromResult(result);
        }
    }

    private sealed class Transactions(DatabaseCallProfile profile) : DbTransactionInterceptor
    {
        // EF raises "creating" and "created" for savepoints without a duration; one unit of work runs at a time.
        private long _started;

        public override ValueTask<InterceptionResult> CreatingSavepointAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
            => Start(result);

        public override Task CreatedSavepointAsync(DbTransaction transaction, TransactionEventData eventData, CancellationToken cancellationToken = default)
            => Stop("SAVEPOINT");

        public override ValueTask<InterceptionResult> ReleasingSavepointAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
            => Start(result);

        public override Task ReleasedSavepointAsync(DbTransaction transaction, TransactionEventData eventData, CancellationToken cancellationToken = default)
            => Stop("RELEASE");

        public override ValueTask<InterceptionResult> RollingBackToSavepointAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
            => Start(result);

        public override Task RolledBackToSavepointAsync(DbTransaction transaction, TransactionEventData eventData, CancellationToken cancellationToken = default)
            => Stop("ROLLBACK TO");

        public override ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
        {
            profile.Add("BEGIN", eventData.Duration);
            return ValueTask.FromResult(result);
        }

        public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            profile.Add("COMMIT", eventData.Duration);
            return Task.CompletedTask;
        }

        private ValueTask<InterceptionResult> Start(InterceptionResult result)
        {
            Interlocked.Exchange(ref _started, Stopwatch.GetTimestamp());
            return ValueTask.FromResult(result);
        }

        private Task Stop(string kind)
        {
            profile.Add(kind, Stopwatch.GetElapsedTime(Interlocked.Read(ref _started)));
            return Task.CompletedTask;
        }
    }
}
