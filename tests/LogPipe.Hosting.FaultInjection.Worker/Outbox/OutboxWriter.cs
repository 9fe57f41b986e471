using System.Collections.Concurrent;
using System.Diagnostics;
using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.FaultInjection.Worker.Outbox;

/// <summary>
/// The writing service's business transactions: each picks a person at random, bumps its version, records the change and
/// sends the person through <see cref="IOutboxProducer{TModel}"/> — all in one transaction. Half the transactions use an
/// explicit <c>BeginTransactionAsync</c>…<c>CommitAsync</c> with the version bumped by an UPDATE (so a second writer of the
/// same person waits on its row lock), half <c>SaveChangesAsync</c> alone with the version as a concurrency token (a
/// conflict rolls back and is tried again). Every <see cref="OutboxWriterSettings.RollbackEvery"/>th transaction sends and
/// then rolls back, or is never saved.
/// </summary>
/// <remarks>
/// The record says which change it carries: <c>first_name</c> is <c>v{version}</c>, <c>last_name</c> the change id (new
/// for every attempt), so the log can be checked against the committed <see cref="PersonChange"/> rows.
/// </remarks>
public sealed class OutboxWriter(IServiceProvider services, OutboxWriterSettings settings)
{
    private readonly ConcurrentQueue<(long Start, double Milliseconds)> _latencies = new();
    private (long Id, Guid Uuid)[] _people = [];
    private int _base;
    private long _baseRefreshedAt;
    private int _committed;
    private int _rolledBack;
    private int _conflicts;
    private long _transactions;
    private string[] _steps = [];

    /// <summary>Changes committed by this writer.</summary>
    public int Committed => Volatile.Read(ref _committed);

    /// <summary>Transactions rolled back (or never saved) on purpose.</summary>
    public int RolledBack => Volatile.Read(ref _rolledBack);

    /// <summary>Concurrency conflicts retried (two writers changed the same person at once).</summary>
    public int Conflicts => Volatile.Read(ref _conflicts);

    /// <summary>Committed transactions' start (<see cref="Stopwatch"/> timestamp) and duration, when recorded.</summary>
    public IReadOnlyCollection<(long Start, double Milliseconds)> Latencies => _latencies;

    /// <summary>What each writer loop is doing now (or how it ended), for a stalled writer's diagnosis.</summary>
    public string Steps => string.Join("; ", _steps.Select((step, writer) => $"writer {writer}: {Volatile.Read(ref _steps[writer])}"));

    /// <summary>Whether some loop has not reached <see cref="OutboxWriterSettings.Changes"/> yet (one that failed counts as writing).</summary>
    public bool Writing => _steps.Length == 0 || _steps.Any(step => step != "done");

    /// <summary>The record a change sends: who, which version, which attempt.</summary>
    public static Person Record(Guid uuid, int version, Guid changeId) =>
        new() { Uuid = uuid, FirstName = $"v{version}", LastName = changeId.ToString("N"), Email = null };

    /// <summary>Creates <paramref name="count"/> people at version 0 (no change yet, nothing sent).</summary>
    public static async Task SeedAsync(WriterDb db, int count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        db.People.AddRange(Enumerable.Range(0, count).Select(_ => new WrittenPerson { Uuid = Guid.NewGuid() }));
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes until cancelled or until <see cref="OutboxWriterSettings.Changes"/> changes have committed.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WriterDb>();
            _people = [.. (await db.People.AsNoTracking().OrderBy(p => p.Id).Select(p => new { p.Id, p.Uuid }).ToListAsync(cancellationToken).ConfigureAwait(false)).Select(p => (p.Id, p.Uuid))];
            _base = await db.Changes.CountAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_people.Length == 0) throw new InvalidOperationException("The writer database has no people: seed it first (OutboxWriter.SeedAsync).");
        _steps = [.. Enumerable.Repeat("starting", settings.Writers)];
        await Task.WhenAll(Enumerable.Range(0, settings.Writers).Select(w => Task.Run(() => LoopAsync(w, cancellationToken), cancellationToken))).ConfigureAwait(false);
    }

    private void Step(int writer, string step) => Volatile.Write(ref _steps[writer], step);

    private async Task LoopAsync(int writer, CancellationToken cancellationToken)
    {
        try
        {
            await WriteAsync(writer, cancellationToken).ConfigureAwait(false);
            Step(writer, "done");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Step(writer, "failed: " + ex.GetType().Name);
            await Console.Error.WriteLineAsync($"writer {writer} failed: {ex}").ConfigureAwait(false);
            throw;
        }
    }

    private async Task WriteAsync(int writer, CancellationToken cancellationToken)
    {
        var random = new Random(HashCode.Combine(writer, Environment.ProcessId, Environment.TickCount));
        var interval = settings.Rate > 0 ? TimeSpan.FromSeconds((double)settings.Writers / settings.Rate) : TimeSpan.Zero;
        var next = Stopwatch.GetTimestamp();
        while (!cancellationToken.IsCancellationRequested && Volatile.Read(ref _base) + Committed < settings.Changes)
        {
            if (interval > TimeSpan.Zero)
            {
                next += (long)(interval.TotalSeconds * Stopwatch.Frequency);
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
                if (wait > TimeSpan.Zero) await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }

            Step(writer, "next");
            var number = Interlocked.Increment(ref _transactions);
            if (settings.Changes != int.MaxValue && number - Interlocked.Read(ref _baseRefreshedAt) >= 200) await RefreshBaseAsync(number, cancellationToken).ConfigureAwait(false);
            var rollback = settings.RollbackEvery > 0 && number % settings.RollbackEvery == 0;
            var (id, uuid) = _people[random.Next(_people.Length)];
            var start = Stopwatch.GetTimestamp();
            var committed = number % 2 == 0
                ? await ExplicitTransactionAsync(writer, id, uuid, rollback, cancellationToken).ConfigureAwait(false)
                : await SaveChangesAloneAsync(writer, id, uuid, rollback, cancellationToken).ConfigureAwait(false);
            if (committed is not { } changeId)
            {
                Interlocked.Increment(ref _rolledBack);
                continue;
            }

            var end = Stopwatch.GetTimestamp();
            Interlocked.Increment(ref _committed);
            if (settings.RecordLatencies) _latencies.Enqueue((start, Stopwatch.GetElapsedTime(start, end).TotalMilliseconds));
            settings.Committed?.Invoke(changeId, end);
        }
    }

    /// <summary>Counts the changes committed by other processes writing the same database, so all stop near the total together.</summary>
    private async Task RefreshBaseAsync(long number, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _baseRefreshedAt, number);
        await using var scope = services.CreateAsyncScope();
        var committed = await scope.ServiceProvider.GetRequiredService<WriterDb>().Changes.CountAsync(cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _base, Math.Max(Volatile.Read(ref _base), committed - Committed));
    }

    /// <summary>BeginTransactionAsync, an UPDATE that bumps the version under the row lock, the send, CommitAsync.</summary>
    private async Task<Guid?> ExplicitTransactionAsync(int writer, long id, Guid uuid, bool rollback, CancellationToken cancellationToken)
    {
        Step(writer, $"explicit {id}: begin");
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WriterDb>();
        var outbox = scope.ServiceProvider.GetRequiredService<IOutboxProducer<Person>>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        Step(writer, $"explicit {id}: update");
        var version = (await db.Database
            .SqlQuery<int>($"UPDATE \"People\" SET \"Version\" = \"Version\" + 1 WHERE \"Id\" = {id} RETURNING \"Version\" AS \"Value\"")
            .ToListAsync(cancellationToken).ConfigureAwait(false)).Single();
        var changeId = Guid.NewGuid();
        db.Changes.Add(new PersonChange { Uuid = uuid, Version = version, ChangeId = changeId });
        await outbox.SendAsync(Record(uuid, version, changeId), cancellationToken).ConfigureAwait(false);
        Step(writer, $"explicit {id}: save");
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        Step(writer, $"explicit {id}: commit (rollback {rollback})");
        if (rollback)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return changeId;
    }

    /// <summary>Load, bump, send, SaveChangesAsync (EF Core's own transaction); a concurrency conflict is tried again.</summary>
    private async Task<Guid?> SaveChangesAloneAsync(int writer, long id, Guid uuid, bool neverSaved, CancellationToken cancellationToken)
    {
        while (true)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<WriterDb>();
            var outbox = scope.ServiceProvider.GetRequiredService<IOutboxProducer<Person>>();
            Step(writer, $"alone {id}: load");
            var person = await db.People.SingleAsync(p => p.Id == id, cancellationToken).ConfigureAwait(false);
            person.Version++;
            var changeId = Guid.NewGuid();
            db.Changes.Add(new PersonChange { Uuid = uuid, Version = person.Version, ChangeId = changeId });
            await outbox.SendAsync(Record(uuid, person.Version, changeId), cancellationToken).ConfigureAwait(false);
            if (neverSaved) return null; // the scope ends unsaved: nothing may be sent
            try
            {
                Step(writer, $"alone {id}: save");
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                return changeId;
            }
            catch (DbUpdateConcurrencyException)
            {
                Interlocked.Increment(ref _conflicts);
            }
        }
    }
}
